import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  macFromDevicePath,
  newBluezDevice,
  observationOfBluezDevice,
  updateBluezDevice,
} from '../../../../src/adapters/capture/bluez/bluezDevice.ts';
import { describeBluezEvent } from '../../../../src/adapters/capture/bluez/bluezEventText.ts';
import { classifyBluezError, scrubAddresses } from '../../../../src/adapters/capture/bluez/bluezFailure.ts';

const PATH = '/org/bluez/hci0/dev_7C_B9_09_50_2E_0C';

test('the address comes from Device1.Address (lower-cased), or from the object path', () => {
  assert.equal(macFromDevicePath(PATH), '7c:b9:09:50:2e:0c');
  assert.equal(macFromDevicePath('/org/bluez/hci0'), undefined);
  const device = newBluezDevice('/org/bluez/hci0/not_a_device');
  updateBluezDevice(device, { Address: 'A4:C1:38:BF:6F:AB' });
  assert.equal(device.mac, 'a4:c1:38:bf:6f:ab');
});

test('random addresses are refined by their top two bits', () => {
  const kinds = [
    ['FA:E4:E3:24:20:09', 'random-static'],
    ['7C:B9:09:50:2E:0C', 'resolvable-private'],
    ['31:B9:BF:2D:1C:7E', 'non-resolvable-private'],
    ['B1:00:00:00:00:01', 'random'],
  ] as const;
  for (const [address, kind] of kinds) {
    const device = newBluezDevice(`/org/bluez/hci0/dev_${address.replace(/:/g, '_')}`);
    updateBluezDevice(device, { Address: address, AddressType: 'random' });
    assert.equal(device.addressType, kind, address);
  }
  const device = newBluezDevice(PATH);
  updateBluezDevice(device, { Address: '7C:B9:09:50:2E:0C', AddressType: 'public' });
  assert.equal(device.addressType, 'public');
});

test('only an RSSI makes a device heard; an invalidated RSSI un-hears it', () => {
  const device = newBluezDevice(PATH);
  // A cached device: everything but an RSSI.
  assert.equal(
    updateBluezDevice(device, {
      Address: '7C:B9:09:50:2E:0C',
      AddressType: 'random',
      Alias: '7C-B9-09-50-2E-0C',
      Paired: true,
    }),
    false,
  );
  assert.equal(observationOfBluezDevice(device, 1, 'pi'), undefined);
  assert.equal(updateBluezDevice(device, { RSSI: -70 }), true);
  // Same RSSI, new manufacturer data: another advertisement heard.
  assert.equal(updateBluezDevice(device, { ManufacturerData: { 76: new Uint8Array([0x10]) } }), true);
  // Connection state is not an advertisement.
  assert.equal(updateBluezDevice(device, { Connected: true }), false);
  // Discovery stopped: BlueZ invalidates the RSSI; later data changes do not count until a new RSSI.
  assert.equal(updateBluezDevice(device, {}, ['RSSI', 'TxPower']), false);
  assert.equal(updateBluezDevice(device, { ManufacturerData: { 76: new Uint8Array([0x11]) } }), false);
  assert.equal(observationOfBluezDevice(device, 2, 'pi'), undefined);
});

test('the observation carries RSSI, TX power, company id, escaped name; never the address-shaped alias', () => {
  const device = newBluezDevice(PATH);
  updateBluezDevice(device, {
    Address: '7C:B9:09:50:2E:0C',
    AddressType: 'random',
    Alias: '7C-B9-09-50-2E-0C',
    RSSI: -62,
    TxPower: 12,
    ManufacturerData: { 76: new Uint8Array([0x10, 0x05]) },
  });
  assert.deepEqual(observationOfBluezDevice(device, 1_700_000_000.25, 'pi-1'), {
    t: 1_700_000_000.25,
    sensorId: 'pi-1',
    medium: 'ble',
    mac: '7c:b9:09:50:2e:0c',
    rssi: -62,
    frameType: 'bluez-adv',
    addressType: 'resolvable-private',
    companyId: 0x004c,
    txPower: 12,
  });
  updateBluezDevice(device, { TxPower: 127 });
  assert.equal(device.txPower, undefined, '127 is "not available"');
  updateBluezDevice(device, { Alias: 'kitchen tag' });
  assert.equal(device.name, 'kitchen tag', 'an alias a user gave is a name');
  updateBluezDevice(device, { Name: 'evil\x1b[2J\nname' });
  assert.equal(device.name, 'evil\\x1b[2J\\x0aname', 'control characters escaped');
});

test('failures: each cause gets its kind and a fix; addresses are scrubbed from error text', () => {
  assert.equal(
    scrubAddresses('on /org/bluez/hci0/dev_AA_BB_CC_DD_EE_FF'),
    'on /org/bluez/hci0/dev_XX:XX:XX:XX:XX:XX',
  );
  assert.equal(
    scrubAddresses('aa:bb:cc:dd:ee:ff AA-BB-CC-DD-EE-FF aabbccddeeff'),
    'XX:XX:XX:XX:XX:XX XX:XX:XX:XX:XX:XX XXXXXXXXXXXX',
  );
  const dbusError = (type: string, text: string) => Object.assign(new Error(text), { type, text });
  const kind = (error: unknown) => classifyBluezError(error, 'hci0', 'StartDiscovery').kind;
  assert.equal(kind(Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' })), 'no-bluez');
  assert.equal(kind(Object.assign(new Error('connect EACCES'), { code: 'EACCES' })), 'not-permitted');
  assert.equal(kind(dbusError('org.freedesktop.DBus.Error.ServiceUnknown', 'not provided')), 'no-bluez');
  assert.equal(kind(dbusError('org.freedesktop.DBus.Error.AccessDenied', 'denied')), 'not-permitted');
  assert.equal(kind(dbusError('org.bluez.Error.NotReady', 'Resource Not Ready')), 'no-adapter');
  assert.equal(kind(dbusError('org.bluez.Error.Failed', 'Blocked through rfkill')), 'no-adapter');
  assert.equal(kind(dbusError('org.freedesktop.DBus.Error.UnknownObject', 'gone')), 'adapter-gone');
  const other = classifyBluezError(
    dbusError('org.bluez.Error.Failed', 'Device /org/bluez/hci0/dev_7C_B9_09_50_2E_0C\nbusy'),
    'hci0',
    'StartDiscovery',
  );
  assert.equal(other.kind, 'error');
  assert.equal(
    other.message,
    'StartDiscovery failed: org.bluez.Error.Failed: Device /org/bluez/hci0/dev_XX:XX:XX:XX:XX:XX busy',
  );
});

test('event lines for the log', () => {
  assert.equal(
    describeBluezEvent({
      type: 'failed',
      failure: { kind: 'no-bluez', message: 'BlueZ is gone', fix: 'start it' },
    }),
    'Bluetooth: BlueZ is gone. Fix: start it',
  );
  assert.equal(
    describeBluezEvent({ type: 'retrying', delayMs: 2000, attempt: 2 }),
    'Bluetooth: retrying in 2.0 s (attempt 2)',
  );
  assert.equal(
    describeBluezEvent({ type: 'recovered', from: 1_700_000_040, to: 1_700_000_052.5 }),
    'Bluetooth: scanning again; nothing was heard for 12.5 s (2023-11-14T22:14:00.000Z to 2023-11-14T22:14:12.500Z)',
  );
  assert.equal(describeBluezEvent({ type: 'discovery', active: true, at: 1 }), undefined);
});
