import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hub } from '../../../src/app/hub/hub.ts';
import { replay } from '../../../src/app/batch/replay.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { InProcessBus } from '../../../src/adapters/transport/inProcessBus.ts';
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
  const bus = new InProcessBus();
  const hub = new Hub({
    store,
    bus,
    siteName: 'lab',
    windowSeconds: 60,
    ratio: 0.7,
    exportDir: dir,
    counting: defaultCountingParams(),
  });
  hub.start();
  let updates = 0;
  const update = hub.estimator!.update.bind(hub.estimator!);
  hub.estimator!.update = () => {
    updates++;
    return update();
  };
  try {
    // A burst, as after an outage: every window from two sensors at once.
    for (const s of summaries) {
      bus.publish('window', s);
      bus.publish('window', { ...s, sensorId: 'b' });
    }
    await hub.ingest.flush();
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
    await hub.stop();
    await store.close();
  }
});
