/**
 * Live scanning against a stand-in org.bluez on a private dbus-daemon (the kernel here has no
 * Bluetooth). The stand-in replays real advertising reports from a btsnoop recording; the clock
 * and timers are injected, so duty cycles and retries run without sleeping.
 */
import { after, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { describeBluezEvent } from '../../../../src/adapters/capture/bluez/bluezEventText.ts';
import {
  BluezScanner,
  type BluezEvent,
  type BluezScannerOptions,
} from '../../../../src/adapters/capture/bluez/bluezScanner.ts';
import { createSensorWindower } from '../../../../src/app/sensor/sensorWindower.ts';
import type { Observation, WindowSummary } from '../../../../src/core/model.ts';
import { FakeBluez } from '../../../helpers/fakeBluez/fakeBluez.ts';
import { ManualClock } from '../../../helpers/manualClock.ts';
import {
  SKIP_NO_DBUS_DAEMON,
  startPrivateBus,
  type PrivateBus,
} from '../../../helpers/fakeBluez/privateBus.ts';
import {
  addressSpellings,
  recordedAdvertisements,
  type RecordedAdvertisement,
} from '../../../helpers/fakeBluez/recordedAdvertisements.ts';

const skip = SKIP_NO_DBUS_DAEMON;
/** On a minute boundary, so a 10/60 duty cycle starts scanning right away. */
const T0 = 1_700_000_040;
const ADAPTER_ADDRESS = '00:1a:7d:da:71:13';
const CACHED = { address: 'c0:ff:ee:12:34:56', addressType: 'public' as const, name: 'paired-headset' };
const recorded = recordedAdvertisements();

/** Everything the scanners in this file emitted, checked for addresses at the end. */
const allEvents: BluezEvent[] = [];
const allLines: string[] = [];
const allObservations: Observation[] = [];
const buses: PrivateBus[] = [];

after(async () => {
  for (const bus of buses) await bus.stop();
});

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

interface Rig {
  bus: PrivateBus;
  clock: ManualClock;
  fake: FakeBluez;
  scanner: BluezScanner;
  observations: Observation[];
  events: BluezEvent[];
  /** Events of one type. */
  of<T extends BluezEvent['type']>(type: T): Extract<BluezEvent, { type: T }>[];
}

async function rig(
  t: TestContext,
  options: Partial<BluezScannerOptions> & { fake?: boolean; policy?: 'open' | 'deny-bluez' } = {},
): Promise<Rig> {
  const bus = await startPrivateBus({ policy: options.policy ?? 'open' });
  buses.push(bus);
  const clock = new ManualClock(T0);
  const fake = await FakeBluez.start(bus.address, { now: clock.now, adapterAddress: ADAPTER_ADDRESS });
  if (options.fake === false) fake.stop();
  const observations: Observation[] = [];
  const events: BluezEvent[] = [];
  const scanner = new BluezScanner({
    adapter: 'hci0',
    sensorId: 'pi-1',
    busAddress: bus.address,
    clock,
    initialBackoffMs: 1000,
    ...options,
    onObservation: (o) => {
      observations.push(o);
      allObservations.push(o);
    },
    onEvent: (e) => {
      events.push(e);
      allEvents.push(e);
      const line = describeBluezEvent(e);
      if (line !== undefined) allLines.push(line);
    },
  });
  t.after(async () => {
    await scanner.stop();
    if (options.fake !== false) fake.stop();
  });
  const of = <T extends BluezEvent['type']>(type: T) =>
    events.filter((e): e is Extract<BluezEvent, { type: T }> => e.type === type);
  return { bus, clock, fake, scanner, observations, events, of };
}

/**
 * Replays recorded reports, one second of the recording at a time, at `base` + their offset on
 * the injected clock; waits until every report BlueZ signalled has become an observation.
 */
async function replay(
  r: Rig,
  ads: readonly RecordedAdvertisement[],
  base: number,
): Promise<RecordedAdvertisement[]> {
  const signalled: RecordedAdvertisement[] = [];
  for (let second = 0; ; second++) {
    const batch = ads.filter((ad) => Math.floor(ad.offset) === second);
    if (batch.length === 0 && ads.every((ad) => ad.offset < second)) break;
    r.clock.advanceTo(base + second + 0.5);
    for (const ad of batch) {
      const changed = r.fake.hear(ad);
      if (changed !== undefined && changed.length > 0) signalled.push(ad);
    }
    const expected = r.observations.length + batch.filter((ad) => signalled.includes(ad)).length;
    await until(() => r.observations.length >= expected, `observations of second ${second}`);
  }
  return signalled;
}

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

test(
  'the adapter vanishing mid-scan is reported, retried with backoff, and scanning resumes when it returns',
  { skip },
  async (t) => {
    const r = await rig(t);
    await r.scanner.start();
    await until(() => r.fake.discovering, 'discovery');
    await replay(r, recorded.slice(0, 20), T0);
    const before = r.observations.length;
    assert.ok(before > 0);

    const removedAt = r.clock.now();
    r.fake.removeAdapter();
    await until(() => r.of('failed').length === 1, 'the failure');
    assert.equal(r.of('failed')[0]!.failure.kind, 'adapter-gone');
    assert.match(r.of('failed')[0]!.failure.fix, /plug it back in/);
    assert.deepEqual(r.of('retrying')[0], { type: 'retrying', delayMs: 1000, attempt: 1 });
    assert.equal(r.scanner.running, false);

    // The backoff runs out while the adapter is still missing: another failure, a longer wait.
    r.clock.advanceBy(1);
    await until(() => r.of('failed').length === 2, 'the second failure');
    assert.equal(r.of('failed')[1]!.failure.kind, 'no-adapter');
    assert.match(r.of('failed')[1]!.failure.message, /BlueZ sees no adapter/);
    assert.deepEqual(r.of('retrying')[1], { type: 'retrying', delayMs: 2000, attempt: 2 });

    // Plugged back in: BlueZ announces it, the scanner retries at once (no clock move) and powers it.
    r.clock.advanceBy(0.5);
    r.fake.addAdapter();
    await until(() => r.of('recovered').length === 1 && r.fake.discovering, 'recovery');
    assert.deepEqual(r.of('recovered')[0], { type: 'recovered', from: removedAt, to: removedAt + 1.5 });
    assert.equal(r.fake.callsOf('Set.Powered').length, 2);
    assert.equal(r.fake.callsOf('StartDiscovery').length, 2);
    assert.equal(r.scanner.running, true);

    const recoveredAt = r.clock.now();
    await replay(r, recorded.slice(20, 60), recoveredAt);
    assert.ok(r.observations.length > before, 'new observations flow');
    assert.ok(r.observations.slice(before).every((o) => o.t > recoveredAt));
  },
);

test(
  'BlueZ restarting mid-scan is reported and scanning resumes with the new bluetoothd',
  { skip },
  async (t) => {
    const r = await rig(t);
    await r.scanner.start();
    await until(() => r.fake.discovering, 'discovery');
    r.fake.stop();
    await until(() => r.of('failed').length === 1, 'the failure');
    assert.equal(r.of('failed')[0]!.failure.kind, 'adapter-gone');
    assert.match(r.of('failed')[0]!.failure.message, /bluetoothd/);

    const restarted = await FakeBluez.start(r.bus.address, { now: r.clock.now });
    t.after(() => restarted.stop());
    await until(() => r.of('recovered').length === 1 && restarted.discovering, 'recovery on the new owner');
    r.clock.advanceBy(1);
    assert.notEqual(restarted.hear(recorded[0]!), undefined);
    await until(() => r.observations.length === 1, 'an observation through the new bluetoothd');
    assert.equal(r.observations[0]!.mac, recorded[0]!.address);
  },
);

test(
  'no org.bluez on the bus: a no-bluez failure that says how to start BlueZ, retried',
  { skip },
  async (t) => {
    const r = await rig(t, { fake: false });
    await r.scanner.start();
    const failure = r.of('failed')[0]!.failure;
    assert.equal(failure.kind, 'no-bluez');
    assert.match(failure.message, /BlueZ \(org\.bluez\) is not running/);
    assert.match(failure.fix, /sudo systemctl start bluetooth/);
    assert.match(failure.fix, /apt-get install bluez/);
    assert.deepEqual(r.of('retrying')[0], { type: 'retrying', delayMs: 1000, attempt: 1 });
    assert.match(describeBluezEvent(r.events[0]!)!, /^Bluetooth: BlueZ .* Fix: start BlueZ/);

    // BlueZ starts later: taking the name wakes the scanner.
    const late = await FakeBluez.start(r.bus.address, { now: r.clock.now });
    t.after(() => late.stop());
    await until(() => late.discovering, 'the scanner finds the late BlueZ');
    assert.equal(r.of('recovered').length, 1);
  },
);

test('no D-Bus daemon at all: a no-bluez failure that says to start D-Bus', { skip }, async (t) => {
  const clock = new ManualClock(T0);
  const events: BluezEvent[] = [];
  const scanner = new BluezScanner({
    adapter: 'hci0',
    sensorId: 'pi-1',
    busAddress: 'unix:path=/nonexistent/airtrace/bus',
    clock,
    onObservation: () => undefined,
    onEvent: (e) => {
      events.push(e);
      allEvents.push(e);
    },
  });
  t.after(() => scanner.stop());
  await scanner.start();
  const failed = events.find((e) => e.type === 'failed');
  assert.ok(failed?.type === 'failed');
  assert.equal(failed.failure.kind, 'no-bluez');
  assert.match(failed.failure.message, /cannot connect to the system D-Bus \(ENOENT\)/);
  assert.match(failed.failure.fix, /systemctl start dbus/);
  // Retries open a new connection each time and keep failing the same way.
  clock.advanceBy(1);
  await until(() => events.filter((e) => e.type === 'failed').length === 2, 'a retry');
});

test('no such adapter: a no-adapter failure naming the adapters BlueZ has', { skip }, async (t) => {
  const r = await rig(t, { adapter: 'hci1' });
  await r.scanner.start();
  const failure = r.of('failed')[0]!.failure;
  assert.equal(failure.kind, 'no-adapter');
  assert.equal(failure.message, 'there is no Bluetooth adapter hci1 (BlueZ sees hci0)');
  assert.match(failure.fix, /bluetoothctl list/);
  assert.match(failure.fix, /rfkill unblock bluetooth/);
});

test('a D-Bus policy that refuses org.bluez: a not-permitted failure with the fix', { skip }, async (t) => {
  const r = await rig(t, { policy: 'deny-bluez' });
  await r.scanner.start();
  const failure = r.of('failed')[0]!.failure;
  assert.equal(failure.kind, 'not-permitted');
  assert.match(failure.message, /org\.freedesktop\.DBus\.Error\.AccessDenied/);
  assert.match(failure.fix, /run the sensor as root/);
  assert.match(failure.fix, /bluetooth group/);
});

test(
  'an rfkill-blocked adapter: reported with the unblock command, then powered on a retry',
  { skip },
  async (t) => {
    const r = await rig(t);
    r.fake.failNext('Set.Powered', 'org.bluez.Error.Failed', 'Blocked through rfkill');
    await r.scanner.start();
    const failure = r.of('failed')[0]!.failure;
    assert.equal(failure.kind, 'no-adapter');
    assert.match(failure.fix, /sudo rfkill unblock bluetooth/);
    r.clock.advanceBy(1);
    await until(() => r.fake.discovering, 'discovery after the retry');
    assert.equal(r.of('recovered').length, 1);
  },
);

test('no raw Bluetooth address in any event or log line the scanners produced', { skip }, () => {
  assert.ok(allEvents.length > 20 && allLines.length > 10 && allObservations.length > 100);
  const text = JSON.stringify(allEvents) + '\n' + allLines.join('\n');
  const addresses = [...new Set([...recorded.map((ad) => ad.address), CACHED.address, ADAPTER_ADDRESS])];
  for (const address of addresses) {
    for (const form of addressSpellings(address)) assert.ok(!text.includes(form), `${form} leaked`);
  }
  assert.ok(!/\/dev_[0-9A-F_]{17}/i.test(text), 'no device object path either');
  for (const o of allObservations) {
    if (o.name === undefined) continue;
    for (const form of addressSpellings(o.mac)) assert.ok(!o.name.includes(form), 'no address as a name');
  }
});
