import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replay } from '../../../src/app/batch/replay.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { startHubRig } from '../../helpers/hubRig.ts';
import { defaultCountingParams } from '../../../src/core/occupancy/countingParams.ts';
import type { WindowSummary } from '../../../src/core/model.ts';
import { fixtures } from '../../helpers/paths.ts';

test('the hub estimates every window of a two-sensor burst once per window start, not once per part', async () => {
  const summaries: WindowSummary[] = [];
  await replay({
    inputs: [{ path: join(fixtures, 'occupancy/brno_2022-10-19_1400-1420.pcap') }],
    windowSeconds: 60,
    sensorId: 'a',
    siteKey: new Uint8Array(32).fill(5),
    onWindow: (w) => summaries.push(w),
  });
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-hub-est-'));
  const store = new SqliteStore(join(dir, 'hub.db'));
  const rig = await startHubRig({
    store,
    siteName: 'lab',
    windowSeconds: 60,
    ratio: 0.7,
    exportDir: dir,
    counting: defaultCountingParams(),
  });
  const estimator = rig.hub.people!.estimator;
  let updates = 0;
  const update = estimator.update.bind(estimator);
  estimator.update = () => {
    updates++;
    return update();
  };
  try {
    // A burst, as after an outage: every window from two sensors at once.
    for (const s of summaries) rig.sendNoWait(s, { ...s, sensorId: 'b' });
    await rig.send();
    await rig.hub.settled();
    const windows = await store.windows(0, 2e9);
    assert.equal(windows.length, summaries.length);
    assert.ok(
      windows.every((w) => w.people !== null),
      'every window has an estimate',
    );
    assert.ok(
      updates <= summaries.length + 2,
      `${updates} estimator updates for ${summaries.length} windows of 2 sensors`,
    );
    assert.ok(
      windows.some((w) => w.people!.final === false),
      'the newest windows are provisional',
    );
  } finally {
    await rig.stop();
    await store.close();
  }
});
