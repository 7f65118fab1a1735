import { type RadioMap, cellCentre } from './radioMap.ts';
import {
  type Fix,
  type Measurement,
  type SolveInput,
  type Solution,
  type Solver,
  type Tracker,
  checkInput,
  checkTrilaterable,
  makeFix,
  refuse,
  rssiView,
} from './solver.ts';

/**
 * A grid Bayes filter (a discrete HMM forward filter) over a radio map. The belief is a
 * probability per cell. Between windows it spreads by a random walk whose step grows with the
 * elapsed time (a person walks about `speedSigma` m/s); each window then multiplies it by the
 * likelihood of what the sensors heard, Gaussian in dB around the map's expected RSSI. The fix is
 * the belief's mean and its spread the belief's standard deviation. The belief never leaves the
 * floor, copes with one or two sensors (the motion prior fills in), and a single window from a
 * flat prior is the exhaustive maximum-likelihood search the `grid` solver does.
 */

export interface GridFilterOptions {
  /** Walking-speed spread, m/s: between windows the belief blurs by speedSigma × elapsed time (default 0.75). */
  speedSigma?: number;
  /** RSSI noise for sensors the map has no figure for, dB (default 4). */
  defaultSigmaDb?: number;
  /** A silence longer than this restarts the track from a flat belief, seconds (default 30). */
  maxGapSeconds?: number;
  /** Publish the belief's mean (default) or its most probable cell. */
  estimate?: 'mean' | 'mode';
}

export interface GridFilterState {
  t: number;
  /** Probability per cell, summing to 1. */
  belief: Float64Array;
}

export function usable(map: RadioMap, ms: readonly Measurement[]): Measurement[] {
  return ms.filter((m) => map.expected.has(m.sensorId));
}

/** Log-likelihood of one window's readings for every cell. */
export function logLikelihood(
  map: RadioMap,
  ms: readonly Measurement[],
  defaultSigmaDb: number,
): Float64Array {
  const ll = new Float64Array(map.nx * map.ny);
  for (const m of ms) {
    const e = map.expected.get(m.sensorId)!;
    const { rssi, model } = rssiView(m);
    // A reading taken at another frequency than the map's: shift it by the difference in RSSI@1m.
    const mapModel = map.models.get(m.sensorId);
    const shifted = mapModel && m.model ? rssi - (model.rssiAt1m - mapModel.rssiAt1m) : rssi;
    // The map knows how well it predicts (held out, where a survey corrected it); else the sensor's own noise.
    const sigma = map.sigmaDb.get(m.sensorId) ?? m.sigmaDb ?? defaultSigmaDb;
    const k = -0.5 / (sigma * sigma);
    for (let i = 0; i < ll.length; i++) {
      const r = shifted - e[i]!;
      ll[i] = ll[i]! + k * r * r;
    }
  }
  return ll;
}

function gaussianKernel(sigmaCells: number): Float64Array {
  const reach = Math.max(1, Math.ceil(3 * sigmaCells));
  const k = new Float64Array(2 * reach + 1);
  for (let i = -reach; i <= reach; i++) k[i + reach] = Math.exp(-(i * i) / (2 * sigmaCells * sigmaCells));
  return k;
}

/**
 * Separable Gaussian blur that renormalises the kernel at the floor's edges, so belief next to a
 * wall is not drained into the wall.
 */
export function blur(p: Float64Array, nx: number, ny: number, sigmaCells: number): Float64Array {
  const k = gaussianKernel(sigmaCells);
  const reach = (k.length - 1) / 2;
  const tmp = new Float64Array(p.length);
  for (let iy = 0; iy < ny; iy++) {
    const row = iy * nx;
    for (let ix = 0; ix < nx; ix++) {
      let s = 0;
      let w = 0;
      for (let j = Math.max(-reach, -ix); j <= Math.min(reach, nx - 1 - ix); j++) {
        s += k[j + reach]! * p[row + ix + j]!;
        w += k[j + reach]!;
      }
      tmp[row + ix] = s / w;
    }
  }
  const out = new Float64Array(p.length);
  for (let ix = 0; ix < nx; ix++) {
    for (let iy = 0; iy < ny; iy++) {
      let s = 0;
      let w = 0;
      for (let j = Math.max(-reach, -iy); j <= Math.min(reach, ny - 1 - iy); j++) {
        s += k[j + reach]! * tmp[(iy + j) * nx + ix]!;
        w += k[j + reach]!;
      }
      out[iy * nx + ix] = s / w;
    }
  }
  return out;
}

/** The belief after `spread` metres (one sigma) of random walk. */
export function diffuse(map: RadioMap, belief: Float64Array, spread: number): Float64Array {
  const sigmaCells = spread / map.cell;
  return sigmaCells > 0.25 ? blur(belief, map.nx, map.ny, sigmaCells) : belief;
}

export function normalise(p: Float64Array): boolean {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i]!;
  if (!(s > 0) || !Number.isFinite(s)) return false;
  for (let i = 0; i < p.length; i++) p[i] = p[i]! / s;
  return true;
}

export function flat(n: number): Float64Array {
  return new Float64Array(n).fill(1 / n);
}

/** Prior times likelihood, computed stably; falls back to the likelihood alone if they do not overlap. */
export function posterior(prior: Float64Array, ll: Float64Array): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < ll.length; i++) if (ll[i]! > max) max = ll[i]!;
  const post = new Float64Array(ll.length);
  for (let i = 0; i < ll.length; i++) post[i] = prior[i]! * Math.exp(ll[i]! - max);
  if (normalise(post)) return post;
  for (let i = 0; i < ll.length; i++) post[i] = Math.exp(ll[i]! - max);
  normalise(post);
  return post;
}

/**
 * The fix a belief stands for: its mean (the least-squares best guess) or its mode (the most
 * probable cell), with the belief's standard deviation as the spread either way.
 */
export function beliefFix(
  map: RadioMap,
  belief: Float64Array,
  input: SolveInput,
  predicted: boolean,
  estimate: 'mean' | 'mode' = 'mean',
): Fix {
  let mx = 0;
  let my = 0;
  let mxx = 0;
  let myy = 0;
  let best = 0;
  for (let i = 0; i < belief.length; i++) {
    const w = belief[i]!;
    if (w === 0) continue;
    if (w > belief[best]!) best = i;
    const c = cellCentre(map, i);
    mx += w * c.x;
    my += w * c.y;
    mxx += w * c.x * c.x;
    myy += w * c.y * c.y;
  }
  const spread = Math.sqrt(Math.max(0, mxx - mx * mx) + Math.max(0, myy - my * my));
  const p = estimate === 'mode' ? cellCentre(map, best) : { x: mx, y: my };
  const fix = makeFix(p, { ...input, bounds: map.bounds }, { spread });
  return predicted ? { ...fix, predicted: true } : fix;
}

export function createGridFilter(
  map: RadioMap,
  name = 'grid-filter',
  options: GridFilterOptions = {},
): Tracker<GridFilterState> {
  const speedSigma = options.speedSigma ?? 0.75;
  const defaultSigmaDb = options.defaultSigmaDb ?? 4;
  const maxGap = options.maxGapSeconds ?? 30;
  const n = map.nx * map.ny;
  return {
    kind: 'tracker',
    name,
    step(state, input) {
      const invalid = checkInput(input);
      if (invalid) return { state, solution: invalid };
      const dt = state ? input.t - state.t : Infinity;
      const prior =
        !state || !(dt >= 0) || dt > maxGap ? flat(n) : diffuse(map, state.belief, speedSigma * dt);
      const ms = usable(map, input.measurements);
      if (ms.length === 0) {
        if (!state)
          return { state, solution: refuse('too-few-sensors', 'no reading from a sensor on the map') };
        normalise(prior);
        return {
          state: { t: input.t, belief: prior },
          solution: beliefFix(map, prior, input, true, options.estimate),
        };
      }
      const belief = posterior(prior, logLikelihood(map, ms, defaultSigmaDb));
      return {
        state: { t: input.t, belief },
        solution: beliefFix(map, belief, { ...input, measurements: ms }, false, options.estimate),
      };
    },
  };
}

/**
 * One window from a flat belief, as a solver: the maximum-likelihood cell of the map (the
 * belief's spread still tells how sure it is).
 */
export function createGridSolver(map: RadioMap, name = 'grid', options: GridFilterOptions = {}): Solver {
  const defaultSigmaDb = options.defaultSigmaDb ?? 4;
  return {
    kind: 'solver',
    name,
    solve(input): Solution {
      const ms = usable(map, input.measurements);
      const refusal = checkTrilaterable({ ...input, measurements: ms });
      if (refusal) return refusal;
      const belief = posterior(flat(map.nx * map.ny), logLikelihood(map, ms, defaultSigmaDb));
      let best = 0;
      for (let i = 1; i < belief.length; i++) if (belief[i]! > belief[best]!) best = i;
      const spread = beliefFix(map, belief, { ...input, measurements: ms }, false).spread;
      return makeFix(
        cellCentre(map, best),
        { ...input, measurements: ms, bounds: map.bounds },
        spread === undefined ? {} : { spread },
      );
    },
  };
}
