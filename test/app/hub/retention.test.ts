import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replay } from '../../../src/app/batch/replay.ts';
import { OUTBOX_DAYS, retentionPlan } from '../../../src/app/hub/retention.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { defaultCountingParams } from '../../../src/core/occupancy/countingParams.ts';
import type { WindowSummary } from '../../../src/core/model.ts';
import { ManualClock } from '../../helpers/manualClock.ts';
import { startHubRig } from '../../helpers/hubRig.ts';
import { fixtures } from '../../helpers/paths.ts';

const DAY = 86_400;

test('the retention plan cuts raw data at a local midnight, devices at N days, claims no sooner than the outbox age', () => {
  const now = 1_693_000_000; // 2023-08-25 21:46:40 UTC, 23:46 in Prague
  const plan = retentionPlan(now, 30, 'Europe/Prague');
  assert.equal(
    plan.rawBefore,
    1_690_322_400,
    '2023-07-26 00:00 in Prague: the whole day 30 days ago is kept',
  );
  assert.ok(plan.rawBefore <= now - 30 * DAY && plan.rawBefore > now - 31 * DAY);
  assert.equal(plan.devicesBefore, now - 30 * DAY);
  assert.equal(plan.claimsBefore, plan.rawBefore, 'with 30 days of raw data the claims go with it');
  const short = retentionPlan(now, 2, 'Europe/Prague');
  assert.equal(short.claimsBefore, now - OUTBOX_DAYS * DAY, 'claims outlive 2 days of raw data');
});

/** Twenty real minutes (brno lab, 2022-10-19), as heard on each of four days. */
async function fourDays(): Promise<WindowSummary[][]> {
  const base: WindowSummary[] = [];
  await replay({
    inputs: [{ path: join(fixtures, 'occupancy/brno_2022-10-19_1400-1420.pcap') }],
    windowSeconds: 60,
    sensorId: 'lab',
    siteKey: new Uint8Array(32).fill(3),
    onWindow: (w) => base.push(w),
  });
  const shift = (w: WindowSummary, by: number): WindowSummary => ({
    ...w,
    windowStart: w.windowStart + by,
    windowEnd: w.windowEnd + by,
    devices: w.devices.map((d) => ({ ...d, firstSeen: d.firstSeen + by, lastSeen: d.lastSeen + by })),
  });
  return [0, 1, 2, 3].map((day) => base.map((w) => shift(w, day * DAY)));
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`${what} did not happen`);
}

test('hub retention: raw windows of old days go, rollups and claims stay, a late redelivery counts nothing twice', async () => {
  const days = await fourDays();
  const first = days[0]![0]!.windowStart;
  const clock = new ManualClock(days[3]![0]!.windowStart + 6 * 3600);
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-retention-'));
  const store = new SqliteStore(join(dir, 'hub.db'));
  const rig = await startHubRig({
    store,
    siteName: 'lab',
    windowSeconds: 60,
    ratio: 0.7,
    exportDir: dir,
    counting: defaultCountingParams(),
    retentionDays: 2,
    clock,
  });
  try {
    for (const day of days) await rig.send(...day);
    await rig.hub.settled();
    const rollups = async () => ({
      hours: await store.rollups('hour', 0, 2e9),
      days: await store.rollups('day', 0, 2e9),
      dwell: await store.dwellDays(0, 2e9),
    });
    const before = await rollups();
    assert.equal(before.days.length, 4);
    assert.ok(
      before.days.every((d) => d.people !== null && d.people.personMinutes >= 0),
      'people per day',
    );

    const plan = retentionPlan(clock.now() + 3600, 2, store.timeZone);
    await clock.advanceByAsync(3600); // the hourly run
    await eventually(async () => (await store.windows(0, 2e9))[0]!.windowStart >= plan.rawBefore, 'pruning');

    assert.deepEqual(await rollups(), before, 'rollups are kept forever');
    const windows = await store.windows(0, 2e9);
    assert.equal(
      windows.length,
      days[1]!.length + days[2]!.length + days[3]!.length,
      'the day two days ago stays whole, and the days after it',
    );
    for (const medium of ['wifi', 'ble'] as const) {
      const { rows } = await store.devices({ medium, limit: 1e6 });
      assert.ok(
        rows.every((d) => d.lastSeen >= plan.devicesBefore),
        `${medium} devices unseen for 2 days go`,
      );
    }
    // A sensor's outbox delivering day 0 again: its raw rows are gone, its claim is not.
    const duplicates = rig.hub.storage.counters.duplicates;
    await rig.send(...days[0]!);
    await rig.hub.settled();
    assert.equal(rig.hub.storage.counters.duplicates - duplicates, days[0]!.length);
    assert.deepEqual(await rollups(), before);
    assert.equal((await store.windows(first, first + DAY)).length, 0);
  } finally {
    await rig.stop();
    await store.close();
  }
});
