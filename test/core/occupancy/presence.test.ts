import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PRESENCE, type PresenceParams } from '../../../src/core/occupancy/countingParams.ts';
import type { DeviceGroup } from '../../../src/core/occupancy/deviceGrouping.ts';
import {
  mergeSpans,
  presenceOf,
  quietStretches,
  windowPresence,
} from '../../../src/core/occupancy/presence.ts';
import type { Sighting } from '../../../src/core/occupancy/sighting.ts';

const params: PresenceParams = { ...DEFAULT_PRESENCE, holdSeconds: 300, padSeconds: 30, presenceRssi: -70 };

function deviceGroup(
  points: [t: number, rssi: number | undefined, sensor?: string][],
  randomized = true,
  id = 0,
): DeviceGroup {
  const sightings: Sighting[] = points.map(([t, rssi, sensor]) => ({
    sensorId: sensor ?? 's1',
    deviceId: 'd',
    medium: 'wifi',
    randomized,
    firstSeen: t,
    lastSeen: t,
    frames: 1,
    rssiMax: rssi,
    fingerprints: [],
    ssids: [],
    seqFirst: undefined,
    seqLast: undefined,
    infrastructure: false,
    vendor: null,
    name: undefined,
    addressType: undefined,
  }));
  return {
    id,
    medium: 'wifi',
    members: new Set(['d']),
    randomized,
    fingerprints: new Set(),
    ssids: new Set(),
    firstSeen: points[0]![0],
    lastSeen: points.at(-1)![0],
    sightings,
  };
}

test('sightings less than the hold apart are one stay, padded on both sides', () => {
  const p = presenceOf(
    deviceGroup([
      [1000, -60],
      [1200, -60],
      [1600, -60],
    ]),
    [-70],
    params,
  );
  assert.deepEqual(p.stays[0], [
    { start: 970, end: 1230 },
    { start: 1570, end: 1630 },
  ]);
  assert.equal(p.stationary, false);
});

test('each level keeps only the sightings at or above it', () => {
  const p = presenceOf(
    deviceGroup([
      [0, -50],
      [100, -80],
      [200, -50],
    ]),
    [-60, -90],
    params,
  );
  assert.deepEqual(p.stays[0], [{ start: -30, end: 230 }]);
  assert.deepEqual(p.stays[1], [{ start: -30, end: 230 }]);
  const weak = presenceOf(deviceGroup([[0, -85]]), [-60, -90], params);
  assert.deepEqual(weak.stays[0], []);
  assert.equal(weak.stays[1]!.length, 1);
});

test('a sensor offset moves its readings onto the common scale', () => {
  const shifted = { ...params, sensorOffsetsDb: { quiet: 15 } };
  const p = presenceOf(deviceGroup([[0, -80, 'quiet']]), [-70], shifted);
  assert.equal(p.stays[0]!.length, 1);
});

test('a device present for longer than stationarySeconds is fixed equipment', () => {
  const points: [number, number][] = [];
  for (let t = 0; t <= 7 * 3600; t += 120) points.push([t, -40]);
  const p = presenceOf(deviceGroup(points, false), [-70], { ...params, stationarySeconds: 6 * 3600 });
  assert.equal(p.stationary, true);
  const [w] = windowPresence([p], [{ start: 3600, end: 4200 }], [{ start: 0, end: 8 * 3600 }], 1);
  assert.equal(w!.devices, 0);
  assert.equal(w!.wifi[0], 0);
});

test('window features are the time-weighted number of devices over the covered part', () => {
  const a = presenceOf(
    deviceGroup([
      [100, -60],
      [350, -60],
    ]),
    [-70],
    params,
  ); // stay 70..380
  const b = presenceOf(deviceGroup([[650, -60]]), [-70], params); // stay 620..680
  const windows = [
    { start: 0, end: 600 },
    { start: 600, end: 1200 },
  ];
  const [w1, w2] = windowPresence([a, b], windows, [{ start: 0, end: 1200 }], 1);
  assert.ok(Math.abs(w1!.wifi[0]! - 310 / 600) < 1e-9);
  assert.ok(Math.abs(w2!.wifi[0]! - 60 / 600) < 1e-9);
  assert.equal(w1!.devices, 1);
  assert.equal(w2!.devices, 1);
  assert.equal(w2!.randomizedDevices, 1);
  // Only half of the second window has data: the mean is over that half.
  const [, half] = windowPresence([a, b], windows, [{ start: 0, end: 900 }], 1);
  assert.equal(half!.covered, 300);
  assert.ok(Math.abs(half!.wifi[0]! - 60 / 300) < 1e-9);
});

test('a device with two stays in one window counts once', () => {
  const p = presenceOf(
    deviceGroup([
      [10, -60],
      [500, -60],
    ]),
    [-70],
    { ...params, holdSeconds: 100 },
  );
  const [w] = windowPresence([p], [{ start: 0, end: 600 }], [{ start: 0, end: 600 }], 1);
  assert.equal(w!.devices, 1);
});

test('spans merge into sorted disjoint ones', () => {
  assert.deepEqual(
    mergeSpans([
      { start: 5, end: 8 },
      { start: 0, end: 2 },
      { start: 1, end: 3 },
    ]),
    [
      { start: 0, end: 3 },
      { start: 5, end: 8 },
    ],
  );
});

test('a room that falls silent for quietSeconds ends every stay held across the silence', () => {
  const quietParams = { ...params, holdSeconds: 1500, quietSeconds: 240, quietMaxDevices: 0, quietRssi: -70 };
  // Two phones before a break and after it; during the break only a weak passer-by is heard.
  const a = deviceGroup(
    [
      [0, -60],
      [120, -60],
      [1080, -60],
    ],
    true,
    1,
  );
  const b = deviceGroup(
    [
      [60, -62],
      [1100, -62],
    ],
    true,
    2,
  );
  const passer = deviceGroup([[500, -85]], true, 3);
  const coverage = [{ start: 0, end: 1200 }];
  const quiet = quietStretches([a, b, passer], coverage, quietParams);
  // Minutes 3..17 (180..1020 s) have no device at quietRssi: one quiet stretch.
  assert.deepEqual(quiet, [{ start: 180, end: 1080 }]);
  const held = presenceOf(a, [-70], quietParams);
  assert.deepEqual(held.stays[0], [{ start: -30, end: 1110 }]);
  const split = presenceOf(a, [-70], quietParams, quiet);
  assert.deepEqual(split.stays[0], [
    { start: -30, end: 150 },
    { start: 1050, end: 1110 },
  ]);
  const [during] = windowPresence(
    [split, presenceOf(b, [-70], quietParams, quiet)],
    [{ start: 600, end: 660 }],
    coverage,
    1,
  );
  assert.equal(during!.devices, 0);
  // A silence shorter than quietSeconds is bridged as before.
  assert.deepEqual(quietStretches([a, b], coverage, { ...quietParams, quietSeconds: 1200 }), []);
  // Off when quietSeconds is 0.
  assert.deepEqual(quietStretches([a, b], coverage, { ...quietParams, quietSeconds: 0 }), []);
});

test('fixed equipment heard every minute does not keep an empty room from reading quiet', () => {
  const quietParams = { ...params, stationarySeconds: 1800, quietSeconds: 240, quietMaxDevices: 0 };
  const points: [number, number][] = [];
  for (let t = 0; t <= 3 * 3600; t += 60) points.push([t, -40]);
  const printer = deviceGroup(points, false, 1);
  const quiet = quietStretches([printer], [{ start: 0, end: 3 * 3600 }], quietParams);
  assert.deepEqual(quiet, [{ start: 0, end: 3 * 3600 }]);
});
