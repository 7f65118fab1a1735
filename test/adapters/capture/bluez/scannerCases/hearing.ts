/**
 * What the scanner hears: the recorded advertisements replayed through the stand-in BlueZ become
 * observations with the right fields, and devices BlueZ only remembers do not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SKIP_NO_DBUS_DAEMON as skip } from '../../../../helpers/fakeBluez/privateBus.ts';
import { CACHED, T0, recorded, replay, rig, until } from './scannerRig.ts';

test(
  'recorded devices appear as observations; RSSI updates count, cached devices do not',
  { skip },
  async (t) => {
    const r = await rig(t);
    r.fake.addCachedDevice(CACHED);
    await r.scanner.start();
    await until(() => r.of('discovery').length === 1, 'discovery');
    assert.deepEqual(
      r.fake.calls.map((c) => c.member),
      ['GetManagedObjects', 'Set.Powered', 'SetDiscoveryFilter', 'StartDiscovery'],
    );
    assert.deepEqual(r.fake.callsOf('Set.Powered')[0]!.args, [true]);
    assert.deepEqual(r.fake.callsOf('SetDiscoveryFilter')[0]!.args, [
      { Transport: 'auto', DuplicateData: true },
    ]);
    assert.deepEqual(r.of('started'), [{ type: 'started', adapter: 'hci0', continuous: true }]);

    // A paired device's properties, resent while scanning, carry no fresh RSSI: not heard.
    r.fake.updateDevice(CACHED.address, { Name: 'paired-headset', Connected: true });
    const signalled = await replay(r, recorded, T0);
    assert.equal(r.observations.length, signalled.length);
    assert.ok(
      r.observations.length > 100 && r.observations.length < recorded.length,
      `${r.observations.length}`,
    );
    assert.ok(r.scanner.counters.notHeard >= 1);

    const macs = new Set(recorded.map((ad) => ad.address));
    assert.deepEqual(
      new Set(r.observations.map((o) => o.mac)),
      macs,
      'every recorded device, and only those',
    );
    assert.ok(!r.observations.some((o) => o.mac === CACHED.address), 'the cached device was never heard');
    for (const o of r.observations) {
      const reports = recorded.filter((ad) => ad.address === o.mac);
      assert.equal(o.medium, 'ble');
      assert.equal(o.frameType, 'bluez-adv');
      assert.equal(o.sensorId, 'pi-1');
      assert.ok(
        reports.some((ad) => ad.rssi === o.rssi),
        `rssi ${o.rssi} was reported by ${o.mac}`,
      );
      assert.equal(o.addressType, reports[0]!.hciAddressType);
      const name = reports.find((ad) => ad.name !== undefined)?.name;
      if (o.name !== undefined) assert.equal(o.name, name);
      const companyIds = new Set(reports.flatMap((ad) => [...(ad.manufacturerData?.keys() ?? [])]));
      if (o.companyId !== undefined)
        assert.ok(companyIds.has(o.companyId), `company ${o.companyId} of ${o.mac}`);
    }
    // Spot checks against the recording: a Govee thermometer (iBeacon, Apple company id, public
    // address) and a Microsoft CDP beacon from a non-resolvable private address.
    const govee = r.observations.filter((o) => o.mac === 'a4:c1:38:bf:6f:ab');
    assert.ok(
      govee.some((o) => o.name === 'GVH5072_6FAB' && o.companyId === 0x004c && o.addressType === 'public'),
    );
    const cdp = r.observations.filter((o) => o.mac === '31:b9:bf:2d:1c:7e');
    assert.ok(
      cdp.length > 1 &&
        cdp.every((o) => o.companyId === 0x0006 && o.addressType === 'non-resolvable-private'),
    );
    assert.ok(
      r.observations.every(
        (o) => o.name === undefined || !/^([0-9a-f]{2}[-:_]){5}[0-9a-f]{2}$/i.test(o.name),
      ),
      "BlueZ's address-shaped default Alias never becomes a name",
    );
    // Observations carry the injected clock's time: the second of the recording they were heard in.
    assert.ok(r.observations.every((o) => o.t >= T0 && o.t < T0 + 14 && (o.t - T0) % 1 === 0.5));
  },
);
