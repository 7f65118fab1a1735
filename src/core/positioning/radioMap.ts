import { type FloorArea, type Ring, onFloor } from './floorArea.ts';
import { type Bounds, type Point2, pointInPolygon } from './geometry.ts';
import { type ReferencePathLoss, expectedRssi } from './pathLoss.ts';
import { MIN_RANGE } from './solver.ts';

/**
 * A radio map: the RSSI each sensor is expected to report from each cell of a grid over the
 * floor. Built from the path-loss model alone, or corrected where a survey measured the real
 * thing: the survey's residuals (measured minus modelled RSSI) are spread over nearby cells by a
 * Gaussian kernel and shrunk towards zero where the survey is thin, so far from any survey point
 * the map falls back to the plain model. Walls and furniture that the model cannot know about
 * show up in those residuals.
 */

export interface MapSensor {
  id: string;
  x: number;
  y: number;
  z: number;
  model: ReferencePathLoss;
  /** RSSI noise of this sensor, dB; the map keeps it for the likelihood. */
  sigmaDb?: number;
}

/** RSSI vectors recorded at known places: a fingerprint survey. */
export interface SurveyPoint {
  x: number;
  y: number;
  /** Median RSSI by sensor id, dBm. */
  rssi: Readonly<Record<string, number>>;
}

export interface RadioMapOptions {
  sensors: readonly MapSensor[];
  bounds: Bounds;
  /** The floor's outline and obstacles within `bounds`: cells off the floor get no belief. */
  floor?: FloorArea;
  /** Zones, so the filters can say how likely each one is (`Fix.zoneMass`). */
  zones?: readonly { polygon: Ring }[];
  /** Height of the device above the floor, metres (default 1.2). */
  deviceZ?: number;
  /**
   * Cell edge, metres (default 1, made coarser if the floor would need more than `maxCells`).
   * The filters publish the belief's mean, which falls between cells, so 0.5 m cells change the
   * BOUN leave-one-track-out figures by about 1 cm and cost four to five times as much.
   */
  cell?: number;
  maxCells?: number;
  survey?: readonly SurveyPoint[];
  /** Kernel width for survey residuals, metres (default 1). */
  surveyBandwidth?: number;
  /** Pseudo-count that pulls thin survey corrections towards the model (default 1). */
  surveyShrinkage?: number;
}

export interface RadioMap {
  bounds: Bounds;
  cell: number;
  nx: number;
  ny: number;
  /** Expected RSSI per sensor, row-major: index = iy * nx + ix, at cell centres. */
  expected: ReadonlyMap<string, Float64Array>;
  sigmaDb: ReadonlyMap<string, number>;
  /** The model each sensor's map was built with, to shift readings taken at another frequency. */
  models: ReadonlyMap<string, ReferencePathLoss>;
  /** Cell centres, so the hot loops do not recompute them. */
  cx: Float64Array;
  cy: Float64Array;
  /**
   * Share of each cell that is on the floor (0 to 1), sampled on a 4 x 4 lattice per cell;
   * undefined when the floor is the whole box. The filters weigh their belief by it.
   */
  walkable: Float64Array | undefined;
  floor: FloorArea;
  /** Per zone, the share of each cell's floor that lies in it (first zone wins where they overlap). */
  zoneShares: readonly Float64Array[];
}

/** Samples per cell side when measuring how much of a cell is on the floor. */
const WALKABLE_SAMPLES = 4;

/** For each cell, the share of its sample points (a 4 x 4 lattice) that `inside` accepts. */
function cellShares(
  grid: { cell: number; nx: number; ny: number },
  bounds: Bounds,
  inside: (p: Point2) => boolean,
): Float64Array {
  const share = new Float64Array(grid.nx * grid.ny);
  const step = grid.cell / WALKABLE_SAMPLES;
  for (let iy = 0; iy < grid.ny; iy++)
    for (let ix = 0; ix < grid.nx; ix++) {
      let n = 0;
      for (let a = 0; a < WALKABLE_SAMPLES; a++)
        for (let b = 0; b < WALKABLE_SAMPLES; b++) {
          const p = {
            x: bounds[0] + ix * grid.cell + (a + 0.5) * step,
            y: bounds[1] + iy * grid.cell + (b + 0.5) * step,
          };
          if (inside(p)) n++;
        }
      share[iy * grid.nx + ix] = n / (WALKABLE_SAMPLES * WALKABLE_SAMPLES);
    }
  return share;
}

function walkableShares(
  floor: FloorArea,
  grid: { cell: number; nx: number; ny: number },
  bounds: Bounds,
): Float64Array | undefined {
  if (!floor.polygon && !(floor.obstacles?.length ?? 0)) return undefined;
  const share = cellShares(grid, bounds, (p) => onFloor(p, floor));
  // A floor so thin that no sample lands on it: better no mask than an empty world.
  return share.some((v) => v > 0) ? share : undefined;
}

/** Per zone, each cell's share of floor in that zone over its share of floor, 0 to 1. */
function zoneSharesOf(
  zones: readonly { polygon: Ring }[],
  floor: FloorArea,
  grid: { cell: number; nx: number; ny: number },
  bounds: Bounds,
  walkable: Float64Array | undefined,
): Float64Array[] {
  return zones.map((zone, k) => {
    const share = cellShares(
      grid,
      bounds,
      (p) =>
        onFloor(p, floor) &&
        pointInPolygon(p, zone.polygon) &&
        !zones.slice(0, k).some((z) => pointInPolygon(p, z.polygon)),
    );
    if (walkable)
      for (let i = 0; i < share.length; i++) share[i] = walkable[i]! > 0 ? share[i]! / walkable[i]! : 0;
    return share;
  });
}

export const DEFAULT_DEVICE_Z = 1.2;

/** Radio-map cell edge, metres. */
export const DEFAULT_CELL = 1;

export function cellCentre(map: Pick<RadioMap, 'bounds' | 'cell' | 'nx'>, index: number): Point2 {
  const ix = index % map.nx;
  const iy = (index - ix) / map.nx;
  return { x: map.bounds[0] + (ix + 0.5) * map.cell, y: map.bounds[1] + (iy + 0.5) * map.cell };
}

function gridShape(bounds: Bounds, cell: number, maxCells: number): { cell: number; nx: number; ny: number } {
  const w = bounds[2] - bounds[0];
  const h = bounds[3] - bounds[1];
  let c = cell;
  if ((w / c) * (h / c) > maxCells) c = Math.sqrt((w * h) / maxCells);
  return { cell: c, nx: Math.max(1, Math.ceil(w / c)), ny: Math.max(1, Math.ceil(h / c)) };
}

function surveyCorrection(
  sensor: MapSensor,
  grid: { cell: number; nx: number; ny: number },
  bounds: Bounds,
  z: number,
  survey: readonly SurveyPoint[],
  bandwidth: number,
  shrinkage: number,
): Float64Array | undefined {
  const n = grid.nx * grid.ny;
  const num = new Float64Array(n);
  const den = new Float64Array(n);
  const reach = Math.ceil((3 * bandwidth) / grid.cell);
  let used = 0;
  for (const s of survey) {
    const measured = s.rssi[sensor.id];
    if (measured === undefined) continue;
    used++;
    const d = Math.max(MIN_RANGE, Math.hypot(s.x - sensor.x, s.y - sensor.y, z - sensor.z));
    const residual = measured - expectedRssi(sensor.model, d);
    const cx = Math.floor((s.x - bounds[0]) / grid.cell);
    const cy = Math.floor((s.y - bounds[1]) / grid.cell);
    for (let iy = Math.max(0, cy - reach); iy <= Math.min(grid.ny - 1, cy + reach); iy++) {
      const py = bounds[1] + (iy + 0.5) * grid.cell;
      for (let ix = Math.max(0, cx - reach); ix <= Math.min(grid.nx - 1, cx + reach); ix++) {
        const px = bounds[0] + (ix + 0.5) * grid.cell;
        const k = Math.exp(-((px - s.x) ** 2 + (py - s.y) ** 2) / (2 * bandwidth * bandwidth));
        const i = iy * grid.nx + ix;
        num[i] = num[i]! + k * residual;
        den[i] = den[i]! + k;
      }
    }
  }
  if (used === 0) return undefined;
  for (let i = 0; i < n; i++) num[i] = num[i]! / (den[i]! + shrinkage);
  return num;
}

export function buildRadioMap(options: RadioMapOptions): RadioMap {
  const { bounds } = options;
  const grid = gridShape(bounds, options.cell ?? DEFAULT_CELL, options.maxCells ?? 40_000);
  const z = options.deviceZ ?? DEFAULT_DEVICE_Z;
  const expected = new Map<string, Float64Array>();
  const sigmaDb = new Map<string, number>();
  const models = new Map<string, ReferencePathLoss>();
  for (const s of options.sensors) {
    const e = new Float64Array(grid.nx * grid.ny);
    for (let i = 0; i < e.length; i++) {
      const p = cellCentre({ bounds, cell: grid.cell, nx: grid.nx }, i);
      e[i] = expectedRssi(s.model, Math.max(MIN_RANGE, Math.hypot(p.x - s.x, p.y - s.y, z - s.z)));
    }
    if (options.survey && options.survey.length > 0) {
      const corr = surveyCorrection(
        s,
        grid,
        bounds,
        z,
        options.survey,
        options.surveyBandwidth ?? 1,
        options.surveyShrinkage ?? 1,
      );
      if (corr) for (let i = 0; i < e.length; i++) e[i] = e[i]! + corr[i]!;
    }
    expected.set(s.id, e);
    models.set(s.id, s.model);
    if (s.sigmaDb !== undefined) sigmaDb.set(s.id, s.sigmaDb);
  }
  const n = grid.nx * grid.ny;
  const cx = new Float64Array(n);
  const cy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = cellCentre({ bounds, cell: grid.cell, nx: grid.nx }, i);
    cx[i] = c.x;
    cy[i] = c.y;
  }
  const floor = options.floor ?? { bounds };
  const walkable = walkableShares(floor, grid, bounds);
  return {
    bounds,
    ...grid,
    expected,
    sigmaDb,
    models,
    cx,
    cy,
    walkable,
    floor,
    zoneShares: zoneSharesOf(options.zones ?? [], floor, grid, bounds, walkable),
  };
}

/** Nearest cell's expected RSSI for a sensor, or undefined off the map or for an unknown sensor. */
export function expectedAtPoint(map: RadioMap, sensorId: string, p: Point2): number | undefined {
  const e = map.expected.get(sensorId);
  if (!e) return undefined;
  const ix = Math.floor((p.x - map.bounds[0]) / map.cell);
  const iy = Math.floor((p.y - map.bounds[1]) / map.cell);
  return e[Math.min(map.ny - 1, Math.max(0, iy)) * map.nx + Math.min(map.nx - 1, Math.max(0, ix))];
}

/**
 * How far real readings stray from a survey-corrected map where the survey did not see them:
 * for each group of survey points (one recording each), build the map from the other groups
 * and compare. Returns the RMS held-out residual per sensor, dB, which is the noise figure a
 * filter over the corrected map should use; sensors with no held-out reading are left out.
 */
export function heldOutSurveySigma(
  options: Omit<RadioMapOptions, 'survey'>,
  groups: readonly (readonly SurveyPoint[])[],
): Map<string, number> {
  const sq = new Map<string, { sum: number; n: number }>();
  if (groups.length < 2) return new Map();
  groups.forEach((held, i) => {
    const map = buildRadioMap({ ...options, survey: groups.filter((_, j) => j !== i).flat() });
    for (const p of held) {
      for (const [id, rssi] of Object.entries(p.rssi)) {
        const e = expectedAtPoint(map, id, p);
        if (e === undefined) continue;
        const acc = sq.get(id) ?? { sum: 0, n: 0 };
        acc.sum += (rssi - e) ** 2;
        acc.n++;
        sq.set(id, acc);
      }
    }
  });
  return new Map([...sq].map(([id, { sum, n }]) => [id, Math.sqrt(sum / n)]));
}
