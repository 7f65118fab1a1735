import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessTransport } from '../../../src/adapters/transport/inProcessTransport.ts';
import { ManualClock } from '../../helpers/manualClock.ts';
import { syntheticWindow } from './realWindows.ts';
import { transportContract } from './transportContract.ts';

transportContract('in-process', async () => {
  const transport = new InProcessTransport();
  return {
    publisher: (sensorId) => transport.publisher(sensorId),
    subscriber: () => transport.subscriber,
    close: async () => {},
  };
});

test('in-process: a window whose handler fails stays with the sensor and is offered again', async () => {
  const clock = new ManualClock();
  const transport = new InProcessTransport(clock);
  const stored: number[] = [];
  let failing = true;
  transport.subscriber.onWindow(async (w) => {
    if (failing) throw new Error('database is away');
    stored.push(w.windowStart);
  });
  const sensor = transport.publisher('pi');
  await transport.subscriber.start();
  await sensor.start();
  await sensor.publishWindow(syntheticWindow('pi', 0, 3));
  await sensor.publishWindow(syntheticWindow('pi', 60, 3));
  await clock.advanceByAsync(0.01, 0.01);
  assert.deepEqual(stored, []);
  assert.equal(sensor.counters.outboxDepth, 2);
  assert.equal(sensor.counters.acknowledged, 0);
  assert.ok(transport.subscriber.counters.handlerFailures >= 2);
  failing = false;
  await clock.advanceByAsync(1, 0.1);
  await sensor.drained(10);
  assert.deepEqual(
    stored.sort((a, b) => a - b),
    [0, 60],
  );
  assert.equal(sensor.counters.acknowledged, 2);
  assert.equal(sensor.counters.outboxDepth, 0);
});

test('in-process: windows published before the hub listens wait for it', async () => {
  const transport = new InProcessTransport();
  const got: number[] = [];
  transport.subscriber.onWindow((w) => {
    got.push(w.windowStart);
  });
  const sensor = transport.publisher('pi');
  await sensor.start();
  await sensor.publishWindow(syntheticWindow('pi', 0, 2));
  assert.equal(sensor.counters.outboxDepth, 1);
  await transport.subscriber.start();
  await sensor.drained(1000);
  assert.deepEqual(got, [0]);
});
