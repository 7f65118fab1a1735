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
  return {
    sigma: key,
    kernel,
    reach,
    colNorm: edgeNorms(kernel, reach, nx),
    rowNorm: edgeNorms(kernel, reach, ny),
  };
}

/**
 * Blurs a grid by `sigmaCells` cells (one sigma) along both axes into `out` (a new array when not
 * given); the input is left as it was and must not be `out`.
 */
export type GridBlur = (p: Float64Array, sigmaCells: number, out?: Float64Array) => Float64Array;

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
  // The passes' working arrays are reused, never handed out.
  const pad = scratch();
  return (p, sigmaCells, out) =>
    blurWith(planFor(sigmaCells), p, pad, nx, ny, out ?? new Float64Array(nx * ny));
}

function blurWith(
  plan: Plan,
  p: Float64Array,
  pad: Scratch,
  nx: number,
  ny: number,
  out: Float64Array,
): Float64Array {
  const { kernel: k, reach, colNorm, rowNorm } = plan;
  const k0 = k[reach]!;
  // Zeros around the grid stand for the cells beyond its edge; the norms then make up for them.
  const line = pad.line(nx + 2 * reach);
  const tmp = pad.columns((ny + 2 * reach) * nx);
  for (let iy = 0; iy < ny; iy++) {
    const src = iy * nx;
    for (let ix = 0; ix < nx; ix++) line[ix + reach] = p[src + ix]!;
    const dst = (iy + reach) * nx;
    for (let ix = 0; ix < nx; ix++) {
      const c = ix + reach;
      let s = k0 * line[c]!;
      for (let j = 1; j <= reach; j++) s += k[reach + j]! * (line[c - j]! + line[c + j]!);
      tmp[dst + ix] = s * colNorm[ix]!;
    }
  }
  for (let iy = 0; iy < ny; iy++) {
    const norm = rowNorm[iy]!;
    const row = iy * nx;
    const mid = (iy + reach) * nx;
    for (let ix = 0; ix < nx; ix++) {
      const c = mid + ix;
      let s = k0 * tmp[c]!;
      for (let j = 1, o = nx; j <= reach; j++, o += nx) s += k[reach + j]! * (tmp[c - o]! + tmp[c + o]!);
      out[row + ix] = s * norm;
    }
  }
  return out;
}

/** Scratch arrays, zero outside the part each pass writes, grown as wider kernels need. */
interface Scratch {
  line(length: number): Float64Array;
  columns(length: number): Float64Array;
}

function scratch(): Scratch {
  let line = new Float64Array(0);
  let columns = new Float64Array(0);
  return {
    line: (n) => (line.length === n ? line : (line = new Float64Array(n))),
    columns: (n) => (columns.length === n ? columns : (columns = new Float64Array(n))),
  };
}
