/**
 * Small regressions with non-negative coefficients and no intercept (no devices, no people):
 * least squares by cyclic coordinate descent on the normal equations (exact for a handful of
 * columns), least absolute deviations by iteratively reweighted least squares on top, and
 * Poisson regression (the people model's fit) by EM.
 */

/** Non-negative least squares: argmin_b ||X b - y||^2 subject to b >= 0. */
export function nonNegativeLeastSquares(
  rows: readonly (readonly number[])[],
  y: readonly number[],
  rowWeights?: readonly number[],
): number[] {
  const p = rows[0]?.length ?? 0;
  const gram = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const xty = new Array<number>(p).fill(0);
  for (let n = 0; n < rows.length; n++) {
    const x = rows[n]!;
    const w = rowWeights?.[n] ?? 1;
    for (let i = 0; i < p; i++) {
      const xi = x[i]! * w;
      if (xi === 0) continue;
      xty[i]! += xi * y[n]!;
      for (let j = 0; j < p; j++) gram[i]![j]! += xi * x[j]!;
    }
  }
  const b = new Array<number>(p).fill(0);
  for (let sweep = 0; sweep < 10_000; sweep++) {
    let change = 0;
    for (let i = 0; i < p; i++) {
      const gii = gram[i]![i]!;
      if (gii <= 1e-12) continue; // a column that is all zero keeps weight 0
      let g = xty[i]!;
      for (let j = 0; j < p; j++) if (j !== i) g -= gram[i]![j]! * b[j]!;
      const next = Math.max(0, g / gii);
      change = Math.max(change, Math.abs(next - b[i]!));
      b[i] = next;
    }
    if (change < 1e-10) break;
  }
  return b;
}

export function predict(b: readonly number[], x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < b.length; i++) s += b[i]! * (x[i] ?? 0);
  return s;
}

/**
 * Non-negative least absolute deviations (median regression): the fit that minimises the
 * (row-weighted) mean absolute error, by IRLS with weights rowWeight / max(|residual|, `floor`).
 */
export function nonNegativeLeastAbsolute(
  rows: readonly (readonly number[])[],
  y: readonly number[],
  rowWeights?: readonly number[],
  iterations = 40,
  floor = 0.1,
): number[] {
  let b = nonNegativeLeastSquares(rows, y, rowWeights);
  for (let it = 0; it < iterations; it++) {
    const weights = rows.map(
      (x, n) => (rowWeights?.[n] ?? 1) / Math.max(floor, Math.abs(y[n]! - predict(b, x))),
    );
    const next = nonNegativeLeastSquares(rows, y, weights);
    const change = next.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    b = next;
    if (change < 1e-7) break;
  }
  return b;
}

/**
 * Non-negative Poisson regression with the identity link: the weights that make the (row-weighted)
 * counts most likely when people in a window are Poisson with mean `X b`, b >= 0. People are
 * counts whose spread grows with their mean (a full room is off by more people than a nearly
 * empty one); a median fit (least absolute deviations) treats an error of one person alike at
 * every count, and on the brno days it settled below the crowded rooms' truth. Solved by the EM
 * (Richardson-Lucy) update
 * `b_k <- b_k * sum_n w_n x_nk y_n / mu_n / sum_n w_n x_nk`, which keeps b non-negative and never
 * lowers the likelihood; it starts from least squares lifted off zero (a weight at exactly 0
 * would stay there).
 */
export function nonNegativePoisson(
  rows: readonly (readonly number[])[],
  y: readonly number[],
  rowWeights?: readonly number[],
  iterations = 200,
): number[] {
  const p = rows[0]?.length ?? 0;
  const b = nonNegativeLeastSquares(rows, y, rowWeights).map((v) => v + 0.01);
  const exposure = new Array<number>(p).fill(0);
  for (let n = 0; n < rows.length; n++) {
    const w = rowWeights?.[n] ?? 1;
    for (let k = 0; k < p; k++) exposure[k]! += w * rows[n]![k]!;
  }
  const ratio = new Array<number>(p);
  for (let it = 0; it < iterations; it++) {
    ratio.fill(0);
    for (let n = 0; n < rows.length; n++) {
      const x = rows[n]!;
      const mu = predict(b, x);
      if (!(mu > 1e-9)) continue; // a window with no devices says nothing about the weights
      const share = ((rowWeights?.[n] ?? 1) * y[n]!) / mu;
      for (let k = 0; k < p; k++) ratio[k]! += share * x[k]!;
    }
    let change = 0;
    for (let k = 0; k < p; k++) {
      const next = exposure[k]! > 0 ? (b[k]! * ratio[k]!) / exposure[k]! : 0;
      change = Math.max(change, Math.abs(next - b[k]!));
      b[k] = next;
    }
    if (change < 1e-7) break;
  }
  return b;
}
