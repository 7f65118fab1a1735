/**
 * Real advertising reports for the stand-in BlueZ to replay: the HCI LE Advertising Reports of
 * test/fixtures/ble/horizon74_btsnoop_hci.log (36 devices, 412 reports over 13 s; MIT, see
 * test/fixtures/NOTICE.md), with their addresses, address types, RSSIs, names, TX power and
 * manufacturer and service data, as the controller handed them to the host.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BtsnoopStreamReader } from '../../../src/core/frames/ble/btsnoop.ts';
import { decodeHciEvent } from '../../../src/core/frames/ble/hciEvents.ts';
import type { BleAddressType } from '../../../src/core/model.ts';
import { fixtures } from '../paths.ts';
import type { FakeAdvertisement } from './fakeAdvertisement.ts';

export const RECORDED_BTSNOOP = join(fixtures, 'ble/horizon74_btsnoop_hci.log');

/** BlueZ writes every UUID in full: 16-bit ones on the Bluetooth base UUID. */
function fullUuid(uuid: string): string {
  return uuid.length === 4 ? `0000${uuid}-0000-1000-8000-00805f9b34fb` : uuid;
}

export interface RecordedAdvertisement extends FakeAdvertisement {
  /** Seconds since the first report of the recording. */
  offset: number;
  /** The address type the HCI report gave, random ones refined by their top bits. */
  hciAddressType: BleAddressType;
}

export function recordedAdvertisements(): RecordedAdvertisement[] {
  const out: RecordedAdvertisement[] = [];
  let first: number | undefined;
  const reader = new BtsnoopStreamReader({
    onRecord(record) {
      if (record.hciEvent === undefined) return;
      for (const report of decodeHciEvent(record.hciEvent)) {
        if (report.address === undefined || report.rssi === undefined) continue;
        first ??= record.t;
        const hciAddressType: BleAddressType =
          report.addressType === undefined || report.addressType === 'bredr' ? 'public' : report.addressType;
        const ad: RecordedAdvertisement = {
          offset: record.t - first,
          address: report.address,
          addressType: hciAddressType === 'public' ? 'public' : 'random',
          hciAddressType,
          rssi: report.rssi,
        };
        const name = report.ad?.localName ?? report.ad?.shortName;
        if (name !== undefined) ad.name = name;
        const txPower = report.txPower ?? report.ad?.txPower;
        if (txPower !== undefined) ad.txPower = txPower;
        if (report.ad !== undefined && report.ad.manufacturerData.length > 0) {
          ad.manufacturerData = new Map(report.ad.manufacturerData.map((m) => [m.companyId, m.data]));
        }
        if (report.ad !== undefined && report.ad.serviceData.length > 0) {
          ad.serviceData = new Map(report.ad.serviceData.map((s) => [fullUuid(s.uuid), s.data]));
        }
        const uuids =
          report.ad === undefined
            ? []
            : [...report.ad.serviceUuids16, ...report.ad.serviceUuids128].map(fullUuid);
        if (uuids.length > 0) ad.uuids = uuids;
        out.push(ad);
      }
    },
    onProblem(problem) {
      if (problem.fatal) throw new Error(problem.message);
    },
  });
  reader.push(readFileSync(RECORDED_BTSNOOP));
  reader.end();
  return out;
}

/** Every way an address could be written: colons, dashes, underscores (object paths), bare hex; any case. */
export function addressSpellings(address: string): string[] {
  const lower = address.toLowerCase();
  const forms = [lower, lower.replace(/:/g, '-'), lower.replace(/:/g, '_'), lower.replace(/:/g, '')];
  return [...forms, ...forms.map((f) => f.toUpperCase())];
}
