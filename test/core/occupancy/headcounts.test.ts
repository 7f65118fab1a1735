import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  calibrateWithHeadcounts,
  DEFAULT_HEADCOUNT_PRIOR,
  fitHeadcountPrior,
  normalQuantile,
  type PriorSample,
} from '../../../src/core/occupancy/headcounts.ts';

/** A prior wide enough for a 50% undercount, with a slow part that lasts months. */
const prior = { driftSd: 0.3, driftSeconds: 90 * 86_400, sessionSd: 0.3, sessionSeconds: 7200, countSd: 0.5 };

/** A day of 10-minute windows whose estimate undercounts by a third (devices per person fell). */
function undercountingDay(start = 1_700_000_000) {
  return Array.from({ length: 24 }, (_, i) => {
    const truth = i < 2 || i > 21 ? 0 : 9 + (i % 7);
    const estimate = truth / 1.5;
    return {
      start: start + i * 600,
      end: start + (i + 1) * 600,
      estimate,
      low: estimate * 0.6,
      high: estimate * 1.5 + 1,
      truth,
    };
  });
}

const mae = (ws: readonly { estimate: number; truth: number }[]) =>
  ws.reduce((s, w) => s + Math.abs(w.estimate - w.truth), 0) / ws.length;

test('normal quantiles: the 90% interval is +-1.645 standard deviations', () => {
  assert.ok(Math.abs(normalQuantile(0.95) - 1.6449) < 1e-4);
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-12);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.0902) < 1e-4);
});

test('without a usable headcount the series comes back unchanged', () => {
  const day = undercountingDay();
  const same = calibrateWithHeadcounts(day, [], prior);
  assert.equal(same.used, 0);
  assert.deepEqual(
    same.windows.map((w) => [w.estimate, w.low, w.high, w.scale]),
    day.map((w) => [w.estimate, w.low, w.high, 1]),
  );
  // A count outside every window, without an estimate stored with it, is skipped and counted.
  const outside = calibrateWithHeadcounts(day, [{ t: 1, count: 12 }], prior);
  assert.equal(outside.used, 0);
  assert.equal(outside.skipped, 1);
});

test('three headcounts correct an undercounting day: estimates near the truth, intervals still hold it', () => {
  const day = undercountingDay();
  const before = mae(day.filter((w) => w.truth > 0));
  const counts = [5, 11, 18].map((i) => ({ t: day[i]!.start + 300, count: day[i]!.truth }));
  const after = calibrateWithHeadcounts(day, counts, prior);
  assert.equal(after.used, 3);
  const occupied = after.windows.filter((w) => w.truth > 0);
  assert.ok(mae(occupied) < before / 4, `MAE ${mae(occupied)} (was ${before})`);
  assert.ok(
    occupied.every((w) => w.scale > 1.35 && w.scale < 1.6),
    occupied.map((w) => w.scale).join(),
  );
  assert.ok(occupied.every((w) => w.truth >= w.low && w.truth <= w.high));
  // The scale is known better than before: narrower than the prior.
  const priorSd = Math.hypot(prior.driftSd, prior.sessionSd);
  assert.ok(occupied.every((w) => w.scaleSd < priorSd / 2));
  // An empty room stays empty: the scale multiplies, it does not add.
  assert.equal(after.windows[0]!.estimate, 0);
});

test('a headcount from weeks ago moves only the slow part of the scale', () => {
  const day = undercountingDay();
  const today = calibrateWithHeadcounts(day, [{ t: day[10]!.start, count: day[10]!.truth }], prior);
  const old = calibrateWithHeadcounts(
    day,
    [{ t: day[10]!.start - 21 * 86_400, count: 15, estimate: 10 }],
    prior,
  );
  assert.equal(old.used, 1);
  const gainToday = today.windows[12]!.scale - 1;
  const gainOld = old.windows[12]!.scale - 1;
  assert.ok(gainOld > 0.05 && gainOld < gainToday, `old ${gainOld}, today ${gainToday}`);
  // Far from the count, the fast part has decayed: the scale is less certain there.
  assert.ok(today.windows[23]!.scaleSd > today.windows[10]!.scaleSd);
});

/** Deterministic standard normal draws (Box-Muller on a small LCG). */
function gaussian(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

test('the prior fitted by maximum likelihood finds the scale drift and the noise windows were made with', () => {
  const normal = gaussian(5);
  const samples: PriorSample[] = [];
  // 30 days of 10-minute windows: a session scale off by 30% for about an hour, and 1 person of noise.
  const rho = Math.exp(-600 / 3600);
  for (let d = 0; d < 30; d++) {
    let z = 0.3 * normal();
    for (let i = 0; i < 24; i++) {
      const start = d * 86_400 + i * 600;
      const estimate = 5 + 10 * Math.abs(normal());
      samples.push({
        fold: `day-${d}`,
        start,
        estimate,
        truth: Math.max(1, estimate * (1 + z) + normal()),
        weight: 1,
      });
      z = rho * z + Math.sqrt(1 - rho * rho) * 0.3 * normal();
    }
  }
  const fitted = fitHeadcountPrior(samples);
  assert.ok(fitted.sessionSd >= 0.2 && fitted.sessionSd <= 0.4, `session ${fitted.sessionSd}`);
  assert.ok(fitted.sessionSeconds >= 1800 && fitted.sessionSeconds <= 7200, `${fitted.sessionSeconds} s`);
  assert.ok(fitted.countSd >= 0.75 && fitted.countSd <= 1.25, `count ${fitted.countSd}`);
  assert.ok(fitted.driftSd <= 0.15, `drift ${fitted.driftSd}`);
  // Too little to learn from: the base prior.
  assert.deepEqual(fitHeadcountPrior(samples.slice(0, 10)), DEFAULT_HEADCOUNT_PRIOR);
});
