import type { Point2, Point3 } from './geometry.ts';
import type { ReferencePathLoss } from './pathLoss.ts';
import type { SurveyPoint } from './radioMap.ts';
import type { ReadingWindow } from './readings.ts';
import { DEFAULT_RSSI_STATISTIC, type RssiStatistic, readingRssi } from './positioningSite.ts';
import { MIN_RANGE } from './solver.ts';

/**
 * Calibration: fit the path-loss model `RSSI = RSSI@1m - 10 n log10(d)` to recordings made at
 * known positions, by linear least squares in (RSSI@1m, n). Three ways to share parameters:
 *
 * - `global`: one RSSI@1m and one n for every sensor;
 * - `per-sensor`: each sensor its own pair (needs each sensor to hear the device from a range of
 *   distances, else its n is noise);
 * - `shared-exponent` (default): one n for the site, one RSSI@1m per sensor. The exponent is a
 *   property of the building; the offset absorbs each sensor's antenna, enclosure and mounting.
 *
 * Each fit reports its residual (RMS, dB), which is also the noise figure the solvers weigh by.
 */

export interface CalibrationSample {
  sensorId: string;
  /** dBm */
  rssi: number;
  /** True slant range, metres. */
  distance: number;
}

export interface FittedPathLoss extends ReferencePathLoss {
  /** RMS residual of the fit, dB. */
  sigmaDb: number;
  samples: number;
}

export type CalibrationMode = 'global' | 'per-sensor' | 'shared-exponent';

export interface CalibrationOptions {
  mode?: CalibrationMode;
  /** Fewest samples for a sensor to get its own figures; others take the global fit (default 5). */
  minSamples?: number;
  /** Samples closer than this are dropped: the model does not hold in the near field (default 0.5 m). */
  minDistance?: number;
  /** Plausible exponents; a fit outside is clamped, with a warning (default [1, 6]). */
  exponentRange?: readonly [number, number];
}

export interface CalibrationResult {
  mode: CalibrationMode;
  global: FittedPathLoss;
  sensors: Record<string, FittedPathLoss>;
  /** Sentences about what could not be fitted as asked and what was done instead. */
  warnings: string[];
}

export type CalibrationOutcome = { ok: true; result: CalibrationResult } | { ok: false; error: string };

/** Residuals below this are as good as the radios report (1 dB steps); keeps weights finite. */
const MIN_SIGMA_DB = 1;
/** Spread of log10(distance) below which an exponent cannot be told from noise. */
const MIN_LOG_SPREAD = 0.05;

interface Pt {
  sensorId: string;
  rssi: number;
  l: number;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function rms(pts: readonly Pt[], a: (id: string) => number, n: number): number {
  const sq = pts.reduce((s, p) => s + (p.rssi - (a(p.sensorId) - 10 * n * p.l)) ** 2, 0);
  return Math.max(MIN_SIGMA_DB, Math.sqrt(sq / pts.length));
}

/** Slope of rssi on -10 log10(d) around the given centres: the exponent. */
function exponent(pts: readonly Pt[], centreOf: (p: Pt) => { l: number; r: number }): number | undefined {
  let sll = 0;
  let slr = 0;
  for (const p of pts) {
    const c = centreOf(p);
    const dl = p.l - c.l;
    sll += dl * dl;
    slr += dl * (p.rssi - c.r);
  }
  if (sll / pts.length < MIN_LOG_SPREAD ** 2) return undefined;
  return -slr / (10 * sll);
}

export function fitPathLoss(
  samples: readonly CalibrationSample[],
  options: CalibrationOptions = {},
): CalibrationOutcome {
  const mode = options.mode ?? 'shared-exponent';
  const minSamples = options.minSamples ?? 5;
  const [nMin, nMax] = options.exponentRange ?? [1, 6];
  const warnings: string[] = [];
  const pts: Pt[] = samples
    .filter(
      (s) =>
        Number.isFinite(s.rssi) && Number.isFinite(s.distance) && s.distance >= (options.minDistance ?? 0.5),
    )
    .map((s) => ({ sensorId: s.sensorId, rssi: s.rssi, l: Math.log10(Math.max(s.distance, MIN_RANGE)) }));
  if (pts.length < 2)
    return { ok: false, error: `${pts.length} usable sample(s); calibration needs at least 2` };
  const clampN = (n: number, what: string) => {
    if (n >= nMin && n <= nMax) return n;
    const c = Math.min(nMax, Math.max(nMin, n));
    warnings.push(`${what}: fitted exponent ${n.toFixed(2)} is implausible, using ${c}`);
    return c;
  };

  const lbar = mean(pts.map((p) => p.l));
  const rbar = mean(pts.map((p) => p.rssi));
  const nGlobalRaw = exponent(pts, () => ({ l: lbar, r: rbar }));
  if (nGlobalRaw === undefined)
    return {
      ok: false,
      error: 'all samples are at about the same distance, so the exponent cannot be fitted',
    };
  const nGlobal = clampN(nGlobalRaw, 'global');
  const aGlobal = rbar + 10 * nGlobal * lbar;
  const global: FittedPathLoss = {
    rssiAt1m: aGlobal,
    n: nGlobal,
    sigmaDb: rms(pts, () => aGlobal, nGlobal),
    samples: pts.length,
  };

  const bySensor = new Map<string, Pt[]>();
  for (const p of pts) {
    const list = bySensor.get(p.sensorId);
    if (list) list.push(p);
    else bySensor.set(p.sensorId, [p]);
  }
  const centres = new Map(
    [...bySensor].map(([id, list]) => [
      id,
      { l: mean(list.map((p) => p.l)), r: mean(list.map((p) => p.rssi)) },
    ]),
  );

  let nShared = nGlobal;
  if (mode === 'shared-exponent') {
    const rich = pts.filter((p) => bySensor.get(p.sensorId)!.length >= minSamples);
    const n = rich.length > 0 ? exponent(rich, (p) => centres.get(p.sensorId)!) : undefined;
    if (n === undefined)
      warnings.push('no sensor heard the device from a range of distances; using the global exponent');
    else nShared = clampN(n, 'shared');
  }

  const sensors: Record<string, FittedPathLoss> = {};
  for (const [id, list] of bySensor) {
    if (mode === 'global' || list.length < minSamples) {
      if (mode !== 'global')
        warnings.push(`${id}: ${list.length} sample(s), fewer than ${minSamples}; using the global fit`);
      sensors[id] = { ...global, sigmaDb: rms(list, () => aGlobal, nGlobal), samples: list.length };
      continue;
    }
    const c = centres.get(id)!;
    let n = nShared;
    if (mode === 'per-sensor') {
      const own = exponent(list, () => c);
      if (own === undefined)
        warnings.push(`${id}: heard from about one distance only; using the global exponent`);
      else n = clampN(own, id);
    }
    const a = c.r + 10 * n * c.l;
    sensors[id] = { rssiAt1m: a, n, sigmaDb: rms(list, () => a, n), samples: list.length };
  }
  return { ok: true, result: { mode, global, sensors, warnings } };
}

/**
 * Calibration samples from recordings: each window's RSSI per sensor (by `statistic`), against the true
 * slant range from the sensor to where the truth says the device was at the window's middle.
 */
export function calibrationSamples(
  windows: readonly ReadingWindow[],
  sensors: readonly (Point3 & { id: string })[],
  truthAt: (t: number) => Point2 | undefined,
  deviceZ: number,
  statistic: RssiStatistic = DEFAULT_RSSI_STATISTIC,
): CalibrationSample[] {
  const byId = new Map(sensors.map((s) => [s.id, s]));
  const out: CalibrationSample[] = [];
  for (const w of windows) {
    const p = truthAt(w.t);
    if (!p) continue;
    for (const r of w.readings) {
      const s = byId.get(r.sensorId);
      if (!s) continue;
      out.push({
        sensorId: r.sensorId,
        rssi: readingRssi(r, statistic),
        distance: Math.hypot(p.x - s.x, p.y - s.y, deviceZ - s.z),
      });
    }
  }
  return out;
}

/** A fingerprint survey from recordings at known positions: one point per window. */
export function surveyFromWindows(
  windows: readonly ReadingWindow[],
  truthAt: (t: number) => Point2 | undefined,
  statistic: RssiStatistic = DEFAULT_RSSI_STATISTIC,
): SurveyPoint[] {
  const out: SurveyPoint[] = [];
  for (const w of windows) {
    const p = truthAt(w.t);
    if (!p || w.readings.length === 0) continue;
    out.push({
      x: p.x,
      y: p.y,
      rssi: Object.fromEntries(w.readings.map((r) => [r.sensorId, readingRssi(r, statistic)])),
    });
  }
  return out;
}
