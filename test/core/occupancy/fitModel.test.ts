import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  conformalInterval,
  fitPeopleModel,
  presenceLevel,
  type FitRow,
} from '../../../src/core/occupancy/fitModel.ts';
import {
  nonNegativeLeastAbsolute,
  nonNegativeLeastSquares,
  nonNegativePoisson,
} from '../../../src/core/occupancy/nonNegativeFit.ts';

/** A small deterministic generator, so the synthetic data is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('non-negative least squares recovers exact weights and clips negative ones to 0', () => {
  const rows = [
    [1, 0],
    [0, 1],
    [1, 1],
    [2, 1],
  ];
  const b = nonNegativeLeastSquares(
    rows,
    rows.map(([x, y]) => 0.5 * x! + 2 * y!),
  );
  assert.ok(Math.abs(b[0]! - 0.5) < 1e-6 && Math.abs(b[1]! - 2) < 1e-6, String(b));
  const clipped = nonNegativeLeastSquares(
    rows,
    rows.map(([x, y]) => -1 * x! + 2 * y!),
  );
  assert.equal(clipped[0], 0);
});

/** A Poisson draw (Knuth's method; means here are small). */
function poisson(mean: number, rand: () => number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k++;
    p *= rand();
  }
  return k;
}

test('Poisson regression recovers the weights of counts, never negative, and weights rows', () => {
  const rand = lcg(7);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const x = [20 * rand(), 20 * rand(), 20 * rand()];
    rows.push(x);
    y.push(poisson(0.8 * x[0]! + 0.3 * x[1]!, rand));
  }
  const b = nonNegativePoisson(rows, y);
  assert.ok(Math.abs(b[0]! - 0.8) < 0.05 && Math.abs(b[1]! - 0.3) < 0.05, String(b));
  assert.ok(b[2]! >= 0 && b[2]! < 0.03, String(b));
  // Rows of weight 0 do not count: doubling the counts of ignored rows changes nothing.
  const weights = rows.map((_, i) => (i < 1500 ? 1 : 0));
  const pulled = y.map((v, i) => (i < 1500 ? v : 2 * v));
  const same = nonNegativePoisson(rows, pulled, weights);
  const firstHalf = nonNegativePoisson(rows.slice(0, 1500), y.slice(0, 1500));
  assert.ok(
    same.every((v, k) => Math.abs(v - firstHalf[k]!) < 1e-6),
    `${same} vs ${firstHalf}`,
  );
});

test('least absolute deviations ignores a few wild windows that pull least squares away', () => {
  const rand = lcg(1);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 200; i++) {
    const x = 1 + 20 * rand();
    rows.push([x]);
    y.push(0.6 * x + (rand() - 0.5) * 0.2 + (i % 20 === 0 ? 15 : 0));
  }
  const lad = nonNegativeLeastAbsolute(rows, y)[0]!;
  const ls = nonNegativeLeastSquares(rows, y)[0]!;
  assert.ok(Math.abs(lad - 0.6) < 0.02, `LAD ${lad}`);
  assert.ok(Math.abs(ls - 0.6) > Math.abs(lad - 0.6));
});

test('the conformal interval covers the nominal share of new windows from the same process', () => {
  const rand = lcg(7);
  const draw = () => {
    const p = 20 * rand();
    // Errors grow with the count, as people counts do.
    const noise = (rand() + rand() + rand() - 1.5) * Math.sqrt(p + 1);
    return { p, y: Math.max(0, p + noise) };
  };
  const calibration = Array.from({ length: 400 }, draw);
  const q = conformalInterval(
    calibration.map((c) => c.p),
    calibration.map((c) => c.y),
    0.9,
  );
  assert.ok(q.low < 0 && q.high > 0);
  const fresh = Array.from({ length: 4000 }, draw);
  const inside = fresh.filter(
    ({ p, y }) => y >= p + q.low * Math.sqrt(p + 1) && y <= p + q.high * Math.sqrt(p + 1),
  );
  const share = inside.length / fresh.length;
  assert.ok(share > 0.86 && share < 0.95, `coverage ${share}`);
});

test('presence level: where a device carries half the weight of a close one', () => {
  assert.equal(presenceLevel([-55, -65, -80], [0.5, 0.5, 0.1]), -65);
  assert.equal(presenceLevel([-55, -65, -80], [0, 0, 1]), -80);
  assert.equal(presenceLevel([-55, -65, -80], [1, 0, 0]), -55);
  assert.equal(presenceLevel([-55, -65], [0, 0]), undefined);
});

test('the fit picks the hold whose features explain the truth, and cross-validates by recording', () => {
  const rand = lcg(3);
  const rows = (informative: boolean): FitRow[] =>
    Array.from({ length: 120 }, (_, i) => {
      const people = Math.round(15 * rand());
      const devices = people / 0.7 + (informative ? (rand() - 0.5) * 0.5 : 10 * rand());
      return { wifi: [devices, 0], ble: [0, 0], truth: people, fold: `day-${i % 6}`, start: i * 600 };
    });
  const fit = fitPeopleModel(
    [
      { holdSeconds: 600, rows: rows(false) },
      { holdSeconds: 1500, rows: rows(true) },
    ],
    [-60, -80],
  );
  assert.equal(fit.holdSeconds, 1500);
  assert.equal(fit.folds, 6);
  assert.ok(Math.abs(fit.model.weights.wifi[0]! - 0.7) < 0.05, String(fit.model.weights.wifi));
  assert.ok(fit.cv.mae < 0.5);
  assert.ok((fit.cv.coverage ?? 0) >= 0.8);
  assert.equal(fit.presenceRssi, -60);
});

test('with fewer than three recordings, quarters of the time are the folds', () => {
  const rows: FitRow[] = Array.from({ length: 40 }, (_, i) => ({
    wifi: [i % 10],
    ble: [0],
    truth: (i % 10) * 0.5,
    fold: 'one',
    start: i * 600,
  }));
  const fit = fitPeopleModel([{ holdSeconds: 900, rows }], [-70]);
  assert.equal(fit.folds, 4);
});

test('property: fitted weights are never negative and predictions never below 0', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.double({ min: 0, max: 30, noNaN: true }),
          fc.double({ min: 0, max: 30, noNaN: true }),
          fc.double({ min: 0, max: 20, noNaN: true }),
        ),
        {
          minLength: 8,
          maxLength: 40,
        },
      ),
      (data) => {
        const rows: FitRow[] = data.map(([a, b, y], i) => ({
          wifi: [a, b],
          ble: [0, 0],
          truth: y,
          fold: `f${i % 4}`,
          start: i * 600,
        }));
        const fit = fitPeopleModel([{ holdSeconds: 900, rows }], [-60, -80]);
        const belt = fit.model.interval.belt;
        return (
          fit.model.weights.wifi.every((w) => w >= 0) &&
          fit.model.interval.low <= 0 &&
          fit.model.interval.high >= 0 &&
          belt.low.every((l, i) => l <= belt.high[i]!) &&
          belt.low.length === belt.edges.length + 1
        );
      },
    ),
    { numRuns: 60 },
  );
});
