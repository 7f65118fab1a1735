/**
 * Prediction intervals for people estimates: split-conformal, per occupancy level.
 *
 * One interval width for every window holds on average and fails where it matters: most windows
 * are an empty room (a tiny error), so a single quantile of all residuals is tight, and a full
 * room, whose error is several people, falls outside it most of the time. So the residuals
 * (truth - estimate) of cross-validated windows are split by the level of the estimate (the only
 * level known when the interval is used) and each level gets its own quantiles (Mondrian
 * conformal prediction). Levels with too few windows are merged into their neighbour.
 */

import type { IntervalBins } from './countingParams.ts';

/** Upper edges of the occupancy levels the interval is calibrated on, by estimate (people). */
export const DEFAULT_INTERVAL_EDGES: readonly number[] = [0.5, 3, 7, 12];

/** Fewer calibration windows than this in a level and it joins the level above (the top one, below). */
export const MIN_WINDOWS_PER_LEVEL = 20;

/** Index of the level an estimate falls in: the first edge above it. */
export function levelOf(estimate: number, edges: readonly number[]): number {
  let i = 0;
  while (i < edges.length && estimate >= edges[i]!) i++;
  return i;
}

/**
 * Weighted quantile: the smallest value whose cumulative weight reaches `p` of the total, with
 * the conformal finite-sample correction (one more window of average weight counted as +inf).
 */
export function weightedQuantile(values: readonly number[], weights: readonly number[], p: number): number {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const total = weights.reduce((s, w) => s + w, 0);
  if (order.length === 0 || !(total > 0)) return 0;
  const target = p * total * (1 + 1 / order.length);
  let cumulative = 0;
  for (const i of order) {
    cumulative += weights[i]!;
    if (cumulative >= target) return values[i]!;
  }
  return values[order.at(-1)!]!;
}

/**
 * Conformal quantiles of `truth - estimate` per level of the estimate, at interval `level`
 * (e.g. 0.9: the 5% and 95% quantiles). `weights` weight the windows (recent ones more).
 */
export function conformalBins(
  estimates: readonly number[],
  truths: readonly number[],
  level: number,
  weights: readonly number[] = estimates.map(() => 1),
  edges: readonly number[] = DEFAULT_INTERVAL_EDGES,
): IntervalBins {
  // A level with too few windows merges with the one above; a top level too small, with the one below.
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const e of estimates) counts[levelOf(e, edges)]!++;
  const kept: number[] = [];
  let pending = 0;
  for (let i = 0; i < edges.length; i++) {
    pending += counts[i]!;
    if (pending >= MIN_WINDOWS_PER_LEVEL) {
      kept.push(edges[i]!);
      pending = 0;
    }
  }
  if (pending + counts[edges.length]! < MIN_WINDOWS_PER_LEVEL) kept.pop();
  const alpha = 1 - level;
  const low: number[] = [];
  const high: number[] = [];
  for (let b = 0; b <= kept.length; b++) {
    const residuals: number[] = [];
    const w: number[] = [];
    estimates.forEach((e, i) => {
      if (levelOf(e, kept) !== b) return;
      residuals.push(truths[i]! - e);
      w.push(weights[i]!);
    });
    low.push(
      Math.min(
        0,
        -weightedQuantile(
          residuals.map((r) => -r),
          w,
          1 - alpha / 2,
        ),
      ),
    );
    high.push(Math.max(0, weightedQuantile(residuals, w, 1 - alpha / 2)));
  }
  return { edges: kept, low, high };
}

/** The interval of one estimate from the bins: [estimate + low, estimate + high], at least 0. */
export function binnedInterval(estimate: number, bins: IntervalBins): { low: number; high: number } {
  const b = levelOf(estimate, bins.edges);
  return {
    low: Math.max(0, estimate + (bins.low[b] ?? 0)),
    high: Math.max(0, estimate + (bins.high[b] ?? 0)),
  };
}
