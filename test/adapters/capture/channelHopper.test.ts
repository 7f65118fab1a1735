import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChannelHopper } from '../../../src/adapters/capture/channelHopper.ts';

test('hops over the channel plan with iw, one dwell per channel, and stops', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const calls: string[] = [];
  const hopper = new ChannelHopper({
    interface: 'mon0',
    channels: [1, 6, 11],
    dwellMs: 250,
    run: async (command, args) => {
      calls.push(`${command} ${args.join(' ')}`);
    },
  });
  hopper.start();
  await Promise.resolve();
  for (let i = 0; i < 3; i++) {
    t.mock.timers.tick(250);
    await Promise.resolve();
  }
  hopper.stop();
  t.mock.timers.tick(10_000);
  await Promise.resolve();
  assert.deepEqual(calls, [
    'iw dev mon0 set channel 1',
    'iw dev mon0 set channel 6',
    'iw dev mon0 set channel 11',
    'iw dev mon0 set channel 1',
  ]);
});

test('an iw failure is reported and hopping goes on', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const errors: string[] = [];
  let calls = 0;
  const hopper = new ChannelHopper({
    interface: 'mon0',
    channels: [1, 6],
    dwellMs: 100,
    run: async () => {
      calls++;
      if (calls === 1) throw new Error('iw: Device or resource busy');
    },
    onError: (e) => errors.push(e.message),
  });
  hopper.start();
  await Promise.resolve();
  await Promise.resolve();
  t.mock.timers.tick(100);
  await Promise.resolve();
  hopper.stop();
  assert.deepEqual(errors, ['iw: Device or resource busy']);
  assert.equal(calls, 2);
});
