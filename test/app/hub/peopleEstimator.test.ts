import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { countPeople, loadCaptures } from '../../../src/app/batch/count.ts';
import { PeopleEstimator, type EstimateRow } from '../../../src/app/hub/peopleEstimator.ts';
import { replay } from '../../../src/app/batch/replay.ts';
import { defaultCountingParams } from '../../../src/core/occupancy/countingParams.ts';
import { fixtures } from '../../helpers/paths.ts';

const KEY = new Uint8Array(32).fill(7);
const capture = join(fixtures, 'occupancy/brno_2022-10-19_1400-1420.pcap');

test('the hub estimator, window by window, ends where airtrace count does on the whole capture', async () => {
  const params = defaultCountingParams();
  const estimator = new PeopleEstimator(params, 60);
  const latest = new Map<number, EstimateRow>();
  await replay({
    inputs: [{ path: capture }],
    windowSeconds: 60,
    sensorId: 'local',
    siteKey: KEY,
    onWindow: (summary) => {
      estimator.accept(summary);
      for (const row of estimator.update()) latest.set(row.windowStart, row);
    },
  });
  const batch = countPeople(await loadCaptures([capture], { siteKey: KEY, sensorId: 'local' }), params, 60);
  assert.ok(batch.windows.length >= 15, `windows: ${batch.windows.length}`);
  batch.windows.forEach((w, i) => {
    const live = latest.get(w.start);
    assert.ok(live, `a live estimate for ${w.start}`);
    assert.equal(live.devices, w.devices, `devices at ${w.start}`);
    // The count command's coverage starts and ends with the capture's first and last frame; the
    // hub's with the sensor windows. Only the two edge windows may differ, and only a little.
    const edge = i === 0 || i === batch.windows.length - 1;
    const tolerance = edge ? 0.05 * w.estimate + 0.05 : 1e-9;
    assert.ok(
      Math.abs(live.estimate - w.estimate) <= tolerance,
      `estimate at ${w.start}: ${live.estimate} vs ${w.estimate}`,
    );
    assert.ok(live.low <= live.estimate && live.estimate <= live.high, 'the interval holds the estimate');
  });
  // 17 people were in the lab (the excerpt's truth); the estimate is near, not the MAC count.
  const middle = batch.windows[Math.floor(batch.windows.length / 2)]!;
  assert.ok(
    latest.get(middle.start)!.estimate > 8 && latest.get(middle.start)!.estimate < 30,
    `estimate ${latest.get(middle.start)!.estimate}`,
  );
});
