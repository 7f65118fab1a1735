/**
 * What the scanner knows about one org.bluez.Device1 object, and the Observation it makes of it.
 * Properties arrive here as plain values (the D-Bus variants already unwrapped), so nothing in
 * this file knows about dbus-next.
 *
 * BlueZ keeps devices across scans (paired ones for good, others for a while after discovery
 * stops), so a Device1 object or its cached properties say nothing about presence. What does is
 * an RSSI: BlueZ sets it when it hears an advertisement or inquiry response and invalidates it
 * when discovery stops. Only an RSSI heard during the current scan makes an observation.
 */
import { randomAddressType } from '../../../core/frames/ble/address.ts';
import { displayText } from '../../../core/frames/ble/displayText.ts';
import { normalizeMac } from '../../../core/identity/mac.ts';
import type { BleAddressType, Observation } from '../../../core/model.ts';

export const BLUEZ_FRAME_TYPE = 'bluez-adv';

/** HCI's "TX power not available"; BlueZ stores it when an advertisement carries none. */
const TX_POWER_UNAVAILABLE = 127;

/**
 * Properties BlueZ takes from advertisements, scan responses and inquiry results. A change to one
 * of them while an RSSI from this scan is known counts as one more frame heard, even when the RSSI
 * itself stayed the same (BlueZ signals only what changed). Connection state (Connected,
 * ServicesResolved, ...) does not count.
 */
const ADVERTISED_PROPERTIES = [
  'RSSI',
  'ManufacturerData',
  'ServiceData',
  'TxPower',
  'Name',
  'UUIDs',
  'Appearance',
  'Class',
  'AdvertisingFlags',
  'AdvertisingData',
];

export interface BluezDevice {
  /** Lower-case `aa:bb:cc:dd:ee:ff`; undefined until a valid Address (or object path) is seen. */
  mac: string | undefined;
  addressType?: BleAddressType;
  name?: string;
  txPower?: number;
  companyId?: number;
  /** RSSI of the last advertisement heard in the current scan; cleared between scans. */
  rssi?: number;
}

/** The address a BlueZ device object path ends with: `/org/bluez/hci0/dev_AA_BB_CC_DD_EE_FF`. */
export function macFromDevicePath(path: string): string | undefined {
  const match = /\/dev_([0-9A-Fa-f]{2}(?:_[0-9A-Fa-f]{2}){5})$/.exec(path);
  return match === null ? undefined : normalizeMac(match[1]!.replace(/_/g, ':'));
}

function displayName(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return displayText(bytes, 0, bytes.length);
}

/**
 * BlueZ's Alias is the Name, a name the user gave, or else the address written with dashes
 * (`AA-BB-CC-DD-EE-FF`). The last must never become a name: it is the raw address.
 */
function aliasIsAddress(alias: string, mac: string | undefined): boolean {
  const asMac = normalizeMac(alias.replace(/_/g, ':'));
  return asMac !== undefined || (mac !== undefined && alias.toLowerCase().includes(mac.replace(/:/g, '')));
}

function addressTypeOf(bluezType: unknown, mac: string | undefined): BleAddressType | undefined {
  if (bluezType === 'public') return 'public';
  if (bluezType !== 'random') return undefined;
  return mac === undefined ? 'random' : randomAddressType(parseInt(mac.slice(0, 2), 16));
}

function firstCompanyId(manufacturerData: unknown): number | undefined {
  if (manufacturerData === null || typeof manufacturerData !== 'object') return undefined;
  for (const key of Object.keys(manufacturerData)) {
    const id = Number(key);
    if (Number.isInteger(id) && id >= 0 && id <= 0xffff) return id;
  }
  return undefined;
}

function int16(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= -32768 && value <= 32767
    ? value
    : undefined;
}

export function newBluezDevice(path: string): BluezDevice {
  return { mac: macFromDevicePath(path) };
}

/**
 * Applies a set of changed and invalidated Device1 properties (InterfacesAdded gives them all,
 * PropertiesChanged what changed). Returns true when they show an advertisement was just heard:
 * an advertised property changed and an RSSI is known.
 */
export function updateBluezDevice(
  device: BluezDevice,
  changed: Readonly<Record<string, unknown>>,
  invalidated: readonly string[] = [],
): boolean {
  if (typeof changed.Address === 'string') device.mac = normalizeMac(changed.Address) ?? device.mac;
  if ('AddressType' in changed) {
    const type = addressTypeOf(changed.AddressType, device.mac);
    if (type !== undefined) device.addressType = type;
  }
  if (typeof changed.Name === 'string') device.name = displayName(changed.Name);
  else if (
    device.name === undefined &&
    typeof changed.Alias === 'string' &&
    changed.Alias !== '' &&
    !aliasIsAddress(changed.Alias, device.mac)
  ) {
    device.name = displayName(changed.Alias);
  }
  if ('TxPower' in changed) {
    const tx = int16(changed.TxPower);
    device.txPower = tx === TX_POWER_UNAVAILABLE ? undefined : tx;
  }
  if ('ManufacturerData' in changed) {
    const id = firstCompanyId(changed.ManufacturerData);
    if (id !== undefined) device.companyId = id;
  }
  if ('RSSI' in changed) device.rssi = int16(changed.RSSI);
  if (invalidated.includes('RSSI')) device.rssi = undefined;
  if (invalidated.includes('TxPower')) device.txPower = undefined;
  return device.rssi !== undefined && ADVERTISED_PROPERTIES.some((p) => p in changed);
}

/** The Observation of one advertisement heard from `device`; undefined without an address or RSSI. */
export function observationOfBluezDevice(
  device: BluezDevice,
  t: number,
  sensorId: string,
): Observation | undefined {
  if (device.mac === undefined || device.rssi === undefined) return undefined;
  const o: Observation = {
    t,
    sensorId,
    medium: 'ble',
    mac: device.mac,
    rssi: device.rssi,
    frameType: BLUEZ_FRAME_TYPE,
  };
  if (device.addressType !== undefined) o.addressType = device.addressType;
  if (device.name !== undefined) o.name = device.name;
  if (device.companyId !== undefined) o.companyId = device.companyId;
  if (device.txPower !== undefined) o.txPower = device.txPower;
  return o;
}
