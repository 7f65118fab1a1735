import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WindowStorage } from '../../../src/app/hub/windowStorage.ts';
import type { WindowSummary } from '../../../src/core/model.ts';
import type { Store, WindowRow } from '../../../src/adapters/storage/store.ts';

const part = (sensorId: string, windowStart: number): WindowSummary => ({
  schema: 1,
  sensorId,
  windowStart,
  windowEnd: windowStart + 60,
  frames: 0,
  framesWithRssi: 0,
  devices: [],
});

const row = (windowStart: number): WindowRow => ({
  windowStart,
  windowEnd: windowStart + 60,
  wifiDevices: 0,
  bluetoothDevices: 0,
  bothDevices: 0,
  randomizedDevices: 0,
  frames: 0,
  sensors: 1,
  people: null,
});

test("each window's outcome reaches its own caller: a failed write is never reported as stored", async () => {
  const failing = new Set([120]);
  const store: Pick<Store, 'writeWindow'> = {
    writeWindow: async (parts) => {
      if (failing.has(parts[0]!.windowStart)) throw new Error('database away');
      return { stored: parts.length, duplicates: 0, window: row(parts[0]!.windowStart) };
    },
  };
  const committed: number[] = [];
  const storage = new WindowStorage(store, async (r) => {
    committed.push(r.windowStart);
  });
  const outcomes = [60, 120, 180].map((start) => storage.store(part('s1', start)));
  await assert.doesNotReject(outcomes[0]!);
  await assert.rejects(outcomes[1]!, /database away/);
  await assert.doesNotReject(outcomes[2]!, 'later windows are written regardless');
  await assert.rejects(storage.flush(), /database away/);
  await assert.doesNotReject(storage.flush(), 'a failure is reported once');
  assert.equal(storage.counters.stored, 2);
  assert.equal(storage.counters.failures, 1);
  assert.deepEqual(committed, [60, 180], 'only committed windows go on to the next step, in order');
});

test('parts of one window start that arrive together are written in one call', async () => {
  const calls: string[][] = [];
  const storage = new WindowStorage({
    writeWindow: async (parts) => {
      calls.push(parts.map((p) => p.sensorId));
      return { stored: parts.length, duplicates: 0, window: row(parts[0]!.windowStart) };
    },
  });
  await Promise.all([storage.store(part('a', 0)), storage.store(part('b', 0)), storage.store(part('c', 60))]);
  assert.deepEqual(calls, [['a', 'b'], ['c']]);
});
