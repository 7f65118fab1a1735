import { type FloorArea, onFloor } from './floorArea.ts';
import { pointInPolygon } from './geometry.ts';
import type { PositioningZone } from './positioningSite.ts';

/**
 * Which zone (room, shop area) a device is in, without flapping. Zone probabilities come from
 * the method when it has a belief over the floor (the grid filters: the belief's mass in each
 * zone, already filtered over time by their walk model), else from a hidden Markov model over the
 * zones (plus "elsewhere" where the zones leave floor uncovered): each fix is evidence in
 * proportion to how much of its uncertainty disc lies in each zone, and between fixes a device
 * stays in its zone with probability exp(-dt / meanDwellSeconds), else moves to a neighbouring
 * zone. Either way the reported zone changes only once another zone is at least
 * `switchProbability` likely (or its own zone has become as unlikely as that), so a phone
 * standing in a doorway keeps one answer.
 */

export interface ZoneModelOptions {
  /** Raster cell, metres (default 0.25). */
  cell?: number;
  /** How long a device typically stays in one zone, seconds (default 30). */
  meanDwellSeconds?: number;
  /** Probability another zone needs before the reported zone changes (default 0.75). */
  switchProbability?: number;
  /** A silence longer than this starts afresh, seconds (default 60). */
  maxGapSeconds?: number;
}

/**
 * Between a plain argmax (0.5: every wobble across a border is a change) and a sticky answer that
 * lags each real change by several windows. Stable assignment is what users ask for most, so the
 * default is on the sticky side. On the BOUN walks (leave-one-track-out, survey-filter), which
 * change quadrant about twice a minute: 0.5 gives 18% wrong windows and 4 changes a minute beyond
 * the true ones, 0.75 gives 20% and 0.3; the walks that hug a border are wrong half the time
 * whatever the setting.
 */
export const DEFAULT_SWITCH_PROBABILITY = 0.75;

export interface ZoneModel {
  /** Zone names; index `names.length` is "elsewhere" when the zones do not cover the floor. */
  names: readonly string[];
  /** Index of the "elsewhere" state, or -1 when the zones cover the floor. */
  elsewhere: number;
  states: number;
  bounds: readonly [number, number, number, number];
  cell: number;
  nx: number;
  ny: number;
  /** State per raster cell; -1 off the floor. */
  stateOfCell: Int16Array;
  /** Zones that share an edge (or touch within a cell), by state. */
  neighbours: readonly (readonly number[])[];
  meanDwellSeconds: number;
  switchProbability: number;
  maxGapSeconds: number;
}

export interface ZoneState {
  t: number;
  /** Filtered probability per state. */
  p: Float64Array;
  /** The reported state. */
  current: number;
}

export interface ZoneEvidence {
  t: number;
  x: number;
  y: number;
  /** Per-axis one-sigma uncertainty of the fix, metres. */
  sigma: number;
  /**
   * The method's own probability of each zone, in the model's zone order (the rest is
   * "elsewhere"), when it has one (`Fix.zoneMass`); it replaces the model's filter.
   */
  zoneMass?: readonly number[];
}

export interface ZoneStep {
  state: ZoneState;
  /** The reported zone; undefined for "elsewhere". */
  zone: string | undefined;
  /** Filtered probability of the reported zone. */
  probability: number;
  changed: boolean;
}

/** Zones whose polygons are listed first win where they overlap, as `zoneAt` in the site file. */
export function buildZoneModel(
  zones: readonly PositioningZone[],
  floor: FloorArea,
  options: ZoneModelOptions = {},
): ZoneModel {
  const b = floor.bounds;
  const requested = options.cell ?? 0.25;
  // At most about 250,000 raster cells, whatever the floor.
  const cell = Math.max(requested, Math.sqrt(((b[2] - b[0]) * (b[3] - b[1])) / 250_000));
  const nx = Math.max(1, Math.ceil((b[2] - b[0]) / cell));
  const ny = Math.max(1, Math.ceil((b[3] - b[1]) / cell));
  const stateOfCell = new Int16Array(nx * ny).fill(-1);
  let uncovered = false;
  for (let iy = 0; iy < ny; iy++)
    for (let ix = 0; ix < nx; ix++) {
      const p = { x: b[0] + (ix + 0.5) * cell, y: b[1] + (iy + 0.5) * cell };
      if (!onFloor(p, floor)) continue;
      const z = zones.findIndex((zone) => pointInPolygon(p, zone.polygon));
      if (z < 0) uncovered = true;
      stateOfCell[iy * nx + ix] = z < 0 ? zones.length : z;
    }
  const states = zones.length + (uncovered ? 1 : 0);
  const adjacent = Array.from({ length: states }, () => new Set<number>());
  for (let iy = 0; iy < ny; iy++)
    for (let ix = 0; ix < nx; ix++) {
      const a = stateOfCell[iy * nx + ix]!;
      if (a < 0) continue;
      for (const [dx, dy] of [
        [1, 0],
        [0, 1],
      ] as const) {
        if (ix + dx >= nx || iy + dy >= ny) continue;
        const c = stateOfCell[(iy + dy) * nx + ix + dx]!;
        if (c >= 0 && c !== a) {
          adjacent[a]!.add(c);
          adjacent[c]!.add(a);
        }
      }
    }
  // A zone with no neighbour (an island behind a wall) may still be reached from any other.
  const neighbours = adjacent.map((set, i) =>
    set.size > 0 ? [...set].sort((x, y) => x - y) : [...Array(states).keys()].filter((j) => j !== i),
  );
  return {
    names: zones.map((z) => z.name),
    elsewhere: uncovered ? zones.length : -1,
    states,
    bounds: b,
    cell,
    nx,
    ny,
    stateOfCell,
    neighbours,
    meanDwellSeconds: options.meanDwellSeconds ?? 30,
    switchProbability: options.switchProbability ?? DEFAULT_SWITCH_PROBABILITY,
    maxGapSeconds: options.maxGapSeconds ?? 60,
  };
}

/** How much of the fix's Gaussian uncertainty lies in each state (on the floor only), normalised. */
export function zoneEvidence(model: ZoneModel, e: Pick<ZoneEvidence, 'x' | 'y' | 'sigma'>): Float64Array {
  const out = new Float64Array(model.states);
  const { bounds: b, cell, nx, ny } = model;
  const sigma = Math.max(e.sigma, cell / 2);
  const reach = 3 * sigma;
  const x0 = Math.max(0, Math.floor((e.x - reach - b[0]) / cell));
  const x1 = Math.min(nx - 1, Math.floor((e.x + reach - b[0]) / cell));
  const y0 = Math.max(0, Math.floor((e.y - reach - b[1]) / cell));
  const y1 = Math.min(ny - 1, Math.floor((e.y + reach - b[1]) / cell));
  const k = -0.5 / (sigma * sigma);
  const wx = new Float64Array(Math.max(0, x1 - x0 + 1));
  for (let ix = x0; ix <= x1; ix++) wx[ix - x0] = Math.exp(k * (b[0] + (ix + 0.5) * cell - e.x) ** 2);
  let total = 0;
  for (let iy = y0; iy <= y1; iy++) {
    const wy = Math.exp(k * (b[1] + (iy + 0.5) * cell - e.y) ** 2);
    const row = iy * nx;
    for (let ix = x0; ix <= x1; ix++) {
      const s = model.stateOfCell[row + ix]!;
      if (s < 0) continue;
      const w = wy * wx[ix - x0]!;
      out[s] = out[s]! + w;
      total += w;
    }
  }
  if (total > 0) for (let i = 0; i < out.length; i++) out[i] = out[i]! / total;
  else out.fill(1 / model.states); // no floor within reach: no evidence either way
  return out;
}

/** The zone a point lies in (the first listed, where zones overlap), as the site file's `zoneAt`. */
export function zoneAtPoint(
  zones: readonly PositioningZone[],
  p: { x: number; y: number },
): string | undefined {
  return zones.find((z) => pointInPolygon(p, z.polygon))?.name;
}

/**
 * How far a point is from the nearest border between two zones (or between a zone and the rest
 * of the floor), metres; the floor's own walls are not borders. Infinity without zones.
 */
export function zoneBorderDistance(model: ZoneModel, p: { x: number; y: number }): number {
  const { bounds: b, cell, nx, ny } = model;
  const ix = Math.min(nx - 1, Math.max(0, Math.floor((p.x - b[0]) / cell)));
  const iy = Math.min(ny - 1, Math.max(0, Math.floor((p.y - b[1]) / cell)));
  const here = model.stateOfCell[iy * nx + ix]!;
  // Search outwards ring by ring for a floor cell of another state.
  const maxRing = Math.max(nx, ny);
  let best = Infinity;
  for (let r = 1; r <= maxRing && (r - 1) * cell < best; r++) {
    for (let y = iy - r; y <= iy + r; y++) {
      if (y < 0 || y >= ny) continue;
      const step = y === iy - r || y === iy + r ? 1 : 2 * r;
      for (let x = ix - r; x <= ix + r; x += step) {
        if (x < 0 || x >= nx) continue;
        const s = model.stateOfCell[y * nx + x]!;
        if (s < 0 || s === here) continue;
        // Distance to the near edge of that cell.
        const dx = Math.max(0, Math.abs(b[0] + (x + 0.5) * cell - p.x) - cell / 2);
        const dy = Math.max(0, Math.abs(b[1] + (y + 0.5) * cell - p.y) - cell / 2);
        best = Math.min(best, Math.hypot(dx, dy));
      }
    }
  }
  return best;
}

/**
 * A fix as zone evidence: its 90% radius (else its spread) as a per-axis sigma, and its zone
 * mass when the method has one.
 */
export function zoneEvidenceOf(
  t: number,
  fix: { x: number; y: number; spread?: number; radius90?: number; zoneMass?: readonly number[] },
): ZoneEvidence {
  // A round Gaussian holds 90% within sigma * sqrt(2 ln 10); its spread is sigma * sqrt(2).
  const sigma =
    fix.radius90 !== undefined
      ? fix.radius90 / Math.sqrt(2 * Math.LN10)
      : fix.spread !== undefined && Number.isFinite(fix.spread)
        ? fix.spread / Math.SQRT2
        : 1;
  return { t, x: fix.x, y: fix.y, sigma, ...(fix.zoneMass ? { zoneMass: fix.zoneMass } : {}) };
}

function nameOf(model: ZoneModel, state: number): string | undefined {
  return state === model.elsewhere ? undefined : model.names[state];
}

function argmax(p: Float64Array): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return best;
}

/** One fix of one device: the filtered zone probabilities and the reported zone, with hysteresis. */
export function stepZone(model: ZoneModel, state: ZoneState | undefined, e: ZoneEvidence): ZoneStep {
  const dt = state ? e.t - state.t : Infinity;
  const p = e.zoneMass ? massOf(model, e.zoneMass) : filtered(model, state, dt, zoneEvidence(model, e));
  const top = argmax(p);
  // Hold the zone unless a rival is `switchProbability` likely, or the zone itself has become as
  // unlikely as that (its probability spread over several rivals, none of them sure yet).
  const held =
    state !== undefined &&
    dt <= model.maxGapSeconds &&
    dt >= 0 &&
    p[top]! < model.switchProbability &&
    p[state.current]! > 1 - model.switchProbability;
  const current = held ? state.current : top;
  return {
    state: { t: e.t, p, current },
    zone: nameOf(model, current),
    probability: p[current]!,
    changed: state !== undefined && current !== state.current,
  };
}

function massOf(model: ZoneModel, zoneMass: readonly number[]): Float64Array {
  const p = new Float64Array(model.states);
  let sum = 0;
  for (let i = 0; i < model.names.length; i++) sum += p[i] = Math.max(0, zoneMass[i] ?? 0);
  if (model.elsewhere >= 0) p[model.elsewhere] = Math.max(0, 1 - sum);
  const total = p.reduce((a, v) => a + v, 0);
  if (total > 0) for (let i = 0; i < p.length; i++) p[i] = p[i]! / total;
  else p.fill(1 / model.states);
  return p;
}

/** The HMM's forward step: the walk between zones, then the fix's evidence. */
function filtered(
  model: ZoneModel,
  state: ZoneState | undefined,
  dt: number,
  evidence: Float64Array,
): Float64Array {
  let prior: Float64Array;
  if (!state || !(dt >= 0) || dt > model.maxGapSeconds)
    prior = new Float64Array(model.states).fill(1 / model.states);
  else {
    const stay = Math.exp(-dt / model.meanDwellSeconds);
    prior = new Float64Array(model.states);
    for (let i = 0; i < model.states; i++) {
      const pi = state.p[i]!;
      prior[i] = prior[i]! + stay * pi;
      const near = model.neighbours[i]!;
      for (const j of near) prior[j] = prior[j]! + ((1 - stay) * pi) / near.length;
    }
  }
  const p = new Float64Array(model.states);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += p[i] = prior[i]! * evidence[i]!;
  // Evidence against every state the prior allows: trust the evidence.
  if (sum > 0) for (let i = 0; i < p.length; i++) p[i] = p[i]! / sum;
  else p.set(evidence);
  return p;
}
