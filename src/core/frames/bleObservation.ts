import type { BleAddressType, Observation } from '../model.ts';
import type { AdInfo } from './ble/adStructures.ts';
import type { BleReport } from './ble/hciEvents.ts';
import type { BleFrame } from './ble/linkLayer.ts';

/**
 * PDUs whose transmitter is an advertiser, i.e. a device present in the space. SCAN_REQ and
 * CONNECT_IND come from a scanner or initiator and name the advertiser only as their target.
 */
const ADVERTISING_PDUS = new Set([
  'adv-ind',
  'adv-direct-ind',
  'adv-nonconn-ind',
  'adv-scan-ind',
  'scan-rsp',
  'adv-ext-ind',
  'ext-adv',
  'ext-scan-rsp',
  'inquiry-result',
  'extended-inquiry-result',
]);

export function isAdvertisement(pduType: string): boolean {
  return ADVERTISING_PDUS.has(pduType);
}

function withAdvertisingData(
  o: Observation,
  ad: AdInfo | undefined,
  txPower: number | undefined,
): Observation {
  const name = ad?.localName ?? ad?.shortName;
  if (name !== undefined) o.name = name;
  const companyId = ad?.manufacturerData[0]?.companyId;
  if (companyId !== undefined) o.companyId = companyId;
  const tx = txPower ?? ad?.txPower;
  if (tx !== undefined) o.txPower = tx;
  return o;
}

/** An advertising PDU from a sniffer capture (link types 251, 256, 272, 192). */
export function observationFromBleFrame(
  frame: BleFrame,
  t: number,
  sensorId: string,
): Observation | undefined {
  if (frame.advertiser === undefined || !isAdvertisement(frame.pduType)) return undefined;
  const o: Observation = { t, sensorId, medium: 'ble', mac: frame.advertiser, frameType: frame.pduType };
  if (frame.addressType !== undefined) o.addressType = frame.addressType;
  if (frame.rssi !== undefined) o.rssi = frame.rssi;
  if (frame.channel !== undefined) o.channel = frame.channel;
  return withAdvertisingData(o, frame.ad, undefined);
}

/** An advertising or inquiry report from a host controller (btsnoop logs, BlueZ). */
export function observationFromReport(
  report: BleReport,
  t: number,
  sensorId: string,
): Observation | undefined {
  if (report.address === undefined) return undefined;
  const o: Observation = { t, sensorId, medium: 'ble', mac: report.address, frameType: report.eventType };
  // BR/EDR (classic) addresses are IEEE-assigned public addresses.
  const addressType: BleAddressType =
    report.addressType === 'bredr' || report.addressType === undefined ? 'public' : report.addressType;
  o.addressType = addressType;
  if (report.rssi !== undefined) o.rssi = report.rssi;
  return withAdvertisingData(o, report.ad, report.txPower);
}
