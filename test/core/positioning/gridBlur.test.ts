import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createGaussianBlur } from '../../../src/core/positioning/gridBlur.ts';

/** The blur written the plain way: every output cell sums the kernel over the cells on the grid, renormalised. */
function reference(p: Float64Array, nx: number, ny: number, sigma: number): Float64Array {
  const reach = Math.max(1, Math.ceil(3 * sigma));
  const k = (d: number) => (Math.abs(d) <= reach ? Math.exp(-(d * d) / (2 * sigma * sigma)) : 0);
  const rows = new Float64Array(p.length);
  for (let y = 0; y < ny; y++)
    for (let x = 0; x < nx; x++) {
      let s = 0;
      let w = 0;
      for (let j = 0; j < nx; j++) {
        s += k(j - x) * p[y * nx + j]!;
        w += k(j - x);
      }
      rows[y * nx + x] = s / w;
    }
  const out = new Float64Array(p.length);
  for (let y = 0; y < ny; y++)
    for (let x = 0; x < nx; x++) {
      let s = 0;
      let w = 0;
      for (let j = 0; j < ny; j++) {
        s += k(j - y) * rows[j * nx + x]!;
        w += k(j - y);
      }
      out[y * nx + x] = s / w;
    }
  return out;
}

describe('gaussian blur', () => {
  it('matches the plain sum on any grid, wider or narrower than the kernel, and leaves its input alone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0.3, max: 6, noNaN: true }),
        fc.integer({ min: 1, max: 1 << 30 }),
        (nx, ny, sigma, seed) => {
          let s = seed;
          const p = Float64Array.from({ length: nx * ny }, () => (s = (s * 16807) % 2147483647) / 2147483647);
          const copy = Float64Array.from(p);
          const blur = createGaussianBlur(nx, ny);
          // Twice, with other widths between, so a cached plan is used too.
          blur(p, sigma + 1);
          const got = blur(p, sigma);
          blur(p, sigma / 2);
          const again = blur(p, sigma, new Float64Array(nx * ny));
          // The blur rounds its width to 0.01 cells so a jittery clock reuses a plan.
          const want = reference(p, nx, ny, Math.round(sigma * 100) / 100);
          for (let i = 0; i < p.length; i++) {
            assert.ok(Math.abs(got[i]! - want[i]!) < 1e-12, `cell ${i}: ${got[i]} vs ${want[i]}`);
            assert.equal(again[i], got[i]);
          }
          assert.deepEqual(p, copy);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the mass of a point away from the edges and spreads it by sigma', () => {
    const nx = 41;
    const p = new Float64Array(nx * nx);
    p[20 * nx + 20] = 1;
    const out = createGaussianBlur(nx, nx)(p, 2);
    let mass = 0;
    let varX = 0;
    for (let y = 0; y < nx; y++)
      for (let x = 0; x < nx; x++) {
        mass += out[y * nx + x]!;
        varX += out[y * nx + x]! * (x - 20) ** 2;
      }
    assert.ok(Math.abs(mass - 1) < 1e-12);
    assert.ok(Math.abs(Math.sqrt(varX) - 2) < 0.02, `sigma ${Math.sqrt(varX)}`);
  });
});
