import type { Point2 } from './geometry.ts';
import { MIN_RANGE, type Measurement, rssiView } from './solver.ts';

/** RSSI noise assumed for a measurement that carries none, dB (as the solvers assume). */
const DEFAULT_SIGMA_DB = 4;

/**
 * How precisely the readings pin a position down, whatever method used them: the Cramér-Rao
 * bound of the log-distance model at p, sqrt(trace(I⁻¹)) with the Fisher information
 * I = Σ J Jᵀ / σ², J = (10 n / ln 10) (p - s) / d². Near sensors and a spread-out geometry give
 * a small figure; a device far from every sensor, or sensors on one line, a large one. Methods
 * without an uncertainty of their own (the pseudo-inverse, fingerprinting) report it as their
 * spread, and the site's calibration scales it into a radius that holds (see `radius90`).
 */
export function fisherSpread(
  measurements: readonly Measurement[],
  p: Point2,
  deviceZ: number | undefined,
): number {
  let ixx = 0;
  let ixy = 0;
  let iyy = 0;
  for (const m of measurements) {
    const { model } = rssiView(m);
    const sigma = m.sigmaDb ?? DEFAULT_SIGMA_DB;
    const dx = p.x - m.x;
    const dy = p.y - m.y;
    const dz = deviceZ === undefined ? 0 : deviceZ - m.z;
    const d2 = Math.max(MIN_RANGE * MIN_RANGE, dx * dx + dy * dy + dz * dz);
    const k = (10 * model.n) / Math.LN10 / d2 / sigma;
    const jx = k * dx;
    const jy = k * dy;
    ixx += jx * jx;
    ixy += jx * jy;
    iyy += jy * jy;
  }
  const det = ixx * iyy - ixy * ixy;
  // No information along some direction (one sensor, or all on a line through p): unbounded.
  if (!(det > 1e-12 * (ixx + iyy) ** 2)) return Infinity;
  return Math.sqrt((ixx + iyy) / det);
}
