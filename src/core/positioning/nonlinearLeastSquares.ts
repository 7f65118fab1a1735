import { type Bounds, type Point2, clampToBounds, insideBounds } from './geometry.ts';
import { solveLinear } from './linearLeastSquares.ts';
import { type ReferencePathLoss, expectedRssi } from './pathLoss.ts';
import {
  MIN_RANGE,
  type Measurement,
  type SolveInput,
  type Solution,
  type Solver,
  checkTrilaterable,
  makeFix,
  rssiView,
} from './solver.ts';

/**
 * Weighted non-linear least squares by Levenberg-Marquardt, kept inside the floor.
 *
 * It fits in the RSSI domain, where the noise is: it minimises Σ ((RSSI_i - model_i(p)) / σ_i)²,
 * which is the maximum-likelihood position under log-normal shadowing. In range terms this
 * weights each range by 1/(its uncertainty)², and that uncertainty grows with the range
 * (`distanceSigma`), so near sensors count more than far ones. Bare ranges without an RSSI are
 * fitted the same way through a unit model. The search starts from the best cell of a coarse grid
 * over the floor (and the linear solution), so it does not settle in the wrong basin; every step
 * is projected back onto the bounds.
 */

export interface WeightedLeastSquaresOptions {
  /** RSSI noise for measurements that carry none, dB (default 4). */
  defaultSigmaDb?: number;
  /** Start-search grid, cells per side (default 12). */
  startGrid?: number;
  maxIterations?: number;
}

interface Term {
  x: number;
  y: number;
  dz2: number;
  rssi: number;
  model: ReferencePathLoss;
  w: number;
}

function terms(ms: readonly Measurement[], deviceZ: number | undefined, defaultSigmaDb: number): Term[] {
  return ms.map((m) => {
    const { rssi, model } = rssiView(m);
    const dz = deviceZ === undefined ? 0 : m.z - deviceZ;
    return { x: m.x, y: m.y, dz2: dz * dz, rssi, model, w: 1 / (m.sigmaDb ?? defaultSigmaDb) };
  });
}

function cost(ts: readonly Term[], p: Point2): number {
  let c = 0;
  for (const t of ts) {
    const d = Math.max(MIN_RANGE, Math.sqrt((p.x - t.x) ** 2 + (p.y - t.y) ** 2 + t.dz2));
    const r = (t.rssi - expectedRssi(t.model, d)) * t.w;
    c += r * r;
  }
  return c;
}

/** Gradient and Gauss-Newton matrix of the cost at p (both halved, as usual). */
function linearise(ts: readonly Term[], p: Point2): { g: [number, number]; h: [number, number, number] } {
  let gx = 0;
  let gy = 0;
  let hxx = 0;
  let hxy = 0;
  let hyy = 0;
  for (const t of ts) {
    const dx = p.x - t.x;
    const dy = p.y - t.y;
    const d2 = Math.max(MIN_RANGE * MIN_RANGE, dx * dx + dy * dy + t.dz2);
    const r = (t.rssi - expectedRssi(t.model, Math.sqrt(d2))) * t.w;
    // d r / d p = w · 10 n / ln 10 · (p - s) / d²
    const k = (t.w * 10 * t.model.n) / Math.LN10 / d2;
    const jx = k * dx;
    const jy = k * dy;
    gx += jx * r;
    gy += jy * r;
    hxx += jx * jx;
    hxy += jx * jy;
    hyy += jy * jy;
  }
  return { g: [gx, gy], h: [hxx, hxy, hyy] };
}

function project(p: Point2, bounds: Bounds | undefined): Point2 {
  return bounds ? clampToBounds(p, bounds) : p;
}

function startPoints(input: SolveInput, ts: readonly Term[], grid: number): Point2[] {
  const starts: Point2[] = [];
  const lin = solveLinear(input);
  if (lin.ok) starts.push(project(lin, input.bounds));
  if (input.bounds) {
    const [x0, y0, x1, y1] = input.bounds;
    let best: Point2 | undefined;
    let bestCost = Infinity;
    for (let i = 0; i < grid; i++) {
      for (let j = 0; j < grid; j++) {
        const p = { x: x0 + ((i + 0.5) * (x1 - x0)) / grid, y: y0 + ((j + 0.5) * (y1 - y0)) / grid };
        const c = cost(ts, p);
        if (c < bestCost) {
          bestCost = c;
          best = p;
        }
      }
    }
    if (best) starts.push(best);
  }
  if (starts.length === 0) {
    // Weighted centroid: near (strong) sensors pull hardest.
    let sw = 0;
    let sx = 0;
    let sy = 0;
    for (const m of input.measurements) {
      const w = 1 / Math.max(m.distance, MIN_RANGE) ** 2;
      sw += w;
      sx += w * m.x;
      sy += w * m.y;
    }
    starts.push({ x: sx / sw, y: sy / sw });
  }
  return starts;
}

function levenbergMarquardt(
  ts: readonly Term[],
  start: Point2,
  bounds: Bounds | undefined,
  maxIterations: number,
): { p: Point2; cost: number } {
  let p = start;
  let c = cost(ts, p);
  let lambda = 1e-3;
  for (let it = 0; it < maxIterations && lambda < 1e12; it++) {
    const { g, h } = linearise(ts, p);
    const a11 = h[0] * (1 + lambda) + 1e-12;
    const a22 = h[2] * (1 + lambda) + 1e-12;
    const a12 = h[1];
    const det = a11 * a22 - a12 * a12;
    if (!(det > 0)) {
      lambda *= 10;
      continue;
    }
    const step = { x: -(a22 * g[0] - a12 * g[1]) / det, y: -(a11 * g[1] - a12 * g[0]) / det };
    const q = project({ x: p.x + step.x, y: p.y + step.y }, bounds);
    const cq = cost(ts, q);
    if (cq < c) {
      const moved = Math.hypot(q.x - p.x, q.y - p.y);
      const gain = c - cq;
      p = q;
      c = cq;
      lambda = Math.max(lambda / 3, 1e-9);
      if (moved < 1e-9 || gain < 1e-15 * (1 + c)) break;
    } else {
      lambda *= 4;
    }
  }
  return { p, cost: c };
}

export function solveWeightedLeastSquares(
  input: SolveInput,
  options: WeightedLeastSquaresOptions = {},
): Solution {
  const refusal = checkTrilaterable(input);
  if (refusal) return refusal;
  const ts = terms(input.measurements, input.deviceZ, options.defaultSigmaDb ?? 4);
  let best: { p: Point2; cost: number } | undefined;
  for (const s of startPoints(input, ts, options.startGrid ?? 12)) {
    const r = levenbergMarquardt(ts, s, input.bounds, options.maxIterations ?? 100);
    if (!best || r.cost < best.cost) best = r;
  }
  const p = best!.p;
  const { h } = linearise(ts, p);
  const det = h[0] * h[2] - h[1] * h[1];
  const spread = det > 0 ? Math.sqrt((h[0] + h[2]) / det) : undefined;
  // On the boundary, say so when the free optimum lies beyond it.
  let clamped = false;
  if (input.bounds && !insideBounds(p, input.bounds, -1e-9)) {
    const free = levenbergMarquardt(ts, p, undefined, 20);
    clamped = !insideBounds(free.p, input.bounds, 1e-6) && free.cost < best!.cost;
  }
  return makeFix(p, input, spread === undefined ? { clamped } : { clamped, spread });
}

export function createWeightedLeastSquares(name = 'wnls', options: WeightedLeastSquaresOptions = {}): Solver {
  return { kind: 'solver', name, solve: (input) => solveWeightedLeastSquares(input, options) };
}
