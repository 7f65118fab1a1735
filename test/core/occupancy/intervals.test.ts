import { test } from 'node:test';
import assert from 'node:assert/strict';
import { beltInterval, fitBelt, levelOf, weightedQuantile } from '../../../src/core/occupancy/intervals.ts';

/** A small deterministic generator, so the synthetic data is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('levels by count: below the first edge is level 0, at or above the last is the top', () => {
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
 * Windows like a room's: mostly empty with tiny errors; a few people are often missed entirely
 * (quiet phones), and full rooms are undercounted by a share that varies. One interval for all
 * levels fails the occupied windows; the belt holds at each level of the true count.
 */
function roomWindows(rand: () => number, n: number) {
  return Array.from({ length: n }, () => {
    const truth = rand() < 0.6 ? 0 : Math.round(1 + 16 * rand());
    if (truth === 0) return { truth, estimate: rand() < 0.95 ? 0 : rand() };
    if (truth <= 3 && rand() < 0.4) return { truth, estimate: 0 };
    return { truth, estimate: truth * (0.6 + 0.4 * rand()) };
  });
}

const inside = (w: { truth: number; estimate: number }, belt: ReturnType<typeof fitBelt>) => {
  const i = beltInterval(w.estimate, belt);
  return w.truth >= i.low && w.truth <= i.high;
};

test('the belt holds at every level of the true count, where one interval for all fails', () => {
  const rand = lcg(11);
  const calibration = roomWindows(rand, 4000);
  const estimates = calibration.map((w) => w.estimate);
  const truths = calibration.map((w) => w.truth);
  const belt = fitBelt(estimates, truths, 0.9);
  assert.equal(belt.low.length, belt.edges.length + 1);
  const single = fitBelt(estimates, truths, 0.9, undefined, []);
  assert.equal(single.edges.length, 0);
  const fresh = roomWindows(rand, 8000);
  for (const [from, to] of [
    [0, 0.5],
    [0.5, 3.5],
    [3.5, 9.5],
    [9.5, 99],
  ] as const) {
    const level = fresh.filter((w) => w.truth >= from && w.truth < to);
    const share = level.filter((w) => inside(w, belt)).length / level.length;
    assert.ok(share >= 0.86, `truth ${from}-${to}: ${share}`);
  }
  const full = fresh.filter((w) => w.truth >= 12);
  const singleShare = full.filter((w) => inside(w, single)).length / full.length;
  assert.ok(singleShare < 0.75, `one interval for all, full room: ${singleShare}`);
  // An estimate of 0 is not proof of an empty room: its interval reaches the few people often missed.
  assert.ok(beltInterval(0, belt).high >= 3);
  assert.equal(beltInterval(0, belt).low, 0);
  // Every interval holds its estimate.
  for (const e of [0, 0.3, 2, 7.5, 14, 30]) {
    const i = beltInterval(e, belt);
    assert.ok(i.low <= e && e <= i.high, `${e}: ${i.low}-${i.high}`);
  }
});

test('levels with fewer than 20 calibration windows merge with a neighbour', () => {
  const truths = [...Array.from({ length: 30 }, () => 0), 1, 2, 5, ...Array.from({ length: 25 }, () => 15)];
  const estimates = truths.map((t) => t + 1);
  const belt = fitBelt(estimates, truths, 0.9);
  // 0.5..3.5 (2 windows) and 3.5..6.5 (1) merge upwards into the top levels.
  assert.deepEqual(belt.edges, [0.5]);
  assert.equal(belt.high[1], 1);
  assert.equal(belt.low[1], 1);
});
