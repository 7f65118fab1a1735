/**
 * What one advertisement does to a device object of the stand-in BlueZ: the properties it
 * carries, and which of them bluetoothd would signal as changed for a device it already has.
 */
import { bytesDict, type Values } from './fakeProperties.ts';

/** One advertisement (or inquiry response) as the controller reports it to bluetoothd. */
export interface FakeAdvertisement {
  /** `aa:bb:cc:dd:ee:ff`, any case. */
  address: string;
  addressType: 'public' | 'random';
  rssi: number;
  name?: string;
  txPower?: number;
  manufacturerData?: ReadonlyMap<number, Uint8Array>;
  serviceData?: ReadonlyMap<string, Uint8Array>;
  uuids?: readonly string[];
}

/** The Device1 properties an advertisement carries (UUIDs apart: they merge into the device's list). */
export function advertisedValues(ad: FakeAdvertisement): Values {
  const heard: Values = { RSSI: ad.rssi };
  if (ad.name !== undefined) heard.Name = ad.name;
  if (ad.txPower !== undefined) heard.TxPower = ad.txPower;
  if (ad.manufacturerData !== undefined && ad.manufacturerData.size > 0)
    heard.ManufacturerData = bytesDict(ad.manufacturerData);
  if (ad.serviceData !== undefined && ad.serviceData.size > 0) heard.ServiceData = bytesDict(ad.serviceData);
  return heard;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The properties to signal when a device with properties `known` is heard again: only what
 * changed, except that with `duplicateData` (set by SetDiscoveryFilter) ManufacturerData and
 * ServiceData are signalled for every advertisement that carries them (doc/org.bluez.Adapter.rst).
 */
export function advertisementChanges(known: Values, ad: FakeAdvertisement, duplicateData: boolean): Values {
  const heard = advertisedValues(ad);
  if (heard.Name !== undefined && known.Name === undefined) heard.Alias = heard.Name;
  // Like bluetoothd, data of one advertisement is merged by company id / UUID into what the
  // device sent before (an advertisement and its scan response often carry different entries).
  for (const name of ['ManufacturerData', 'ServiceData']) {
    if (heard[name] !== undefined)
      heard[name] = { ...(known[name] as object | undefined), ...(heard[name] as object) };
  }
  if (ad.uuids !== undefined) {
    const uuids = [...new Set([...((known.UUIDs as string[]) ?? []), ...ad.uuids])];
    if (uuids.length !== (known.UUIDs as string[]).length) heard.UUIDs = uuids;
  }
  const changed: Values = {};
  for (const [name, value] of Object.entries(heard)) {
    const repeated = duplicateData && (name === 'ManufacturerData' || name === 'ServiceData');
    if (repeated || !sameValue(known[name], value)) changed[name] = value;
  }
  return changed;
}
