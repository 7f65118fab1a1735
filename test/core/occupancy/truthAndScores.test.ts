import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distinctAddresses, windowsOver } from '../../../src/core/occupancy/countWindows.ts';
import { pearson, scoreEstimates } from '../../../src/core/occupancy/scores.ts';
import { parseTruthCsv, windowTruth } from '../../../src/core/occupancy/truthSeries.ts';
import type { Sighting } from '../../../src/core/occupancy/sighting.ts';

test('truth CSV: header t,count, rows sorted, every bad line reported', () => {
  const ok = parseTruthCsv('t,count\n200,3\n100,1\n\n# a comment\n300,0\n');
  assert.ok(ok.ok);
  assert.deepEqual(ok.rows, [
    { t: 100, count: 1 },
    { t: 200, count: 3 },
    { t: 300, count: 0 },
  ]);
  const bad = parseTruthCsv('time,people\n1,x\n2\nabc,3\n4,-1\n');
  assert.ok(!bad.ok);
  assert.equal(bad.errors.length, 5);
  assert.match(bad.errors[0]!, /line 1: the header/);
  assert.match(bad.errors[2]!, /line 3: expected two values/);
  assert.ok(!parseTruthCsv('t,count\n').ok);
});

test("a window's truth is the time-weighted mean over what truth and data cover", () => {
  const rows = [
    { t: 100, count: 2 },
    { t: 400, count: 8 },
  ];
  // [0,100) has no truth; [100,400) is 2, [400,600) is 8.
  const all = [{ start: 0, end: 10_000 }];
  assert.equal(windowTruth(rows, { start: 0, end: 600 }, all), (2 * 300 + 8 * 200) / 500);
  // The last count holds on.
  assert.equal(windowTruth(rows, { start: 600, end: 1200 }, all), 8);
  assert.equal(windowTruth(rows, { start: 0, end: 100 }, all), undefined);
  // Only the part with data counts.
  assert.equal(windowTruth(rows, { start: 0, end: 600 }, [{ start: 450, end: 10_000 }]), 8);
  assert.equal(windowTruth([], { start: 0, end: 1 }, all), undefined);
});

test('a count does not hold across a break in the data: the next recording has no truth until a row says so', () => {
  const rows = [
    { t: 100, count: 8 },
    { t: 9000, count: 3 },
  ];
  // Two recordings with a break between them (8000..8500 has no data).
  const coverage = [
    { start: 0, end: 8000 },
    { start: 8500, end: 20_000 },
  ];
  assert.equal(windowTruth(rows, { start: 7400, end: 8000 }, coverage), 8);
  // After the break, 8 no longer holds; from 9000 on, 3 does.
  assert.equal(windowTruth(rows, { start: 8500, end: 8800 }, coverage), undefined);
  assert.equal(windowTruth(rows, { start: 8800, end: 9400 }, coverage), 3);
  // A row written while the sensor was off holds into the span that follows.
  assert.equal(windowTruth([{ t: 8200, count: 5 }], { start: 8500, end: 9100 }, coverage), 5);
  // Without a later row, the last one ends with its recording.
  assert.equal(windowTruth([{ t: 100, count: 8 }], { start: 10_000, end: 10_600 }, coverage), undefined);
});

test('scores: MAE, Pearson r (undefined for a constant series) and interval coverage', () => {
  const s = scoreEstimates([
    { estimate: 1, low: 0, high: 2, truth: 2 },
    { estimate: 3, low: 2, high: 4, truth: 5 },
    { estimate: 5, low: 4, high: 6, truth: 6 },
  ]);
  assert.equal(s.windows, 3);
  assert.ok(Math.abs(s.mae - 4 / 3) < 1e-12);
  assert.ok(s.r !== null && s.r > 0.95);
  assert.ok(Math.abs(s.coverage! - 2 / 3) < 1e-12);
  assert.equal(pearson([1, 2, 3], [0, 0, 0]), null);
  assert.equal(scoreEstimates([{ estimate: 1, truth: 1 }]).coverage, null);
});

test('windows are clock-aligned and only where there is data', () => {
  const w = windowsOver(
    [
      { start: 1005, end: 1590 },
      { start: 5000, end: 5000 },
    ],
    600,
  );
  assert.deepEqual(
    w.map((x) => x.start),
    [600, 1200, 4800],
  );
});

test('naive count: distinct addresses per window by first frame', () => {
  const s = (deviceId: string, t: number) => ({ deviceId, firstSeen: t }) as Sighting;
  const windows = [
    { start: 0, end: 60 },
    { start: 60, end: 120 },
  ];
  assert.deepEqual(
    distinctAddresses([s('a', 1), s('a', 30), s('b', 59), s('a', 61), s('c', 500)], windows),
    [2, 1],
  );
});
