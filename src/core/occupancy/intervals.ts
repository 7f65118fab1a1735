/**
 * Prediction intervals for people estimates that hold at every occupancy level, not only on
 * average.
 *
 * One interval width for every window holds on average and fails where it matters: most windows
 * are an empty room (a tiny error), so a single quantile of all residuals is tight, and a full
 * room, whose error is several people, falls outside it most of the time. Splitting the windows
 * by their estimate does not fix it either: a full room the model undercounts sits among
 * half-full rooms estimated right. What has to hold is coverage given the TRUE count.
 *
 * So the interval is a confidence belt (Neyman's construction): from cross-validated windows,
 * for each level of the true count, the quantiles of `estimate - truth`; an estimate's interval
 * is every count whose belt contains it. If the truth is y, the estimate falls inside y's belt
 * with the interval's probability (90%), and then y is inside the interval: coverage holds for
 * each true level separately, up to how well the calibration windows represent it. Levels with
 * too few calibration windows are merged with a neighbour.
 */

import type { IntervalBelt } from './countingParams.ts';

/** Upper edges of the levels of the true count (people) the belt is calibrated on. */
export const DEFAULT_BELT_EDGES: readonly number[] = [0.5, 3.5, 6.5, 9.5, 12.5, 15.5];

/** Fewer calibration windows than this in a level and it joins the level above (the top one, below). */
export const MIN_WINDOWS_PER_LEVEL = 20;

/** Index of the level a count falls in: the first edge above it. */
export function levelOf(count: number, edges: readonly number[]): number {
  let i = 0;
  while (i < edges.length && count >= edges[i]!) i++;
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

/** Keeps the edges whose level below has at least MIN_WINDOWS_PER_LEVEL windows. */
function mergedEdges(truths: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const t of truths) counts[levelOf(t, edges)]!++;
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
  return kept;
}

/**
 * The belt at interval `level` (e.g. 0.9: the 5% and 95% quantiles of estimate - truth per level
 * of the true count). `weights` weight the windows (recent ones more).
 */
export function fitBelt(
  estimates: readonly number[],
  truths: readonly number[],
  level: number,
  weights: readonly number[] = estimates.map(() => 1),
  edges: readonly number[] = DEFAULT_BELT_EDGES,
): IntervalBelt {
  const kept = mergedEdges(truths, edges);
  const tail = (1 - level) / 2;
  const low: number[] = [];
  const high: number[] = [];
  for (let b = 0; b <= kept.length; b++) {
    const errors: number[] = [];
    const w: number[] = [];
    truths.forEach((t, i) => {
      if (levelOf(t, kept) !== b) return;
      errors.push(estimates[i]! - t);
      w.push(weights[i]!);
    });
    low.push(
      -weightedQuantile(
        errors.map((e) => -e),
        w,
        1 - tail,
      ),
    );
    high.push(weightedQuantile(errors, w, 1 - tail));
  }
  return { edges: kept, low, high };
}

/**
 * Every count whose belt holds `estimate`, as [low, high] (the hull, widened to hold the
 * estimate itself, and to 0 below half a person); when the estimate falls between two levels'
 * belts, the nearest level's.
 */
export function beltInterval(estimate: number, belt: IntervalBelt): { low: number; high: number } {
  let low = Infinity;
  let high = -Infinity;
  let nearest = { gap: Infinity, low: estimate, high: estimate };
  for (let b = 0; b <= belt.edges.length; b++) {
    const from = b === 0 ? 0 : belt.edges[b - 1]!;
    const to = b === belt.edges.length ? Infinity : belt.edges[b]!;
    // truth y with low_b <= estimate - y <= high_b, within the level.
    const a = Math.max(from, estimate - (belt.high[b] ?? 0));
    const z = Math.min(to, estimate - (belt.low[b] ?? 0));
    if (a <= z) {
      low = Math.min(low, a);
      high = Math.max(high, z);
    } else if (a - z < nearest.gap) {
      nearest = { gap: a - z, low: z, high: a };
    }
  }
  if (low > high) ({ low, high } = nearest);
  // Below half a person an estimate is consistent with an empty room, whatever the belt's
  // 95% quantile of empty windows (a few hundredths) says.
  if (estimate < 0.5) low = 0;
  return { low: Math.max(0, Math.min(low, estimate)), high: Math.max(high, estimate) };
}
