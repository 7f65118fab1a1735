/**
 * The random-walk step of the grid filters: a separable Gaussian blur over a row-major grid that
 * renormalises the kernel at the grid's edges, so belief next to a wall is not drained into it.
 * The kernel and the edge weights depend only on the blur width and the grid's size, and a
 * filter blurs by the same width window after window, so each blur keeps its last few plans.
 */

interface Plan {
  sigma: number;
  kernel: Float64Array;
  reach: number;
  /** 1 / (sum of the kernel weights that fall on the grid), per column and per row. */
  colNorm: Float64Array;
  rowNorm: Float64Array;
}

const CACHE_SIZE = 8;

function edgeNorms(kernel: Float64Array, reach: number, n: number): Float64Array {
  const norm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let w = 0;
    for (let j = Math.max(-reach, -i); j <= Math.min(reach, n - 1 - i); j++) w += kernel[j + reach]!;
    norm[i] = 1 / w;
  }
  return norm;
}

function makePlan(key: number, nx: number, ny: number): Plan {
  const reach = Math.max(1, Math.ceil(3 * key));
  const kernel = new Float64Array(2 * reach + 1);
  for (let i = -reach; i <= reach; i++) kernel[i + reach] = Math.exp(-(i * i) / (2 * key * key));
  return { sigma: key, kernel, reach, colNorm: edgeNorms(kernel, reach, nx), rowNorm: edgeNorms(kernel, reach, ny) };
}

/** Blurs a grid by `sigmaCells` cells (one sigma) along both axes; the input is left as it was. */
export type GridBlur = (p: Float64Array, sigmaCells: number) => Float64Array;

/** A blur for an nx x ny grid, with its own small cache of kernels. */
export function createGaussianBlur(nx: number, ny: number): GridBlur {
  const plans: Plan[] = [];
  const planFor = (sigma: number): Plan => {
    // Widths that differ by under 1% blur alike; rounding lets a jittery clock reuse a plan.
    const key = Math.round(sigma * 100) / 100;
    let plan = plans.find((p) => p.sigma === key);
    if (!plan) {
      plan = makePlan(key, nx, ny);
      plans.unshift(plan);
      if (plans.length > CACHE_SIZE) plans.pop();
    }
    return plan;
  };
  // The row pass's result is scratch: reused, never handed out.
  const tmp = new Float64Array(nx * ny);
  return (p, sigmaCells) => blurWith(planFor(sigmaCells), p, tmp, nx, ny);
}

function blurWith(plan: Plan, p: Float64Array, tmp: Float64Array, nx: number, ny: number): Float64Array {
  const { kernel: k, reach, colNorm, rowNorm } = plan;
  for (let iy = 0; iy < ny; iy++) {
    const row = iy * nx;
    for (let ix = 0; ix < nx; ix++) {
      const j0 = ix < reach ? -ix : -reach;
      const j1 = ix + reach >= nx ? nx - 1 - ix : reach;
      let s = 0;
      const base = row + ix;
      for (let j = j0; j <= j1; j++) s += k[j + reach]! * p[base + j]!;
      tmp[base] = s * colNorm[ix]!;
    }
  }
  const out = new Float64Array(p.length);
  for (let iy = 0; iy < ny; iy++) {
    const j0 = iy < reach ? -iy : -reach;
    const j1 = iy + reach >= ny ? ny - 1 - iy : reach;
    const norm = rowNorm[iy]!;
    const row = iy * nx;
    for (let j = j0; j <= j1; j++) {
      const w = k[j + reach]! * norm;
      const src = (iy + j) * nx;
      for (let ix = 0; ix < nx; ix++) out[row + ix] = out[row + ix]! + w * tmp[src + ix]!;
    }
  }
  return out;
}
