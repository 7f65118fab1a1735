/**
 * Duty cycling: discovery starts and stops on the cycle's boundaries of the injected clock, and
 * what is heard lands in the sensor's window of its scan.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSensorWindower } from '../../../../../src/app/sensor/sensorWindower.ts';
import type { WindowSummary } from '../../../../../src/core/model.ts';
import { SKIP_NO_DBUS_DAEMON as skip } from '../../../../helpers/fakeBluez/privateBus.ts';
import { addressSpellings } from '../../../../helpers/fakeBluez/recordedAdvertisements.ts';
import { T0, recorded, replay, rig, until } from './scannerRig.ts';

test(
  'duty cycle 10 s every 60 s: discovery starts and stops on time, RSSI updates land in their window',
  { skip },
  async (t) => {
    const r = await rig(t, { scan: { scanSeconds: 10, periodSeconds: 60 } });
    await r.scanner.start();
    await until(() => r.fake.discovering, 'first StartDiscovery');
    assert.deepEqual(r.of('started'), [{ type: 'started', adapter: 'hci0', continuous: false }]);

    const firstScan = recorded.filter((ad) => ad.offset < 9);
    const secondScan = recorded
      .filter((ad) => ad.offset >= 3)
      .map((ad) => ({ ...ad, offset: ad.offset - 3 }));
    await replay(r, firstScan, T0);
    const inFirst = r.observations.length;

    r.clock.advanceTo(T0 + 10);
    await until(
      () => r.fake.callsOf('StopDiscovery').length === 1 && r.of('discovery').length === 2,
      'StopDiscovery',
    );
    assert.equal(r.fake.discovering, false);
    // Between scans the controller's reports are not taken, and another client's updates do not count.
    assert.equal(r.fake.hear(recorded[0]!), undefined);
    r.clock.advanceTo(T0 + 30);
    r.fake.updateDevice(recorded[0]!.address, { RSSI: -20 });

    r.clock.advanceTo(T0 + 60);
    await until(() => r.fake.discovering && r.of('discovery').length === 3, 'second StartDiscovery');
    await replay(r, secondScan, T0 + 60);
    r.clock.advanceTo(T0 + 70);
    await until(() => r.of('discovery').length === 4, 'second StopDiscovery');

    const timeline = r.fake.calls
      .filter((c) => c.member === 'StartDiscovery' || c.member === 'StopDiscovery')
      .map((c) => [c.member, c.t - T0]);
    assert.deepEqual(timeline, [
      ['StartDiscovery', 0],
      ['StopDiscovery', 10],
      ['StartDiscovery', 60],
      ['StopDiscovery', 70],
    ]);
    assert.deepEqual(
      r.fake.callsOf('SetDiscoveryFilter').map((c) => c.t - T0),
      [0, 60],
      'the filter is set before every scan',
    );
    assert.deepEqual(
      r.of('discovery').map((e) => [e.active, e.at - T0]),
      [
        [true, 0],
        [false, 10],
        [true, 60],
        [false, 70],
      ],
    );
    assert.ok(!r.observations.some((o) => o.t >= T0 + 10 && o.t < T0 + 60), 'nothing counted between scans');

    // Through the sensor's windower: one window per scan, each with what was heard in it.
    const windows: WindowSummary[] = [];
    const windower = createSensorWindower({ windowSeconds: 60, onWindow: (w) => windows.push(w) });
    for (const o of r.observations) windower.add(o);
    windower.flush();
    assert.deepEqual(
      windows.map((w) => [w.windowStart - T0, w.frames]),
      [
        [0, inFirst],
        [60, r.observations.length - inFirst],
      ],
    );
    assert.equal(windows[0]!.devices.length, new Set(firstScan.map((ad) => ad.address)).size);
    assert.equal(windows[1]!.devices.length, new Set(secondScan.map((ad) => ad.address)).size);
    const first = windows[0]!.devices.find((d) => d.name === 'HORIZON 7.4AT 55FD');
    assert.ok(first?.rssi !== null && first!.rssi!.count > 1 && first!.randomized === false);
    const serialized = JSON.stringify(windows);
    for (const ad of recorded)
      for (const form of addressSpellings(ad.address)) assert.ok(!serialized.includes(form));
  },
);
