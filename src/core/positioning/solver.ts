import {
  type Bounds,
  type Point2,
  distance3,
  insideBounds,
  isFiniteNumber,
  spreadRatio,
  validBounds,
} from './geometry.ts';
import { type FloorArea, nearestOnFloor } from './floorArea.ts';
import type { ReferencePathLoss } from './pathLoss.ts';

/**
 * The one interface every position solver implements. Solvers take plain values: where the
 * sensors are, what each heard (a range, an RSSI with its path-loss model), the floor's bounds
 * and the device's height. They never see a site file, a store or a clock.
 */

/** One sensor's reading of one device over one window. */
export interface Measurement {
  sensorId: string;
  /** Sensor position, metres. */
  x: number;
  y: number;
  z: number;
  /** Slant range from the sensor to the device, metres (from the path-loss model, or given). */
  distance: number;
  /** Received power, dBm; with `model`, RSSI-domain solvers use it instead of the range. */
  rssi?: number;
  /** The sensor's path-loss model at this frame's frequency. */
  model?: ReferencePathLoss;
  /** RSSI noise, dB (one standard deviation); solvers weight by it. */
  sigmaDb?: number;
}

export interface SolveInput {
  measurements: readonly Measurement[];
  /** The floor, `[xmin, ymin, xmax, ymax]`; bounded solvers stay inside it. */
  bounds?: Bounds;
  /** The floor's outline and obstacles within `bounds`, when the site gives them; every fix is moved onto it. */
  floor?: FloorArea;
  /** Height of the device above the floor; without it ranges are taken as horizontal. */
  deviceZ?: number;
  /** Unix seconds; trackers need it, single-window solvers ignore it. */
  t?: number;
}

export interface Fix {
  ok: true;
  x: number;
  y: number;
  /** How many measurements the fix used. */
  sensors: number;
  /** RMS of (distance from the fix to each sensor - measured range), metres. */
  rangeRms: number;
  /** One-sigma radius of the estimate, metres: sqrt(var x + var y). */
  spread?: number;
  /**
   * Radius that holds the true position 9 times in 10, metres: the spread times the factor the
   * site's calibration measured for this method on recordings with ground truth.
   */
  radius90?: number;
  /**
   * How likely each of the site's zones is, in the site's order (the rest of the probability is
   * "elsewhere"), when the method has a belief over the floor (the grid filters).
   */
  zoneMass?: readonly number[];
  /** The unconstrained answer lay off the floor (outside the bounds or outline, or in an obstacle) and was moved onto it. */
  clamped: boolean;
  /** On the floor (true when no bounds were given); fixes are moved onto the floor, so always true with bounds. */
  inBounds: boolean;
  /** A tracker had no usable reading and carried its last state forward. */
  predicted?: boolean;
}

export type RefusalReason = 'too-few-sensors' | 'degenerate-geometry' | 'invalid-input' | 'no-match';

export interface Refusal {
  ok: false;
  reason: RefusalReason;
  detail: string;
}

export type Solution = Fix | Refusal;

/** A single-window solver: one window's measurements in, one position (or a refusal) out. */
export interface Solver {
  readonly kind: 'solver';
  readonly name: string;
  solve(input: SolveInput): Solution;
}

/**
 * A tracker over consecutive windows of one device. Its state is a value the caller keeps (per
 * device) and hands back with the next window; `undefined` starts a new track.
 */
export interface Tracker<S = unknown> {
  readonly kind: 'tracker';
  readonly name: string;
  step(state: S | undefined, input: SolveInput & { t: number }): { state: S | undefined; solution: Solution };
}

export interface TimedSolution {
  t: number;
  solution: Solution;
}

/**
 * A tracker that holds each fix back for `lag` windows, so that the readings which follow can
 * refine it (a fixed-lag smoother): live, a fix arrives `lag` windows late. `step` returns the
 * fixes that became final; `flush` ends the track and returns the rest.
 */
export interface LaggedTracker<S = unknown> {
  readonly kind: 'lagged';
  readonly name: string;
  readonly lag: number;
  step(
    state: S | undefined,
    input: SolveInput & { t: number },
  ): { state: S | undefined; released: TimedSolution[] };
  flush(state: S | undefined): TimedSolution[];
}

export type Positioner = Solver | Tracker | LaggedTracker;

export function refuse(reason: RefusalReason, detail: string): Refusal {
  return { ok: false, reason, detail };
}

/** Unit RSSI model for measurements that came as bare ranges: RSSI = -20 log10(d). */
const RANGE_ONLY_MODEL: ReferencePathLoss = { rssiAt1m: 0, n: 2 };

/** Shortest range used in logarithms, metres: a device never sits inside the sensor. */
export const MIN_RANGE = 0.1;

/**
 * The RSSI view of a measurement: its own RSSI and model when it has them, otherwise its range
 * turned into an RSSI under a unit model, so RSSI-domain solvers also take bare ranges.
 */
export function rssiView(m: Measurement): { rssi: number; model: ReferencePathLoss } {
  if (m.rssi !== undefined && m.model !== undefined) return { rssi: m.rssi, model: m.model };
  return { rssi: -20 * Math.log10(Math.max(m.distance, MIN_RANGE)), model: RANGE_ONLY_MODEL };
}

function validMeasurement(m: Measurement): boolean {
  if (![m.x, m.y, m.z, m.distance].every(isFiniteNumber) || m.distance < 0) return false;
  if (m.rssi !== undefined && !isFiniteNumber(m.rssi)) return false;
  if (
    m.model !== undefined &&
    !(isFiniteNumber(m.model.rssiAt1m) && isFiniteNumber(m.model.n) && m.model.n > 0)
  )
    return false;
  if (m.sigmaDb !== undefined && !(isFiniteNumber(m.sigmaDb) && m.sigmaDb > 0)) return false;
  return true;
}

/** Finite values everywhere, positive ranges and noise, a proper box: what every solver needs. */
export function checkInput(input: SolveInput): Refusal | undefined {
  const bad = input.measurements.filter((m) => !validMeasurement(m)).length;
  if (bad > 0) return refuse('invalid-input', `${bad} measurement(s) with a non-finite or negative value`);
  if (input.bounds !== undefined && !validBounds(input.bounds))
    return refuse(
      'invalid-input',
      'bounds must be finite [xmin, ymin, xmax, ymax] with xmin < xmax and ymin < ymax',
    );
  const rings = input.floor
    ? [...(input.floor.polygon ? [input.floor.polygon] : []), ...(input.floor.obstacles ?? [])]
    : [];
  if (input.floor && (!validBounds(input.floor.bounds) || rings.some((r) => !r.flat().every(isFiniteNumber))))
    return refuse(
      'invalid-input',
      'the floor outline and obstacles must be finite corners inside a proper box',
    );
  if (input.deviceZ !== undefined && !isFiniteNumber(input.deviceZ))
    return refuse('invalid-input', 'deviceZ must be finite');
  return undefined;
}

/**
 * The checks every single-window trilateration shares: valid input, at least three sensors,
 * sensors not on one line (else the mirror image fits as well). Returns the refusal, if any.
 */
export function checkTrilaterable(input: SolveInput, minSensors = 3): Refusal | undefined {
  const invalid = checkInput(input);
  if (invalid) return invalid;
  const positions = new Set(input.measurements.map((m) => `${m.x},${m.y}`));
  if (positions.size < minSensors)
    return refuse(
      'too-few-sensors',
      `${positions.size} sensor position(s); trilateration needs at least ${minSensors}`,
    );
  if (spreadRatio(input.measurements) < 1e-6)
    return refuse(
      'degenerate-geometry',
      'the sensors lie on one line, so a position and its mirror image fit equally',
    );
  return undefined;
}

/** The floor a solve must keep to: its outline and obstacles when given, else its box, else none. */
export function floorAreaOf(input: Pick<SolveInput, 'bounds' | 'floor'>): FloorArea | undefined {
  return input.floor ?? (input.bounds ? { bounds: input.bounds } : undefined);
}

/**
 * The finishing touches every solver puts on a position: moved onto the floor when it lies off
 * it (the one place that guarantees no method's fix leaves the floor), and the range misfit.
 */
export function makeFix(
  position: Point2,
  input: SolveInput,
  extra: { clamped?: boolean; spread?: number } = {},
): Fix {
  const area = floorAreaOf(input);
  const p = area ? nearestOnFloor(position, area) : position;
  const moved = p !== position;
  const z = input.deviceZ;
  let sq = 0;
  for (const m of input.measurements) {
    const d = z === undefined ? Math.hypot(p.x - m.x, p.y - m.y) : distance3(p, z, m);
    sq += (d - m.distance) ** 2;
  }
  const fix: Fix = {
    ok: true,
    x: p.x,
    y: p.y,
    sensors: input.measurements.length,
    rangeRms: input.measurements.length > 0 ? Math.sqrt(sq / input.measurements.length) : 0,
    clamped: moved || (extra.clamped ?? false),
    inBounds: input.bounds === undefined || insideBounds(p, input.bounds, 1e-9),
  };
  if (extra.spread !== undefined && isFiniteNumber(extra.spread)) {
    // A fix moved back onto the floor is at least as unsure as the distance it was moved.
    fix.spread = moved ? Math.hypot(extra.spread, p.x - position.x, p.y - position.y) : extra.spread;
  }
  return fix;
}
