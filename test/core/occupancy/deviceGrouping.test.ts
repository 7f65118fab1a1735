import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_GROUPING } from '../../../src/core/occupancy/countingParams.ts';
import { DeviceGrouper, groupDevices } from '../../../src/core/occupancy/deviceGrouping.ts';
import type { Sighting } from '../../../src/core/occupancy/sighting.ts';

let counter = 0;

/** A sighting of a fresh (rotating) address unless `deviceId` is given. */
function sighting(t: number, fields: Partial<Sighting> = {}): Sighting {
  return {
    sensorId: 's1',
    deviceId: `mac-${counter++}`,
    medium: 'wifi',
    randomized: true,
    firstSeen: t,
    lastSeen: t + 0.05,
    frames: 2,
    rssiMax: -60,
    fingerprints: ['fpA'],
    ssids: [],
    seqFirst: undefined,
    seqLast: undefined,
    infrastructure: false,
    vendor: null,
    name: undefined,
    addressType: undefined,
    ...fields,
  };
}

const group = (sightings: Sighting[], ignore?: Set<string>) =>
  groupDevices(sightings, DEFAULT_GROUPING, ignore);

test('rotating addresses with one fingerprint are one device while it stays around', () => {
  const burst = [0, 20, 45, 70, 200, 400].map((t) => sighting(t, { rssiMax: -50 - (t % 7) }));
  const groups = group(burst);
  assert.equal(groups.length, 1);
  assert.equal(groups[0]!.members.size, 6);
  assert.equal(groups[0]!.randomized, true);
});

test('a device silent for longer than the link gap comes back as a new device', () => {
  const gap = DEFAULT_GROUPING.linkGapSeconds;
  const groups = group([sighting(0), sighting(60), sighting(60 + gap + 1)]);
  assert.equal(groups.length, 2);
});

test('different fingerprints are different devices', () => {
  // (At equal RSSI with nothing else around, fpB could be fpA's other probe format: see below.)
  const b = { fingerprints: ['fpB'], rssiMax: -75 };
  const groups = group([sighting(0), sighting(5, b), sighting(10), sighting(12, b)]);
  assert.equal(groups.length, 2);
  assert.deepEqual(
    groups.map((g) => g.members.size),
    [2, 2],
  );
});

test('a stable address is a device by itself and takes no rotating addresses', () => {
  const stable = { deviceId: 'laptop', randomized: false, lastSeen: 30 };
  const groups = group([
    sighting(0, { ...stable, firstSeen: 0 }),
    sighting(40),
    sighting(100, { ...stable, firstSeen: 100, lastSeen: 130 }),
  ]);
  assert.equal(groups.length, 2);
  const laptop = groups.find((g) => g.members.has('laptop'))!;
  assert.equal(laptop.randomized, false);
  assert.equal(laptop.members.size, 1);
  assert.equal(laptop.sightings.length, 2);
});

test('a brief address without the LA bit may still be a rotating one (re-randomized datasets)', () => {
  const groups = group([sighting(0), sighting(15, { randomized: false }), sighting(30)]);
  assert.equal(groups.length, 1);
  assert.equal(groups[0]!.randomized, true);
});

test('a brief non-LA address that stays makes its device non-randomized', () => {
  const groups = group([
    sighting(0, { deviceId: 'x', randomized: false }),
    sighting(200, { deviceId: 'x', randomized: false, lastSeen: 260 }),
  ]);
  assert.equal(groups.length, 1);
  assert.equal(groups[0]!.randomized, false);
});

test('sequence numbers pick the device an address continues', () => {
  // Two devices of one model, far apart in RSSI terms but the new address is ambiguous by RSSI.
  const a1 = sighting(0, { rssiMax: -60, seqFirst: 100, seqLast: 102 });
  const b1 = sighting(1, { rssiMax: -60, seqFirst: 3000, seqLast: 3001, fingerprints: ['fpA'] });
  // b1 joined a1's device (one fingerprint, no evidence against): sequence numbers now decide.
  const next = sighting(20, { rssiMax: -60, seqFirst: 3020, seqLast: 3022 });
  const groups = group([a1, b1, next]);
  assert.equal(groups.length, 1);
  assert.equal(groups[0]!.members.size, 3);
});

test('a device that keeps its sequence counter does not take an address that breaks it', () => {
  const chain = [0, 10, 20].map((t, i) => sighting(t, { seqFirst: 100 + i * 20, seqLast: 102 + i * 20 }));
  // Same fingerprint, 10 s later, sequence numbers far away: another phone of the same model.
  const other = sighting(30, { seqFirst: 2500, seqLast: 2502 });
  const groups = group([...chain, other]);
  assert.equal(groups.length, 2);
  assert.equal(groups[0]!.members.size, 3);
  // And the chain goes on in its own device.
  const grouper = new DeviceGrouper(DEFAULT_GROUPING);
  for (const s of [...chain, other]) grouper.add(s);
  const continued = grouper.add(sighting(40, { seqFirst: 170, seqLast: 171 }))!;
  assert.equal(continued.id, groups[0]!.id);
});

test('a new fingerprint joins the only device around when its RSSI matches', () => {
  const groups = group([
    sighting(0, { rssiMax: -15 }),
    sighting(30, { rssiMax: -15 }),
    sighting(50, { rssiMax: -14, fingerprints: ['fpAlt'] }),
    sighting(80, { rssiMax: -15, fingerprints: ['fpAlt'] }),
  ]);
  assert.equal(groups.length, 1);
  assert.deepEqual([...groups[0]!.fingerprints].sort(), ['fpA', 'fpAlt']);
});

test('... but not when another device is around, nor when the RSSI differs', () => {
  const crowded = group([
    sighting(0, { rssiMax: -15 }),
    sighting(10, { rssiMax: -40, fingerprints: ['fpB'] }),
    sighting(20, { rssiMax: -15, fingerprints: ['fpAlt'] }),
  ]);
  assert.equal(crowded.length, 3);
  const far = group([sighting(0, { rssiMax: -55 }), sighting(20, { rssiMax: -75, fingerprints: ['fpAlt'] })]);
  assert.equal(far.length, 2);
});

test('a new fingerprint probing for the same networks joins that device', () => {
  const ssids = ['home', 'office', 'cafe'];
  const groups = group([
    sighting(0, { ssids }),
    sighting(5, { fingerprints: ['other'], rssiMax: -80 }),
    sighting(10, { fingerprints: ['fpAlt'], ssids: ['cafe', 'home', 'office'] }),
  ]);
  assert.equal(groups.length, 2);
  assert.ok(groups.some((g) => g.fingerprints.has('fpA') && g.fingerprints.has('fpAlt')));
});

test('ignored addresses and access points are no devices', () => {
  const groups = group(
    [sighting(0, { deviceId: 'printer' }), sighting(1, { infrastructure: true }), sighting(2)],
    new Set(['printer']),
  );
  assert.equal(groups.length, 1);
});

test('BLE private addresses rotate into the same device; public ones stay apart', () => {
  const ble = (t: number, fields: Partial<Sighting> = {}) =>
    sighting(t, {
      medium: 'ble',
      fingerprints: [],
      addressType: 'resolvable-private',
      vendor: 'Apple, Inc.',
      lastSeen: t + 50,
      ...fields,
    });
  const groups = group([
    ble(0),
    ble(70), // previous address stopped at 50: a rotation
    ble(75, { vendor: 'Google' }), // other company: another device
    ble(200, { randomized: false, addressType: 'public', deviceId: 'speaker' }),
  ]);
  assert.equal(groups.length, 3);
  assert.equal(groups[0]!.members.size, 2);
});

test('a rotated BLE address that overlaps the previous one is another device', () => {
  const ble = (t: number) =>
    sighting(t, {
      medium: 'ble',
      fingerprints: [],
      addressType: 'resolvable-private',
      vendor: 'Apple, Inc.',
      lastSeen: t + 50,
    });
  assert.equal(group([ble(0), ble(20)]).length, 2);
});

test('a known rotating address back after a long silence brings its device back', () => {
  const gap = DEFAULT_GROUPING.linkGapSeconds;
  const groups = group([
    sighting(0, { deviceId: 'per-network' }),
    sighting(gap + 100, { deviceId: 'per-network' }),
    sighting(gap + 130), // a new address with the same fingerprint joins the device that is back
  ]);
  assert.equal(groups.length, 1);
  assert.equal(groups[0]!.members.size, 2);
});

test('an address back after more than memorySeconds starts a new device: nothing older shapes grouping', () => {
  const memory = DEFAULT_GROUPING.memorySeconds;
  const groups = group([
    sighting(0, { deviceId: 'per-network', ssids: ['home', 'work', 'gym'] }),
    sighting(memory + 100, { deviceId: 'per-network' }),
    sighting(memory + 130, { deviceId: 'rotated' }), // same fingerprint: joins the device around now
  ]);
  assert.equal(groups.length, 2);
  assert.equal(groups[0]!.members.size, 1);
  assert.deepEqual([...groups[1]!.members].sort(), ['per-network', 'rotated']);
  // The old device's networks stay with the old device.
  assert.equal(groups[1]!.ssids.size, 0);
});
