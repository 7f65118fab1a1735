import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WindowSummary } from '../../../src/core/model.ts';
import type {
  TransportStatus,
  WindowPublisher,
  WindowSubscriber,
} from '../../../src/adapters/transport/transport.ts';
import { realWindows, syntheticWindow, waitFor } from './realWindows.ts';

/** One transport as a test sees it: any number of sensors, one hub. */
export interface TransportHarness {
  publisher(sensorId: string): WindowPublisher;
  subscriber(): WindowSubscriber;
  /** Releases what the harness made (broker sessions, retained statuses, directories). */
  close(): Promise<void>;
}

/** One suite, every transport (as MQTT.js tests its stores). Delivery is at least once. */
export function transportContract(
  name: string,
  open: () => Promise<TransportHarness>,
  skip: false | string = false,
): void {
  const collect = (subscriber: WindowSubscriber) => {
    const windows: WindowSummary[] = [];
    const statuses: TransportStatus[] = [];
    subscriber.onWindow((w) => {
      windows.push(w);
    });
    subscriber.onStatus((s) => {
      statuses.push(s);
    });
    return { windows, statuses };
  };

  test(`${name}: windows of real captures arrive unchanged and in order`, { skip }, async () => {
    const harness = await open();
    const hub = harness.subscriber();
    const got = collect(hub);
    const sensor = harness.publisher('pi-1');
    try {
      await hub.start();
      await sensor.start();
      const sent = await realWindows('pi-1');
      for (const w of sent) await sensor.publishWindow(w);
      await sensor.drained(10_000);
      await waitFor('all windows', () => got.windows.length >= sent.length);
      assert.deepEqual(got.windows, sent);
      assert.equal(sensor.counters.windows, sent.length);
      assert.equal(sensor.counters.acknowledged, sent.length);
      assert.equal(sensor.counters.outboxDepth, 0);
      assert.equal(hub.counters.windows, sent.length);
      assert.deepEqual(hub.counters.rejected, {});
    } finally {
      await sensor.stop();
      await hub.stop();
      await harness.close();
    }
  });

  test(`${name}: three sensors, one hub: every window arrives`, { skip }, async () => {
    const harness = await open();
    const hub = harness.subscriber();
    const got = collect(hub);
    const sensors = ['a', 'b', 'c'].map((id) => harness.publisher(id));
    try {
      await hub.start();
      await Promise.all(sensors.map((s) => s.start()));
      const sent: WindowSummary[] = [];
      for (let i = 0; i < 20; i++) {
        for (const [k, sensor] of sensors.entries()) {
          const w = syntheticWindow(['a', 'b', 'c'][k]!, 60 * i, 30, k * 10);
          sent.push(w);
          await sensor.publishWindow(w);
        }
      }
      await Promise.all(sensors.map((s) => s.drained(10_000)));
      const key = (w: WindowSummary) => `${w.sensorId} ${w.windowStart}`;
      await waitFor('all windows', () => new Set(got.windows.map(key)).size >= sent.length);
      assert.deepEqual(new Set(got.windows.map(key)), new Set(sent.map(key)));
      for (const id of ['a', 'b', 'c']) {
        const starts = got.windows.filter((w) => w.sensorId === id).map((w) => w.windowStart);
        assert.deepEqual(
          starts,
          [...starts].sort((x, y) => x - y),
          `sensor ${id} in order`,
        );
      }
    } finally {
      await Promise.all(sensors.map((s) => s.stop()));
      await hub.stop();
      await harness.close();
    }
  });

  test(`${name}: the hub learns a sensor's status, and that it went offline`, { skip }, async () => {
    const harness = await open();
    const hub = harness.subscriber();
    const got = collect(hub);
    const sensor = harness.publisher('pi-2');
    try {
      await hub.start();
      await sensor.start();
      await sensor.publishStatus({ sensorId: 'pi-2', scanning: true, at: 1234.5 });
      await waitFor('scanning status', () => got.statuses.some((s) => s.scanning && s.at === 1234.5));
      const scanning = got.statuses.find((s) => s.scanning)!;
      // Transports with an outbox also say how deep it is.
      const { outboxDepth, ...status } = scanning as typeof scanning & { outboxDepth?: number };
      assert.deepEqual(status, { sensorId: 'pi-2', scanning: true, at: 1234.5, online: true });
      assert.ok(outboxDepth === undefined || outboxDepth >= 0, 'a depth, when there is one, is a count');
      await sensor.stop();
      await waitFor('offline status', () => got.statuses.at(-1)?.online === false);
      assert.equal(got.statuses.at(-1)!.sensorId, 'pi-2');
      assert.equal(got.statuses.at(-1)!.scanning, false);
    } finally {
      await sensor.stop();
      await hub.stop();
      await harness.close();
    }
  });

  test(`${name}: a failing handler is counted and does not stop the windows after it`, { skip }, async () => {
    const harness = await open();
    const hub = harness.subscriber();
    const seen: number[] = [];
    let failed = false;
    hub.onWindow((w) => {
      if (w.windowStart === 60 && !failed) {
        failed = true;
        throw new Error('store unavailable');
      }
      seen.push(w.windowStart);
    });
    const sensor = harness.publisher('pi-3');
    try {
      await hub.start();
      await sensor.start();
      for (const start of [0, 60, 120, 180]) await sensor.publishWindow(syntheticWindow('pi-3', start, 2));
      await waitFor('the windows after the failure', () => seen.includes(180));
      assert.equal(hub.counters.handlerFailures, 1);
      assert.ok(seen.includes(0) && seen.includes(120));
    } finally {
      await sensor.stop();
      await hub.stop();
      await harness.close();
    }
  });
}
