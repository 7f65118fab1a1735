import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Observation, WindowSummary } from '../../../src/core/model.ts';
import {
  windowObservations,
  windowObservationsCounted,
  windowsFromSummaries,
} from '../../../src/core/positioning/readings.ts';

const obs = (
  t: number,
  sensorId: string,
  rssi: number | undefined,
  mac = '02:00:00:00:00:01',
): Observation => ({
  t,
  sensorId,
  medium: 'wifi',
  mac,
  frameType: 'probe-req',
  channel: 1,
  ...(rssi === undefined ? {} : { rssi }),
});

describe('windowObservations', () => {
  it('groups per device and clock-aligned window, with median, mean and upper quartile per sensor', () => {
    const w = windowObservations(
      [
        obs(100.1, 's1', -70),
        obs(100.5, 's1', -60),
        obs(101.9, 's1', -80),
        obs(100.2, 's2', -50),
        obs(102.0, 's1', -40),
        obs(101, 's1', undefined),
      ],
      { windowSeconds: 2 },
    );
    assert.equal(w.length, 2);
    assert.deepEqual([w[0]!.start, w[0]!.end, w[0]!.t], [100, 102, 101]);
    const s1 = w[0]!.readings.find((r) => r.sensorId === 's1')!;
    assert.equal(s1.rssi, -70);
    assert.equal(s1.mean, -70);
    assert.equal(s1.upper, -65);
    assert.equal(s1.count, 3);
    assert.equal(s1.freqMhz, 2412);
    assert.deepEqual(
      w[0]!.readings.map((r) => r.sensorId),
      ['s1', 's2'],
    );
    assert.equal(w[1]!.start, 102);
  });

  it('keeps devices apart and sorted', () => {
    const w = windowObservations([
      obs(5, 's1', -60, 'bb:00:00:00:00:00'),
      obs(5, 's1', -60, 'aa:00:00:00:00:00'),
      obs(1, 's1', -60, 'bb:00:00:00:00:00'),
    ]);
    assert.deepEqual(
      w.map((x) => [x.device, x.start]),
      [
        ['aa:00:00:00:00:00', 4],
        ['bb:00:00:00:00:00', 0],
        ['bb:00:00:00:00:00', 4],
      ],
    );
  });
});

describe('windowsFromSummaries', () => {
  it("turns the hub's per-sensor summaries into per-device windows (mean RSSI)", () => {
    const summary = (sensorId: string, mean: number): WindowSummary => ({
      schema: 1,
      sensorId,
      windowStart: 60,
      windowEnd: 120,
      frames: 3,
      framesWithRssi: 3,
      devices: [
        {
          deviceId: 'abc123',
          medium: 'wifi',
          randomized: true,
          vendor: null,
          frames: 3,
          rssi: { count: 3, mean, std: 1, min: mean - 1, max: mean + 1 },
          ssids: [],
          frameTypes: { 'probe-req': 3 },
          ieFingerprints: [],
          channels: [6],
          firstSeen: 61,
          lastSeen: 100,
        },
        {
          deviceId: 'silent',
          medium: 'ble',
          randomized: false,
          vendor: null,
          frames: 1,
          rssi: null,
          ssids: [],
          frameTypes: {},
          ieFingerprints: [],
          channels: [],
          firstSeen: 61,
          lastSeen: 61,
        },
      ],
    });
    const w = windowsFromSummaries([summary('s2', -70), summary('s1', -60)]);
    assert.equal(w.length, 1);
    assert.equal(w[0]!.device, 'abc123');
    assert.equal(w[0]!.t, 90);
    assert.deepEqual(
      w[0]!.readings.map((r) => [r.sensorId, r.rssi, r.freqMhz]),
      [
        ['s1', -60, 2437],
        ['s2', -70, 2437],
      ],
    );
  });
});

describe('readings that cannot be', () => {
  it('0 dBm and up is no reading: skipped, and counted apart from readings without an RSSI', () => {
    const { windows, skipped } = windowObservationsCounted([
      obs(0.1, 's1', -60),
      obs(0.2, 's1', 17),
      obs(0.3, 's1', 0),
      obs(0.4, 's2', undefined),
      obs(0.5, 's2', -70),
      obs(0.6, 's3', NaN),
    ]);
    assert.deepEqual(skipped, { noRssi: 2, nonNegativeRssi: 2 });
    assert.equal(windows.length, 1);
    assert.deepEqual(
      windows[0]!.readings.map((r) => [r.sensorId, r.rssi, r.count]),
      [
        ['s1', -60, 1],
        ['s2', -70, 1],
      ],
    );
    assert.deepEqual(windowObservations([obs(0.2, 's1', 17)]), []);
  });
});
