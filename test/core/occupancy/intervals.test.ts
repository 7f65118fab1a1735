import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  binnedInterval,
  conformalBins,
  levelOf,
  weightedQuantile,
} from '../../../src/core/occupancy/intervals.ts';

/** A small deterministic generator, so the synthetic data is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('levels by estimate: below the first edge is level 0, at or above the last is the top', () => {
  const edges = [0.5, 3, 7];
  assert.equal(levelOf(0, edges), 0);
  assert.equal(levelOf(0.5, edges), 1);
  assert.equal(levelOf(6.9, edges), 2);
  assert.equal(levelOf(40, edges), 3);
});

test('weighted quantile: weights move it, and the finite-sample correction errs on the wide side', () => {
  assert.equal(weightedQuantile([1, 2, 3, 4], [1, 1, 1, 1], 0.5), 3);
  assert.equal(weightedQuantile([1, 2, 3, 4], [10, 1, 1, 1], 0.5), 1);
  assert.equal(weightedQuantile([1, 2, 3, 4], [1, 1, 1, 1], 0.95), 4);
  assert.equal(weightedQuantile([], [], 0.9), 0);
});

/**
 * Windows like a room's: many empty ones with tiny errors, and occupied ones whose estimate is
 * off by several people. One interval for all is tight from the empty windows and misses most
 * occupied ones; per level it holds in every level.
 */
function roomWindows(rand: () => number, n: number) {
  return Array.from({ length: n }, () => {
    const truth = rand() < 0.6 ? 0 : Math.round(1 + 16 * rand());
    const noise = truth === 0 ? (rand() < 0.9 ? 0 : rand()) : (rand() - 0.5) * 0.6 * truth;
    return { truth, estimate: Math.max(0, truth * 0.85 + noise) };
  });
}

test('per-level conformal intervals hold on occupied windows, where a single one fails', () => {
  const rand = lcg(11);
  const calibration = roomWindows(rand, 3000);
  const bins = conformalBins(
    calibration.map((w) => w.estimate),
    calibration.map((w) => w.truth),
    0.9,
  );
  assert.equal(bins.low.length, bins.edges.length + 1);
  const single = conformalBins(
    calibration.map((w) => w.estimate),
    calibration.map((w) => w.truth),
    0.9,
    undefined,
    [],
  );
  assert.equal(single.edges.length, 0);
  const fresh = roomWindows(rand, 6000).filter((w) => w.truth >= 8);
  const covered = (b: typeof bins) =>
    fresh.filter((w) => {
      const i = binnedInterval(w.estimate, b);
      return w.truth >= i.low && w.truth <= i.high;
    }).length / fresh.length;
  assert.ok(covered(bins) >= 0.85, `per level: ${covered(bins)}`);
  assert.ok(covered(single) < 0.8, `single: ${covered(single)}`);
});

test('levels with fewer than 20 calibration windows merge with a neighbour', () => {
  const estimates = [
    ...Array.from({ length: 30 }, () => 0),
    1,
    2,
    5,
    ...Array.from({ length: 25 }, () => 15),
  ];
  const truths = estimates.map((e) => e + 1);
  const bins = conformalBins(estimates, truths, 0.9);
  // 0.5..3 (2 windows) and 3..7 (1) merge upwards into the 7..12 and top levels.
  assert.deepEqual(bins.edges, [0.5]);
  assert.equal(bins.high[0], 1);
});
