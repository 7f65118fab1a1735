/** Position-error figures: the numbers airtrace publishes about its own accuracy. */

export interface ErrorSummary {
  n: number;
  /** Metres; null when there is no error to summarise. */
  median: number | null;
  mean: number | null;
  p90: number | null;
}

export function median(values: readonly number[]): number | undefined {
  return values.length === 0
    ? undefined
    : quantileSorted(
        [...values].sort((a, b) => a - b),
        0.5,
      );
}

/** Quantile of sorted values with linear interpolation between order statistics (numpy's default). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarizeErrors(errors: readonly number[]): ErrorSummary {
  const finite = errors.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return { n: 0, median: null, mean: null, p90: null };
  const mean = finite.reduce((s, e) => s + e, 0) / finite.length;
  return { n: finite.length, median: quantileSorted(finite, 0.5), mean, p90: quantileSorted(finite, 0.9) };
}

/** Lower is better: median first, then p90, then mean; summaries without errors last. */
export function compareSummaries(a: ErrorSummary, b: ErrorSummary): number {
  if (a.median === null || b.median === null)
    return (a.median === null ? 1 : 0) - (b.median === null ? 1 : 0);
  return a.median - b.median || a.p90! - b.p90! || a.mean! - b.mean!;
}
