/** The stand-in's org.bluez.Device1 objects: read-only properties, as bluetoothd exports them. */
import type { FakeAdvertisement } from './fakeAdvertisement.ts';
import {
  ADDRESS_AND_NAME_SIGNATURES,
  ValuesInterface,
  defineProperties,
  type Values,
} from './fakeProperties.ts';

export const DEVICE1 = 'org.bluez.Device1';

const DEVICE_SIGNATURES: Record<string, string> = {
  ...ADDRESS_AND_NAME_SIGNATURES,
  Paired: 'b',
  Trusted: 'b',
  Blocked: 'b',
  LegacyPairing: 'b',
  Connected: 'b',
  RSSI: 'n',
  TxPower: 'n',
  UUIDs: 'as',
  Adapter: 'o',
  ManufacturerData: 'a{qv}',
  ServiceData: 'a{sv}',
};

export class FakeDevice1 extends ValuesInterface {
  constructor(values: Values) {
    super(DEVICE1, values, DEVICE_SIGNATURES);
  }
}
FakeDevice1.configureMembers({ properties: defineProperties(FakeDevice1, DEVICE_SIGNATURES) });

/** bluetoothd's path for a device: `/org/bluez/hci0/dev_AA_BB_CC_DD_EE_FF`. */
export function fakeDevicePath(adapterPath: string, address: string): string {
  return `${adapterPath}/dev_${address.toUpperCase().replace(/:/g, '_')}`;
}

/**
 * A device object as bluetoothd creates it for `ad`, with the properties `heard` in it. A
 * `cached` one (paired, loaded from /var/lib/bluetooth) has no RSSI: it was not heard now.
 */
export function newFakeDevice(
  ad: FakeAdvertisement,
  heard: Values,
  adapterPath: string,
  cached: boolean,
): FakeDevice1 {
  const address = ad.address.toUpperCase();
  const name = heard.Name as string | undefined;
  return new FakeDevice1({
    Address: address,
    AddressType: ad.addressType,
    // bluetoothd's default alias is the address with dashes: a scanner must not take it for a name.
    Alias: name ?? address.replace(/:/g, '-'),
    Paired: cached,
    Trusted: false,
    Blocked: false,
    LegacyPairing: false,
    Connected: false,
    UUIDs: [...(ad.uuids ?? [])],
    Adapter: adapterPath,
    ...heard,
    ...(cached ? { RSSI: undefined } : {}),
  });
}
