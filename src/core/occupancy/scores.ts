/** Accuracy of per-window people estimates against ground truth. */

export interface Scored {
  estimate: number;
  low?: number;
  high?: number;
  truth: number;
}

export interface Score {
  windows: number;
  /** Mean absolute error, people. */
  mae: number;
  /** Pearson correlation of estimate and truth; null when either is constant. */
  r: number | null;
  /** Share of windows whose truth lies in [low, high]; null without intervals. */
  coverage: number | null;
}

export function pearson(x: readonly number[], y: readonly number[]): number | null {
  const n = Math.min(x.length, y.length);
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  // A series that does not vary (an empty day) has no correlation.
  if (sxx <= 1e-12 * n || syy <= 1e-12 * n) return null;
  return sxy / Math.sqrt(sxx * syy);
}

export function scoreEstimates(items: readonly Scored[]): Score {
  const n = items.length;
  if (n === 0) return { windows: 0, mae: NaN, r: null, coverage: null };
  let absolute = 0;
  let withInterval = 0;
  let inside = 0;
  for (const w of items) {
    absolute += Math.abs(w.estimate - w.truth);
    if (w.low !== undefined && w.high !== undefined) {
      withInterval++;
      // Tolerance for truths that equal a bound up to rounding.
      if (w.truth >= w.low - 1e-9 && w.truth <= w.high + 1e-9) inside++;
    }
  }
  return {
    windows: n,
    mae: absolute / n,
    r: pearson(
      items.map((w) => w.estimate),
      items.map((w) => w.truth),
    ),
    coverage: withInterval === n ? inside / n : null,
  };
}
