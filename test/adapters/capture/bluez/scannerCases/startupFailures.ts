/**
 * Failures on the way up (no BlueZ, no D-Bus, no such adapter, no permission, rfkill): each is
 * reported with its kind and a fix the user can act on, and retried.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBluezEvent } from '../../../../../src/adapters/capture/bluez/bluezEventText.ts';
import { BluezScanner, type BluezEvent } from '../../../../../src/adapters/capture/bluez/bluezScanner.ts';
import { FakeBluez } from '../../../../helpers/fakeBluez/fakeBluez.ts';
import { SKIP_NO_DBUS_DAEMON as skip } from '../../../../helpers/fakeBluez/privateBus.ts';
import { ManualClock } from '../../../../helpers/manualClock.ts';
import { T0, rig, runOutput, until } from './scannerRig.ts';

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
      runOutput.events.push(e);
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
