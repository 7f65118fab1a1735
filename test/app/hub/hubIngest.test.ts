import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HubIngest } from '../../../src/app/hub/hubIngest.ts';
import type { WindowSummary } from '../../../src/core/model.ts';
import type { Store } from '../../../src/adapters/storage/store.ts';

const part = (sensorId: string, windowStart: number): WindowSummary => ({
  schema: 1,
  sensorId,
  windowStart,
  windowEnd: windowStart + 60,
  frames: 0,
  framesWithRssi: 0,
  devices: [],
});

test("each window's outcome reaches its own caller: a failed write is never reported as stored", async () => {
  const failing = new Set([120]);
  const store = {
    writeWindow: async (parts: readonly WindowSummary[]) => {
      if (failing.has(parts[0]!.windowStart)) throw new Error('database away');
      return { stored: parts.length, duplicates: 0 };
    },
  } as unknown as Store;
  const ingest = new HubIngest(store);
  const a = part('s1', 60);
  const b = part('s1', 120);
  const c = part('s1', 180);
  const outcomes = [a, b, c].map((p) => {
    ingest.accept(p);
    return ingest.stored(p);
  });
  await assert.doesNotReject(outcomes[0]!);
  await assert.rejects(outcomes[1]!, /database away/);
  await assert.doesNotReject(outcomes[2]!, 'later windows are written regardless');
  await assert.rejects(ingest.flush(), /database away/);
  await assert.doesNotReject(ingest.flush(), 'a failure is reported once');
  assert.equal(ingest.counters.stored, 2);
});
