import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { countPeople, loadCaptures } from '../../../src/app/batch/count.ts';
import { PeopleEstimator, type EstimateRow } from '../../../src/app/hub/peopleEstimator.ts';
import { replay } from '../../../src/app/batch/replay.ts';
import { defaultCountingParams } from '../../../src/core/occupancy/countingParams.ts';
import { BLOCK_SECONDS, lookbackSeconds } from '../../../src/core/occupancy/peopleEstimate.ts';
import type { WindowSummary } from '../../../src/core/model.ts';
import { demoCapture, fixtures } from '../../helpers/paths.ts';

const KEY = new Uint8Array(32).fill(7);

/** The capture's sensor windows, as the hub receives them. */
async function windowsOf(capture: string): Promise<WindowSummary[]> {
  const windows: WindowSummary[] = [];
  await replay({
    inputs: [{ path: capture }],
    windowSeconds: 60,
    sensorId: 'local',
    siteKey: KEY,
    onWindow: (summary) => windows.push(summary),
  });
  return windows;
}

/** Window by window through the hub's estimator: the last estimate of each window, and whether it was final. */
function live(windows: readonly WindowSummary[]) {
  const params = defaultCountingParams();
  const estimator = new PeopleEstimator(params, 60);
  const latest = new Map<number, EstimateRow>();
  let mostHeld = 0;
  for (const summary of windows) {
    estimator.accept(summary);
    for (const row of estimator.update()) latest.set(row.windowStart, row);
    mostHeld = Math.max(mostHeld, estimator.sightingsHeld);
  }
  return { latest, mostHeld, estimator, params };
}

test('the hub estimator, window by window, ends where airtrace count does on the whole capture', async () => {
  const capture = join(fixtures, 'occupancy/brno_2022-10-19_1400-1420.pcap');
  const { latest } = live(await windowsOf(capture));
  const params = defaultCountingParams();
  const batch = countPeople(await loadCaptures([capture], { siteKey: KEY, sensorId: 'local' }), params, 60);
  assert.ok(batch.windows.length >= 15, `windows: ${batch.windows.length}`);
  batch.windows.forEach((w, i) => {
    const row = latest.get(w.start);
    assert.ok(row, `a live estimate for ${w.start}`);
    assert.equal(row.devices, w.devices, `devices at ${w.start}`);
    // The count command's coverage starts and ends with the capture's first and last frame; the
    // hub's with the sensor windows. Only the two edge windows may differ, and only a little.
    const edge = i === 0 || i === batch.windows.length - 1;
    const tolerance = edge ? 0.05 * w.estimate + 0.05 : 1e-9;
    assert.ok(
      Math.abs(row.estimate - w.estimate) <= tolerance,
      `estimate at ${w.start}: ${row.estimate} vs ${w.estimate}`,
    );
    assert.ok(row.low <= row.estimate && row.estimate <= row.high, 'the interval holds the estimate');
  });
  // 17 people were in the lab (the excerpt's truth); the estimate is near, not the MAC count.
  const middle = batch.windows[Math.floor(batch.windows.length / 2)]!;
  assert.ok(
    latest.get(middle.start)!.estimate > 8 && latest.get(middle.start)!.estimate < 30,
    `estimate ${latest.get(middle.start)!.estimate}`,
  );
});

test('over four hours that cross two of count’s three-hour blocks, every final live estimate equals count’s', async (t) => {
  const windows = await windowsOf(demoCapture);
  const { latest, mostHeld, params } = live(windows);
  const batch = countPeople(
    await loadCaptures([demoCapture], { siteKey: KEY, sensorId: 'local' }),
    params,
    60,
  );
  const first = batch.windows[0]!.start;
  const last = batch.windows.at(-1)!.start;
  const blocks = new Set(batch.windows.map((w) => Math.floor(w.start / BLOCK_SECONDS)));
  assert.ok(blocks.size >= 3, `the capture spans ${blocks.size} blocks`);
  assert.ok(last - first > lookbackSeconds(params) / 2, 'long enough that the look-back matters');

  let compared = 0;
  let finals = 0;
  for (const w of batch.windows) {
    const row = latest.get(w.start);
    // count estimates the minutes without a frame too; the hub has no window for them.
    if (row === undefined) continue;
    if (w.start === first || w.start === last) continue; // covered seconds: a frame vs a window edge
    compared++;
    if (row.final) finals++;
    assert.equal(row.devices, w.devices, `devices at ${w.start}`);
    assert.equal(row.estimate, w.estimate, `estimate at ${w.start}`);
    assert.equal(row.low, w.low, `low at ${w.start}`);
    assert.equal(row.high, w.high, `high at ${w.start}`);
  }
  assert.ok(compared >= 200, `compared ${compared} windows`);
  t.diagnostic(
    `${compared} of ${batch.windows.length} windows equal to count's (${finals} final; the first and last ` +
      `differ by their covered seconds); at most ${mostHeld} sightings held`,
  );
  assert.ok(finals >= compared - 45, `${finals} of ${compared} final`);
  // Four hours are less than the look-back of a block: the estimator held all of them.
  assert.equal(
    mostHeld,
    windows.reduce((n, w) => n + w.devices.length, 0),
  );
});

test('the estimator forgets what count’s look-back no longer reaches', async () => {
  const windows = await windowsOf(demoCapture);
  const params = defaultCountingParams();
  // Shorter memory than the capture: a one-hour look-back, so the first hours are dropped.
  const short = {
    ...params,
    grouping: { ...params.grouping, memorySeconds: 1200 },
    presence: { ...params.presence, holdSeconds: 1200, stationarySeconds: 1800 },
  };
  const estimator = new PeopleEstimator(short, 60);
  for (const w of windows) estimator.accept(w);
  const reach = BLOCK_SECONDS + lookbackSeconds(short) + short.presence.holdSeconds + 120;
  const newest = windows.at(-1)!.windowStart;
  const stillHeld = windows
    .filter((w) => w.windowStart >= newest - reach)
    .reduce((n, w) => n + w.devices.length, 0);
  assert.ok(estimator.sightingsHeld <= stillHeld, `${estimator.sightingsHeld} held, at most ${stillHeld}`);
  assert.ok(estimator.sightingsHeld > 0);
});
