import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Observation, WindowSummary } from '../../../src/core/model.ts';
import { Windower } from '../../../src/core/window/windower.ts';
import { combineRssiStats, RssiAccumulator } from '../../../src/core/window/rssiAccumulator.ts';

function collect(windowSeconds = 60, latenessSeconds = 0) {
  const out: WindowSummary[] = [];
  const windower = new Windower({
    windowSeconds,
    latenessSeconds,
    hashMac: (mac) => `h(${mac})`,
    vendorOf: ({ randomized }) => (randomized ? 'randomized' : 'Vendor'),
    onWindow: (w) => out.push(w),
  });
  return { out, windower };
}

function obs(t: number, mac: string, rssi?: number, extra: Partial<Observation> = {}): Observation {
  return {
    t,
    sensorId: 's1',
    medium: 'wifi',
    mac,
    frameType: 'probe-req',
    ...(rssi === undefined ? {} : { rssi }),
    ...extra,
  };
}

test('RSSI mean and population std per device and window, like numpy.mean/std', () => {
  const { out, windower } = collect();
  const rssis = [-70, -72, -75, -71];
  rssis.forEach((r, i) => windower.add(obs(120 + i, '00:11:22:33:44:55', r)));
  windower.add(obs(130, '00:11:22:33:44:55')); // a frame without RSSI still counts
  windower.flush();
  assert.equal(out.length, 1);
  const [device] = out[0]!.devices;
  const mean = rssis.reduce((a, b) => a + b) / rssis.length;
  const std = Math.sqrt(rssis.reduce((a, r) => a + (r - mean) ** 2, 0) / rssis.length);
  assert.equal(device!.frames, 5);
  assert.equal(device!.rssi!.count, 4);
  assert.ok(Math.abs(device!.rssi!.mean - mean) < 1e-12);
  assert.ok(Math.abs(device!.rssi!.std - std) < 1e-12);
  assert.equal(device!.rssi!.min, -75);
  assert.equal(device!.rssi!.max, -70);
  assert.equal(out[0]!.frames, 5);
  assert.equal(out[0]!.framesWithRssi, 4);
});

test('windows are clock-aligned and closed when time moves past them', () => {
  const { out, windower } = collect(60);
  windower.add(obs(1000, 'aa:aa:aa:aa:aa:aa', -60)); // window [960, 1020)
  windower.add(obs(1019.9, 'bb:bb:bb:bb:bb:bb', -61));
  assert.equal(out.length, 0);
  windower.add(obs(1020, 'aa:aa:aa:aa:aa:aa', -62)); // opens [1020, 1080), closes the first
  assert.equal(out.length, 1);
  assert.equal(out[0]!.windowStart, 960);
  assert.equal(out[0]!.windowEnd, 1020);
  assert.deepEqual(
    out[0]!.devices.map((d) => d.deviceId),
    ['h(aa:aa:aa:aa:aa:aa)', 'h(bb:bb:bb:bb:bb:bb)'],
  );
  windower.add(obs(1000, 'cc:cc:cc:cc:cc:cc', -50)); // too late for a closed window
  assert.equal(windower.counters.late, 1);
  windower.flush();
  assert.equal(out.length, 2);
  assert.equal(out[1]!.windowStart, 1020);
});

test('lateness allowance keeps a window open for stragglers', () => {
  const { out, windower } = collect(60, 5);
  windower.add(obs(1019, 'aa:aa:aa:aa:aa:aa', -60));
  windower.add(obs(1023, 'bb:bb:bb:bb:bb:bb', -60));
  windower.add(obs(1018, 'cc:cc:cc:cc:cc:cc', -60)); // late by 5 s but within the allowance
  assert.equal(out.length, 0);
  windower.add(obs(1026, 'bb:bb:bb:bb:bb:bb', -60));
  assert.equal(out.length, 1);
  assert.equal(out[0]!.devices.length, 2);
  assert.equal(windower.counters.late, 0);
});

test('no raw MAC leaves the windower, and randomized MACs are flagged', () => {
  const { out, windower } = collect();
  windower.add(
    obs(5, 'da:a1:19:00:00:01', -80, { ssid: 'eduroam', ieFingerprint: 'fp1', seq: 100, channel: 6 }),
  );
  windower.add(
    obs(6, 'da:a1:19:00:00:01', -82, { ssid: 'eduroam', ieFingerprint: 'fp1', seq: 104, channel: 6 }),
  );
  windower.add(obs(7, 'f8:d0:27:00:00:01', -50));
  windower.flush();
  const json = JSON.stringify(out);
  assert.ok(!json.includes('"da:a1:19:00:00:01"'));
  assert.ok(!json.includes('"f8:d0:27:00:00:01"'));
  const random = out[0]!.devices.find((d) => d.deviceId === 'h(da:a1:19:00:00:01)')!;
  assert.equal(random.randomized, true);
  assert.equal(random.vendor, 'randomized');
  assert.deepEqual(random.ssids, ['eduroam']);
  assert.deepEqual(random.ieFingerprints, ['fp1']);
  assert.equal(random.seqFirst, 100);
  assert.equal(random.seqLast, 104);
  assert.deepEqual(random.frameTypes, { 'probe-req': 2 });
  assert.equal(out[0]!.devices.find((d) => d.deviceId === 'h(f8:d0:27:00:00:01)')!.randomized, false);
});

test('sensors are windowed independently', () => {
  const { out, windower } = collect();
  windower.add(obs(10, 'aa:aa:aa:aa:aa:aa', -60));
  windower.add({ ...obs(11, 'aa:aa:aa:aa:aa:aa', -70), sensorId: 's2' });
  windower.flush();
  assert.deepEqual(out.map((w) => w.sensorId).sort(), ['s1', 's2']);
});

test('combining per-sensor RSSI stats equals the stats of all samples', () => {
  const a = [-60, -65, -70];
  const b = [-80, -81];
  const acc = (xs: number[]) => {
    const r = new RssiAccumulator();
    xs.forEach((x) => r.add(x));
    return r.stats();
  };
  const combined = combineRssiStats([acc(a), null, acc(b)])!;
  const all = acc([...a, ...b])!;
  assert.equal(combined.count, all.count);
  assert.ok(Math.abs(combined.mean - all.mean) < 1e-12);
  assert.ok(Math.abs(combined.std - all.std) < 1e-12);
  assert.equal(combined.min, -81);
  assert.equal(combined.max, -60);
  assert.equal(combineRssiStats([null]), null);
});

test('a scanning sensor that hears nothing still gets its (empty) window', () => {
  const { out, windower } = collect(60, 0);
  windower.touch('s1', 65);
  windower.advanceTo(119);
  assert.equal(out.length, 0);
  windower.advanceTo(120);
  assert.equal(out.length, 1);
  assert.equal(out[0]!.windowStart, 60);
  assert.deepEqual(out[0]!.devices, []);
  assert.equal(out[0]!.frames, 0);
  windower.touch('s1', 100); // that window is closed: nothing reopens it
  windower.flush();
  assert.equal(out.length, 1);
});

test('a device naming itself after its own address does not carry the address out', () => {
  const { out, windower } = collect();
  windower.add(
    obs(5, 'a4:cf:12:34:56:78', -60, {
      medium: 'ble',
      name: 'ShellyPlus1-A4CF12345678',
      addressType: 'public',
    }),
  );
  windower.add(obs(6, 'a4:cf:12:34:56:78', -60, { ssid: 'esp-78:56:34:12:cf:a4' }));
  windower.add(obs(7, 'de:ad:be:ef:00:01', -60, { ssid: 'plain' }));
  windower.flush();
  const json = JSON.stringify(out).toLowerCase();
  assert.ok(!json.includes('a4cf12345678') && !json.includes('785634'), json);
  const shelly = out[0]!.devices.find((d) => d.deviceId === 'h(a4:cf:12:34:56:78)')!;
  assert.equal(shelly.name, 'ShellyPlus1-[mac]');
  assert.deepEqual(shelly.ssids, ['esp-[mac]']);
  assert.deepEqual(out[0]!.devices.find((d) => d.deviceId === 'h(de:ad:be:ef:00:01)')!.ssids, ['plain']);
});

test('a device sending thousands of SSIDs keeps a bounded list', () => {
  const { out, windower } = collect();
  for (let i = 0; i < 5000; i++)
    windower.add(obs(5 + i / 1000, '00:11:22:33:44:55', -60, { ssid: `net-${i}` }));
  windower.flush();
  assert.equal(out[0]!.devices[0]!.ssids.length, 32);
  assert.equal(out[0]!.devices[0]!.frames, 5000);
});

test("a peer's address, the sender's raw bytes and its vendor suffix never leave in a summary", () => {
  const { out, windower } = collect();
  windower.add(obs(5, 'a4:cf:12:dd:ee:ff', -60, { ssid: 'peer 02-11-22-33-44-55' }));
  windower.add(obs(6, 'a4:cf:12:dd:ee:ff', -60, { ssid: 'ESP_ddeeff' }));
  windower.add(obs(7, 'a4:cf:12:dd:ee:ff', -60, { ssid: '\\xa4\\xcf\\x12\\xdd\\xee\\xff' }));
  windower.add(
    obs(8, '02:00:00:00:00:01', -60, { medium: 'ble', name: 'Pixel_0001 \\x01\\x00\\x00\\x00\\x00\\x02' }),
  );
  windower.flush();
  const [wifi, ble] = out[0]!.devices;
  assert.deepEqual(wifi!.ssids, ['peer [mac]', 'ESP_[mac]', '[mac]']);
  assert.equal(ble!.name, 'Pixel_[mac] [mac]');
});
