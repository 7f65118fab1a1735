/**
 * Headcount calibration: someone counts the people in the room ("12 now"), and the estimates and
 * intervals of the whole series move accordingly.
 *
 * What drifts is the scale between estimate and people (devices per person: phones randomize
 * more, a class of laptop users follows one without), so the update is Bayesian on that scale:
 * `people(t) = s(t) * estimate(t)` with `s(t) = 1 + drift(t) + session(t)`, two independent
 * zero-mean Gaussian processes with covariance `sd^2 * exp(-|t - t'| / seconds)`:
 * - drift: slow (months): a site's devices per person; a headcount last week still says a lot;
 * - session: fast (hours): today's group differs from the next; a headcount says little tomorrow.
 * A headcount at t is the observation `count = s(t) * estimate(t) + noise` (noise: `countSd`, the
 * estimate's own error in that window and the counter's). The posterior of s at every window is
 * Gaussian (a small Gaussian-process regression, one row per headcount); the estimate becomes
 * `mean(s) * estimate`, and the interval keeps its share of the error that is not the scale (the
 * window's own noise, scaled) while the scale's share shrinks to what the headcounts leave.
 *
 * Pure: windows and headcounts in, windows out; the prior comes from the fitted model
 * (`fitHeadcountPrior`, written by `airtrace count --fit`) or DEFAULT_HEADCOUNT_PRIOR.
 */

import type { HeadcountPrior } from './countingParams.ts';

export interface Headcount {
  /** When the people were counted, Unix seconds. */
  t: number;
  /** How many people were counted. */
  count: number;
  /**
   * The estimate at `t` when the count was taken. Stored with the headcount, it lets a count
   * older than the windows given still inform the slow part of the scale; without it the
   * estimate of the window holding `t` is used, and a count outside every window is skipped.
   */
  estimate?: number;
}

/** The fields of a window estimate that calibration reads. */
export interface EstimatedWindow {
  start: number;
  end: number;
  estimate: number;
  low: number;
  high: number;
}

export type CalibratedWindow<W extends EstimatedWindow> = W & {
  /** Posterior mean of people per unit of estimate (1 without headcounts). */
  scale: number;
  /** Its posterior standard deviation. */
  scaleSd: number;
};

export interface Calibration<W extends EstimatedWindow> {
  windows: CalibratedWindow<W>[];
  /** Headcounts that informed the scale. */
  used: number;
  /** Headcounts without an estimate (outside every window, none stored with them). */
  skipped: number;
}

/**
 * For a model without a fitted prior: a session's scale off by 20% for about two hours, a little
 * slow drift, and a window's own error of 1.5 people (about what `airtrace count --fit` finds on
 * the brno lab; `npm run eval occupancy` refits it in every fold).
 */
export const DEFAULT_HEADCOUNT_PRIOR: HeadcountPrior = {
  driftSd: 0.05,
  driftSeconds: 90 * 86_400,
  sessionSd: 0.2,
  sessionSeconds: 2 * 3600,
  countSd: 1.5,
};

function covariance(a: number, b: number, p: HeadcountPrior): number {
  const d = Math.abs(a - b);
  return p.driftSd ** 2 * Math.exp(-d / p.driftSeconds) + p.sessionSd ** 2 * Math.exp(-d / p.sessionSeconds);
}

/** Cholesky factor L (lower, row-major) of a symmetric positive definite matrix. */
function cholesky(a: readonly number[][]): number[][] {
  const n = a.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j]![j]!;
    }
  }
  return l;
}

/** Solves L y = b (forward substitution). */
function forward(l: readonly number[][], b: readonly number[]): number[] {
  const y = new Array<number>(b.length).fill(0);
  for (let i = 0; i < b.length; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * y[k]!;
    y[i] = sum / l[i]![i]!;
  }
  return y;
}

/** Solves L^T x = y (back substitution). */
function backward(l: readonly number[][], y: readonly number[]): number[] {
  const n = y.length;
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
}

/** Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** The estimate a headcount is compared with: stored with it, or the window holding its time. */
function estimateAt<W extends EstimatedWindow>(h: Headcount, windows: readonly W[]): number | undefined {
  if (h.estimate !== undefined) return h.estimate;
  let lo = 0;
  let hi = windows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (windows[mid]!.end <= h.t) lo = mid + 1;
    else hi = mid;
  }
  const w = windows[lo];
  return w !== undefined && w.start <= h.t ? w.estimate : undefined;
}

/**
 * Updates every window's estimate and interval from the headcounts. `windows` sorted by start
 * and disjoint (a series from `estimateWindows` or the hub); `intervalLevel` is the level the
 * intervals were made for (the model's `interval.level`). With no usable headcount the windows
 * come back unchanged (scale 1).
 */
export function calibrateWithHeadcounts<W extends EstimatedWindow>(
  windows: readonly W[],
  headcounts: readonly Headcount[],
  prior: HeadcountPrior,
  intervalLevel = 0.9,
): Calibration<W> {
  const observed: { t: number; count: number; estimate: number }[] = [];
  for (const h of headcounts) {
    const estimate = estimateAt(h, windows);
    if (estimate !== undefined && Number.isFinite(h.count) && h.count >= 0) {
      observed.push({ t: h.t, count: h.count, estimate });
    }
  }
  const priorVariance = prior.driftSd ** 2 + prior.sessionSd ** 2;
  if (observed.length === 0) {
    return {
      windows: windows.map((w) => ({ ...w, scale: 1, scaleSd: Math.sqrt(priorVariance) })),
      used: 0,
      skipped: headcounts.length,
    };
  }
  // count - estimate = estimate * z(t) + noise, z = s - 1: S = H K H + countSd^2 I.
  const n = observed.length;
  const s = observed.map((a, i) =>
    observed.map(
      (b, j) => a.estimate * b.estimate * covariance(a.t, b.t, prior) + (i === j ? prior.countSd ** 2 : 0),
    ),
  );
  const l = cholesky(s);
  const alpha = backward(
    l,
    forward(
      l,
      observed.map((o) => o.count - o.estimate),
    ),
  );
  const z = normalQuantile(0.5 + intervalLevel / 2);
  const calibrated = windows.map((w) => {
    const t = (w.start + w.end) / 2;
    const c = observed.map((o) => covariance(t, o.t, prior) * o.estimate);
    const mean = c.reduce((sum, ci, j) => sum + ci * alpha[j]!, 0);
    const v = forward(l, c);
    const variance = Math.max(0, priorVariance - v.reduce((sum, x) => sum + x * x, 0));
    const scale = Math.max(0, 1 + mean);
    const e = w.estimate;
    // The interval's share of error that is not the scale, by side, scaled with the estimate.
    const rest = (width: number) => Math.max(0, (width / z) ** 2 - e * e * priorVariance);
    const width = (side: number) => z * Math.sqrt(scale * scale * rest(side) + e * e * variance);
    const estimate = scale * e;
    return {
      ...w,
      estimate,
      low: Math.max(0, estimate - width(e - w.low)),
      high: estimate + width(w.high - e),
      scale,
      scaleSd: Math.sqrt(variance),
    };
  });
  return { windows: calibrated, used: n, skipped: headcounts.length - n };
}

/** One cross-validated window, for fitting the prior: estimated by a model that never saw it. */
export interface PriorSample {
  /** The recording (day) it came from. */
  fold: string;
  start: number;
  estimate: number;
  truth: number;
  /** Recency weight of the window (1 when all count alike). */
  weight: number;
}

/** Windows per recording the prior is fitted on (evenly spaced): a day of minutes would be slow. */
const MAX_WINDOWS_PER_RECORDING = 48;

/** Candidate values, searched one parameter at a time (three rounds). */
const GRID = {
  driftSd: [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5],
  sessionSd: [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6],
  sessionSeconds: [900, 1800, 3600, 7200, 14_400],
  countSd: [0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4],
} as const;

/** log p(truth - estimate | prior) of one recording's windows under the calibration model. */
function logLikelihood(windows: readonly PriorSample[], p: HeadcountPrior): number {
  const s = windows.map((a, i) =>
    windows.map(
      (b, j) => a.estimate * b.estimate * covariance(a.start, b.start, p) + (i === j ? p.countSd ** 2 : 0),
    ),
  );
  const l = cholesky(s);
  const y = forward(
    l,
    windows.map((w) => w.truth - w.estimate),
  );
  let logDet = 0;
  for (let i = 0; i < l.length; i++) logDet += 2 * Math.log(l[i]![i]!);
  return -0.5 * y.reduce((sum, v) => sum + v * v, 0) - 0.5 * logDet;
}

/**
 * The prior that makes the cross-validated windows most likely (type-II maximum likelihood, the
 * usual way to fit a Gaussian process's parameters): each recording's occupied windows are one
 * draw of the calibration model (`truth - estimate = estimate * z(t) + noise`), its log
 * likelihood weighted by the recording's recency weight; searched on a grid one parameter at a
 * time. The slow part's time constant stays `base`'s: within a day it cannot be seen.
 */
export function fitHeadcountPrior(
  samples: readonly PriorSample[],
  base: HeadcountPrior = DEFAULT_HEADCOUNT_PRIOR,
): HeadcountPrior {
  const byFold = new Map<string, PriorSample[]>();
  for (const s of samples) {
    if (s.truth < 1 || s.estimate < 0.5) continue;
    byFold.set(s.fold, [...(byFold.get(s.fold) ?? []), s]);
  }
  const recordings = [...byFold.values()]
    .filter((ws) => ws.length >= 3)
    .map((ws) => {
      const sorted = [...ws].sort((a, b) => a.start - b.start);
      const step = Math.max(1, sorted.length / MAX_WINDOWS_PER_RECORDING);
      const kept = Array.from(
        { length: Math.min(sorted.length, MAX_WINDOWS_PER_RECORDING) },
        (_, i) => sorted[Math.floor(i * step)]!,
      );
      return { windows: kept, weight: kept.reduce((sum, w) => sum + w.weight, 0) / kept.length };
    });
  if (recordings.length < 2) return base;
  const score = (p: HeadcountPrior) =>
    recordings.reduce((sum, r) => sum + r.weight * logLikelihood(r.windows, p), 0);
  let best = { ...base };
  let bestScore = score(best);
  for (let round = 0; round < 3; round++) {
    for (const key of Object.keys(GRID) as (keyof typeof GRID)[]) {
      for (const value of GRID[key]) {
        const candidate = { ...best, [key]: value };
        const x = score(candidate);
        if (x > bestScore) {
          bestScore = x;
          best = candidate;
        }
      }
    }
  }
  return best;
}
