import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CombinedSubscriber,
  combineSubscribers,
} from '../../../src/adapters/transport/combinedSubscriber.ts';
import { InProcessTransport } from '../../../src/adapters/transport/inProcessTransport.ts';
import type { TransportStatus } from '../../../src/adapters/transport/transport.ts';
import { syntheticWindow } from './realWindows.ts';

test('two transports as one subscriber: windows and statuses of both reach the handlers, counters add up', async () => {
  const a = new InProcessTransport();
  const b = new InProcessTransport();
  const combined = new CombinedSubscriber([a.subscriber, b.subscriber]);
  const windows: string[] = [];
  const statuses: TransportStatus[] = [];
  const offWindow = combined.onWindow((w) => {
    windows.push(`${w.sensorId}@${w.windowStart}`);
  });
  combined.onStatus((s) => {
    statuses.push(s);
  });
  await combined.start();
  const pa = a.publisher('pi-a');
  const pb = b.publisher('esp-kitchen');
  await pa.start();
  await pb.start();
  await pa.publishWindow(syntheticWindow('pi-a', 0, 2));
  await pb.publishWindow(syntheticWindow('esp-kitchen', 60, 3));
  await pb.publishStatus({ sensorId: 'esp-kitchen', scanning: true, at: 61 });
  await pa.drained(1000);
  await pb.drained(1000);
  assert.deepEqual(windows.sort(), ['esp-kitchen@60', 'pi-a@0']);
  assert.deepEqual(
    statuses.map((s) => [s.sensorId, s.online, s.scanning]),
    [['esp-kitchen', true, true]],
  );
  const counters = combined.counters;
  assert.equal(counters.windows, a.subscriber.counters.windows + b.subscriber.counters.windows);
  assert.equal(counters.windows, 2);
  assert.equal(counters.statuses, 1);
  assert.equal(counters.connects, a.subscriber.counters.connects + b.subscriber.counters.connects);

  // Unregistered, a handler hears nothing more from either part.
  offWindow();
  await pa.publishWindow(syntheticWindow('pi-a', 120, 1));
  await pa.drained(1000);
  assert.equal(windows.length, 2);
  await pa.stop();
  await pb.stop();
  await combined.stop();
});

test('one part is used as it is; none is refused', () => {
  const a = new InProcessTransport();
  assert.equal(combineSubscribers([a.subscriber]), a.subscriber);
  assert.ok(
    combineSubscribers([a.subscriber, new InProcessTransport().subscriber]) instanceof CombinedSubscriber,
  );
  assert.throws(() => new CombinedSubscriber([]), /at least one part/);
});
