import { isLocallyAdministered, macHexUpper } from './mac.ts';
import { companyName } from '../frames/ble/companyName.ts';
import type { BleAddressType, Medium } from '../model.ts';

/**
 * The IEEE registry as prefix -> organisation: MA-L keys have 6 hex digits, MA-M 7 and MA-S 9.
 * Passed in so the core never loads files; `oui-data` has exactly this shape.
 */
export type OuiTable = Readonly<Record<string, string>>;

export const RANDOMIZED_VENDOR = 'randomized';

/** Registry values carry the postal address on further lines; the name is the first. */
function organisationName(entry: string): string {
  const newline = entry.indexOf('\n');
  return (newline < 0 ? entry : entry.slice(0, newline)).trim();
}

/**
 * Longest prefix first: MA-M and MA-S blocks are carved out of MA-L prefixes that belong to
 * the IEEE Registration Authority itself, so the MA-L answer would name the registry.
 * A locally administered address has no registered owner: it is reported as randomized.
 */
export function vendorOfWifiMac(mac: string, table: OuiTable): string | null {
  if (isLocallyAdministered(mac)) return RANDOMIZED_VENDOR;
  const hex = macHexUpper(mac);
  const entry = table[hex.slice(0, 9)] ?? table[hex.slice(0, 7)] ?? table[hex.slice(0, 6)];
  return entry === undefined ? null : organisationName(entry);
}

export interface DeviceVendorQuery {
  mac: string;
  medium: Medium;
  randomized: boolean;
  companyId?: number;
  addressType?: BleAddressType;
}

/**
 * Wi-Fi: the IEEE registry. Bluetooth: the company that the device names in its manufacturer
 * data, else the IEEE owner of a public address; private BLE addresses have none.
 */
export function vendorOfDevice(device: DeviceVendorQuery, table: OuiTable): string | null {
  if (device.medium === 'wifi') return vendorOfWifiMac(device.mac, table);
  if (device.companyId !== undefined) {
    const name = companyName(device.companyId);
    if (name !== undefined) return name;
  }
  if (device.randomized) return RANDOMIZED_VENDOR;
  // Only a public address carries an IEEE prefix; a random static one is random bits.
  return device.addressType === 'public' ? vendorOfWifiMac(device.mac, table) : null;
}
