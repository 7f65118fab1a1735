import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceWindow, WindowSummary } from '../../../src/core/model.ts';
import { headcountAndZoneContract } from './headcountZoneContract.ts';
import { rollupContract, type OpenStore } from './rollupContract.ts';

/** One suite, every Store implementation (as MQTT.js tests its stores); rollups, headcounts and zones have their own files. */
export function storeContract(name: string, open: OpenStore): void {
  rollupContract(name, open);
  headcountAndZoneContract(name, open);

  const device = (id: string, rssis: number[], extra: Partial<DeviceWindow> = {}): DeviceWindow => {
    const mean = rssis.reduce((a, b) => a + b, 0) / rssis.length;
    return {
      deviceId: id,
      medium: 'wifi',
      randomized: false,
      vendor: 'Acme',
      frames: rssis.length,
      rssi: {
        count: rssis.length,
        mean,
        std: Math.sqrt(rssis.reduce((a, r) => a + (r - mean) ** 2, 0) / rssis.length),
        min: Math.min(...rssis),
        max: Math.max(...rssis),
      },
      ssids: [],
      frameTypes: { 'probe-req': rssis.length },
      ieFingerprints: [],
      channels: [6],
      firstSeen: 0,
      lastSeen: 0,
      ...extra,
    };
  };
  const window = (sensorId: string, start: number, devices: DeviceWindow[]): WindowSummary => ({
    schema: 1,
    sensorId,
    windowStart: start,
    windowEnd: start + 60,
    frames: devices.reduce((a, d) => a + d.frames, 0),
    framesWithRssi: devices.reduce((a, d) => a + (d.rssi?.count ?? 0), 0),
    devices: devices.map((d) => ({ ...d, firstSeen: start + 1, lastSeen: start + 50 })),
  });

  test(`${name}: minutes spent count the windows a device was seen in`, async () => {
    const store = await open();
    try {
      await store.writeWindow([window('s1', 60, [device('a', [-60, -62]), device('b', [-80])])]);
      await store.writeWindow([window('s1', 120, [device('a', [-64])])]);
      await store.writeWindow([window('s1', 180, [device('a', [-66], { ssids: ['home'] })])]);
      const { total, rows } = await store.devices({ medium: 'wifi', sort: 'minutesSpent' });
      assert.equal(total, 2);
      const a = rows[0]!;
      assert.equal(a.deviceId, 'a');
      assert.equal(a.minutesSpent, 3);
      assert.equal(a.windowsSeen, 3);
      assert.equal(a.rssiCount, 4);
      assert.ok(Math.abs(a.rssiMean! - -63) < 1e-9);
      assert.ok(Math.abs(a.rssiStd! - Math.sqrt(5)) < 1e-9); // population std of -60,-62,-64,-66
      assert.deepEqual(a.ssids, ['home']);
      assert.equal(a.firstSeen, 61);
      assert.equal(a.lastSeen, 230);
      assert.equal(rows[1]!.minutesSpent, 1);
      const windows = await store.windows(0, 1e9);
      assert.deepEqual(
        windows.map((w) => [w.windowStart, w.wifiDevices]),
        [
          [60, 2],
          [120, 1],
          [180, 1],
        ],
      );
      const totals = await store.totals();
      assert.equal(totals.wifiDevices, 2);
      assert.equal(totals.windows, 3);
      assert.equal(totals.averageMinutesSpent, 2);
    } finally {
      await store.close();
    }
  });

  test(`${name}: a redelivered sensor window changes nothing`, async () => {
    const store = await open();
    try {
      const w = window('s1', 60, [device('a', [-60])]);
      const first = await store.writeWindow([w]);
      assert.deepEqual([first.stored, first.duplicates], [1, 0]);
      assert.equal(first.window?.wifiDevices, 1);
      assert.deepEqual(await store.writeWindow([w]), { stored: 0, duplicates: 1 });
      const { rows } = await store.devices({ medium: 'wifi' });
      assert.equal(rows[0]!.minutesSpent, 1);
      assert.equal(rows[0]!.rssiCount, 1);
      assert.equal((await store.sightings(60)).length, 1);
    } finally {
      await store.close();
    }
  });

  test(`${name}: several sensors in one window count a device once, even when one arrives late`, async () => {
    const store = await open();
    try {
      await store.writeWindow([window('s1', 60, [device('a', [-60]), device('b', [-70])])]);
      const late = await store.writeWindow([window('s2', 60, [device('a', [-80]), device('c', [-75])])]);
      const w = (await store.windows(0, 1e9))[0]!;
      assert.deepEqual(late.window, w, 'a write returns the row as it left it');
      assert.equal(w.wifiDevices, 3);
      assert.equal(w.sensors, 2);
      assert.equal(w.frames, 4);
      const a = (await store.devices({ medium: 'wifi', search: 'a' })).rows.find((r) => r.deviceId === 'a')!;
      assert.equal(a.minutesSpent, 1);
      assert.equal(a.rssiCount, 2);
      assert.equal(a.rssiMean, -70);
      assert.equal((await store.sightings(60)).length, 4);
    } finally {
      await store.close();
    }
  });

  test(`${name}: Wi-Fi and Bluetooth go to their own tables; "both" counts ids heard on both`, async () => {
    const store = await open();
    try {
      await store.writeWindow([
        window('s1', 60, [
          device('a', [-60]),
          device('a', [-50], { medium: 'ble', name: 'Watch' }),
          device('z', [-70], { medium: 'ble' }),
        ]),
      ]);
      const w = (await store.windows(0, 1e9))[0]!;
      assert.equal(w.wifiDevices, 1);
      assert.equal(w.bluetoothDevices, 2);
      assert.equal(w.bothDevices, 1);
      const ble = await store.devices({ medium: 'ble', sort: 'deviceId', descending: false });
      assert.deepEqual(
        ble.rows.map((r) => [r.deviceId, r.ssids]),
        [
          ['a', ['Watch']],
          ['z', []],
        ],
      );
    } finally {
      await store.close();
    }
  });

  test(`${name}: reset sets minutes to zero and keeps everything else`, async () => {
    const store = await open();
    try {
      await store.writeWindow([window('s1', 60, [device('a', [-60])])]);
      await store.writeWindow([window('s1', 120, [device('a', [-60])])]);
      await store.resetMinutes();
      const { rows } = await store.devices({ medium: 'wifi' });
      assert.equal(rows[0]!.minutesSpent, 0);
      assert.equal(rows[0]!.windowsSeen, 2);
      assert.equal((await store.windows(0, 1e9)).length, 2);
      await store.writeWindow([window('s1', 180, [device('a', [-60])])]);
      assert.equal((await store.devices({ medium: 'wifi' })).rows[0]!.minutesSpent, 1);
    } finally {
      await store.close();
    }
  });

  test(`${name}: search, sort and paging of the device table; search text is not a pattern`, async () => {
    const store = await open();
    try {
      const devices = Array.from({ length: 25 }, (_, i) =>
        device(`dev${String(i).padStart(2, '0')}`, [-40 - i], {
          vendor: i % 2 ? 'Apple, Inc.' : 'Samsung',
          ssids: i === 3 ? ['100%_free'] : [],
        }),
      );
      await store.writeWindow([window('s1', 60, devices)]);
      const page = await store.devices({
        medium: 'wifi',
        sort: 'rssiMean',
        descending: true,
        limit: 10,
        offset: 10,
      });
      assert.equal(page.total, 25);
      assert.deepEqual(page.rows.map((r) => r.deviceId)[0], 'dev10');
      assert.equal(page.rows.length, 10);
      assert.equal((await store.devices({ medium: 'wifi', search: 'apple' })).total, 12);
      assert.equal((await store.devices({ medium: 'wifi', search: '100%_' })).total, 1);
      assert.equal((await store.devices({ medium: 'wifi', search: '%' })).total, 1);
    } finally {
      await store.close();
    }
  });

  test(`${name}: retention drops windows, sightings and claims before t and keeps the device totals`, async () => {
    const store = await open();
    try {
      for (const start of [60, 120, 180])
        await store.writeWindow([window('s1', start, [device('a', [-60])])]);
      await store.writeWindow([window('s2', 120, [device('a', [-70]), device('b', [-75])])]);
      assert.deepEqual(await store.deleteOlderThan(180), { windows: 2, sightings: 4 });
      assert.deepEqual(
        (await store.windows(0, 1e9)).map((w) => w.windowStart),
        [180],
      );
      assert.deepEqual(await store.sightings(120), []);
      assert.equal((await store.sightings(180)).length, 1);
      const { rows } = await store.devices({ medium: 'wifi', sort: 'deviceId', descending: false });
      assert.deepEqual(
        rows.map((r) => [r.deviceId, r.minutesSpent, r.windowsSeen]),
        [
          ['a', 3, 3],
          ['b', 1, 1],
        ],
      );
      const totals = await store.totals();
      assert.equal(totals.windows, 3, 'windows ever stored: the rollups keep counting them');
      assert.equal(totals.firstWindow, 180, 'the first window still kept');
      // Claims at or after t stay: a redelivery there is still recognised.
      assert.deepEqual(await store.writeWindow([window('s1', 180, [device('a', [-60])])]), {
        stored: 0,
        duplicates: 1,
      });
      assert.deepEqual(await store.deleteOlderThan(180), { windows: 0, sightings: 0 });
    } finally {
      await store.close();
    }
  });

  test(`${name}: one call with a sensor twice stores it once; parts of different starts are refused`, async () => {
    const store = await open();
    try {
      const w = window('s1', 60, [device('a', [-60])]);
      const both = await store.writeWindow([w, w, window('s2', 60, [device('a', [-62])])]);
      assert.deepEqual([both.stored, both.duplicates, both.window?.sensors], [2, 1, 2]);
      assert.equal((await store.devices({ medium: 'wifi' })).rows[0]!.windowsSeen, 1);
      // A batch mixing a redelivery with a new sensor window stores the new one only.
      const late = window('s3', 60, [device('a', [-64]), device('b', [-80])]);
      const mixed = await store.writeWindow([w, late]);
      assert.deepEqual([mixed.stored, mixed.duplicates, mixed.window?.wifiDevices], [1, 1, 2]);
      const rows = (await store.devices({ medium: 'wifi', sort: 'deviceId', descending: false })).rows;
      assert.deepEqual(
        rows.map((r) => [r.deviceId, r.windowsSeen, r.rssiCount]),
        [
          ['a', 1, 3],
          ['b', 1, 1],
        ],
      );
      assert.equal((await store.windows(0, 1e9))[0]!.sensors, 3);
      await assert.rejects(store.writeWindow([w, window('s1', 120, [])]), RangeError);
      assert.deepEqual(await store.writeWindow([]), { stored: 0, duplicates: 0 });
    } finally {
      await store.close();
    }
  });

  test(`${name}: text survives unchanged: quotes, backslashes, emoji and escapes in SSIDs and names`, async () => {
    const store = await open();
    try {
      const ssids = ['café "free"', 'back\\slash', '\\x00\\xff', 'Ünïcødé 📶', "it's"];
      await store.writeWindow([
        window('s1', 60, [
          device('a', [-60], { ssids }),
          device('n', [-60], { medium: 'ble', name: '<b>&' }),
        ]),
      ]);
      assert.deepEqual((await store.devices({ medium: 'wifi' })).rows[0]!.ssids, ssids);
      assert.deepEqual((await store.devices({ medium: 'ble' })).rows[0]!.ssids, ['<b>&']);
      assert.equal((await store.devices({ medium: 'wifi', search: 'ÜNï' })).total, 1);
      assert.equal(await store.latestWindow().then((w) => w?.windowStart), 60);
    } finally {
      await store.close();
    }
  });

  test(`${name}: the window row is the same whether its sensors arrive together, one by one or in any order`, async () => {
    let seed = 11;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const parts: WindowSummary[] = [];
    for (let s = 0; s < 5; s++) {
      const devices = new Map<string, DeviceWindow>();
      for (let k = 0; k < 12; k++) {
        const id = `d${Math.floor(random() * 15)}`;
        const medium = random() < 0.4 ? 'ble' : 'wifi';
        devices.set(`${medium} ${id}`, device(id, [-50 - k], { medium, randomized: random() < 0.3 }));
      }
      parts.push(window(`s${s}`, 60, [...devices.values()]));
    }
    const together = await open();
    const apart = await open();
    const reversed = await open();
    try {
      await together.writeWindow(parts);
      for (const p of parts) await apart.writeWindow([p]);
      await reversed.writeWindow(parts.slice(3).reverse());
      await reversed.writeWindow(parts.slice(0, 3));
      const expected = (await together.windows(0, 1e9))[0]!;
      assert.ok(
        expected.bothDevices > 0 && expected.randomizedDevices > 0,
        'the case covers both and randomized',
      );
      assert.deepEqual((await apart.windows(0, 1e9))[0], expected);
      assert.deepEqual((await reversed.windows(0, 1e9))[0], expected);
    } finally {
      await Promise.all([together.close(), apart.close(), reversed.close()]);
    }
  });

  test(`${name}: people estimates join their windows and are replaced when revised`, async () => {
    const store = await open();
    try {
      await store.writeWindow([window('s1', 60, [device('a', [-60])])]);
      await store.writeWindow([window('s1', 120, [device('a', [-60])])]);
      assert.equal((await store.latestWindow())?.people, null);
      const people = (start: number, estimate: number, final: boolean) => ({
        windowStart: start,
        windowEnd: start + 60,
        devices: 3,
        randomizedDevices: 1,
        estimate,
        low: estimate - 1,
        high: estimate + 1.5,
        final,
      });
      await store.writeEstimates([people(60, 2.5, false), people(120, 3, false)]);
      await store.writeEstimates([people(60, 2.25, true)]);
      const rows = await store.windows(0, 1e9);
      assert.deepEqual(
        rows.map((w) => w.people),
        [people(60, 2.25, true), people(120, 3, false)],
      );
      assert.deepEqual((await store.latestWindow())?.people, people(120, 3, false));
      await store.deleteOlderThan(100);
      assert.equal((await store.windows(0, 1e9)).length, 1);
    } finally {
      await store.close();
    }
  });

  test(`${name}: positions are kept per device and time, replaced on a repeat, read by range`, async () => {
    const store = await open();
    try {
      const fix = (deviceId: string, t: number, x: number) => ({
        deviceId,
        medium: 'ble' as const,
        t,
        x,
        y: 2.5,
        uncertainty: 0.75,
        sensors: 4,
        method: 'wnls+kalman' as const,
      });
      await store.writePositions([fix('a', 101, 1), fix('b', 101, 2), fix('a', 103, 3)]);
      await store.writePositions([fix('a', 103, 4)]);
      assert.deepEqual(await store.positions(100, 104), [
        fix('a', 101, 1),
        fix('b', 101, 2),
        fix('a', 103, 4),
      ]);
      assert.deepEqual(await store.positions(102, 200), [fix('a', 103, 4)]);
      assert.equal((await store.positions(0, 200, 1)).length, 1);
      await store.deleteOlderThan(102);
      assert.deepEqual(await store.positions(0, 200), [fix('a', 103, 4)]);
    } finally {
      await store.close();
    }
  });

  test(`${name}: frame counts past 32 bits add up exactly`, async () => {
    const store = await open();
    try {
      const big = 2 ** 31 - 1;
      for (const sensor of ['s1', 's2', 's3'])
        await store.writeWindow([
          { ...window(sensor, 60, [device(sensor, [-60])]), frames: big, framesWithRssi: big },
        ]);
      const [w] = await store.windows(0, 1e9);
      assert.equal(w!.frames, 3 * big);
      assert.equal(typeof w!.frames, 'number');
    } finally {
      await store.close();
    }
  });

  test(`${name}: a window that cannot be stored is set aside as a dead letter`, async () => {
    const store = await open();
    try {
      const w = window('s1', 60, [device('a', [-60])]);
      await store.writeDeadLetter({
        at: 1000,
        sensorId: 's1',
        windowStart: 60,
        reason: 'value out of range',
        payload: JSON.stringify(w),
      });
      const letters = await store.deadLetters();
      assert.equal(letters.length, 1);
      assert.deepEqual(JSON.parse(letters[0]!.payload), w);
      assert.equal(letters[0]!.reason, 'value out of range');
      assert.equal((await store.totals()).windows, 0, 'a dead letter is not a stored window');
      assert.equal(store.isPermanentWriteError(new RangeError('too big')), true);
      assert.equal(
        store.isPermanentWriteError(
          Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        ),
        false,
      );
    } finally {
      await store.close();
    }
  });
}
