/**
 * HCI events that report nearby devices, as a host sees them (btsnoop logs, HCI monitor sockets):
 * LE Advertising Report, LE Extended Advertising Report, LE Directed Advertising Report, and the
 * BR/EDR Inquiry Result, Inquiry Result with RSSI and Extended Inquiry Result.
 * `event` starts at the event code (no H4 packet-type byte). Never throws: anything malformed
 * yields the reports read so far, or none.
 */
import type { BleAddressType } from '../../model.ts';
import { BD_ADDR_LENGTH, bleAddressType, formatBdAddr } from './address.ts';
import { parseAdStructures, type AdInfo } from './adStructures.ts';
import { recogniseBeacon } from './beacons.ts';

export const HCI_EVENT_INQUIRY_RESULT = 0x02;
export const HCI_EVENT_INQUIRY_RESULT_WITH_RSSI = 0x22;
export const HCI_EVENT_EXTENDED_INQUIRY_RESULT = 0x2f;
export const HCI_EVENT_LE_META = 0x3e;
export const LE_SUBEVENT_ADVERTISING_REPORT = 0x02;
export const LE_SUBEVENT_DIRECTED_ADVERTISING_REPORT = 0x0b;
export const LE_SUBEVENT_EXTENDED_ADVERTISING_REPORT = 0x0d;

/** HCI's "RSSI not available" (and "TX power not available"). */
const NOT_AVAILABLE = 127;
const EVENT_HEADER_LENGTH = 2;

export interface BleReport {
  /** `aa:bb:cc:dd:ee:ff`, MSB first; absent only for anonymous extended advertisements. */
  address?: string;
  addressType?: BleAddressType | 'bredr';
  rssi?: number;
  /**
   * Legacy PDU names as in BleFrame ('adv-ind', 'scan-rsp', ...); 'ext-adv' and 'ext-scan-rsp'
   * for extended advertising; 'inquiry-result' and 'extended-inquiry-result' for BR/EDR.
   */
  eventType: string;
  /** Advertising data, or the extended inquiry response for BR/EDR. */
  ad?: AdInfo;
  beacon?: string;
  /** TX power in dBm from an extended advertising report. */
  txPower?: number;
  /** BR/EDR Class of Device (24 bits). */
  classOfDevice?: number;
}

/** LE Advertising Report event types (Core Vol 4 Part E 7.7.65.2). */
const LEGACY_REPORT_TYPES = [
  'adv-ind',
  'adv-direct-ind',
  'adv-scan-ind',
  'adv-nonconn-ind',
  'scan-rsp',
] as const;

/** HCI LE address types: 0 public, 1 random, 2 public identity, 3 random static identity. */
function leAddressType(code: number, event: Uint8Array, addrAt: number): BleAddressType | undefined {
  switch (code) {
    case 0:
    case 2:
      return 'public';
    case 1:
      return bleAddressType(true, event, addrAt);
    case 3:
      return 'random-static';
    default:
      return undefined;
  }
}

function int8(b: number): number {
  return (b << 24) >> 24;
}

function rssiOf(b: number): number | undefined {
  const v = int8(b);
  return v === NOT_AVAILABLE ? undefined : v;
}

function withAd(report: BleReport, event: Uint8Array, start: number, end: number): BleReport {
  const ad = parseAdStructures(event, start, end);
  report.ad = ad;
  const beacon = recogniseBeacon(ad);
  if (beacon !== undefined) report.beacon = beacon;
  return report;
}

function leReport(eventType: string, typeCode: number, event: Uint8Array, addrAt: number): BleReport {
  const report: BleReport = { eventType, address: formatBdAddr(event, addrAt)! };
  const type = leAddressType(typeCode, event, addrAt);
  if (type !== undefined) report.addressType = type;
  return report;
}

/** Decodes one HCI event into the device reports it carries; [] for any other event. */
export function decodeHciEvent(event: Uint8Array): BleReport[] {
  if (event.length < EVENT_HEADER_LENGTH) return [];
  const end = Math.min(event.length, EVENT_HEADER_LENGTH + event[1]!);
  const p = EVENT_HEADER_LENGTH;
  switch (event[0]) {
    case HCI_EVENT_LE_META: {
      if (p >= end) return [];
      switch (event[p]) {
        case LE_SUBEVENT_ADVERTISING_REPORT:
          return advertisingReports(event, p + 1, end);
        case LE_SUBEVENT_DIRECTED_ADVERTISING_REPORT:
          return directedReports(event, p + 1, end);
        case LE_SUBEVENT_EXTENDED_ADVERTISING_REPORT:
          return extendedReports(event, p + 1, end);
        default:
          return [];
      }
    }
    case HCI_EVENT_INQUIRY_RESULT:
      return inquiryResults(event, p, end, false);
    case HCI_EVENT_INQUIRY_RESULT_WITH_RSSI:
      return inquiryResults(event, p, end, true);
    case HCI_EVENT_EXTENDED_INQUIRY_RESULT:
      return extendedInquiryResult(event, p, end);
    default:
      return [];
  }
}

/** Bytes of one LE Advertising Report besides its data: type, address type, address, length, RSSI. */
const ADV_REPORT_FIXED = 1 + 1 + BD_ADDR_LENGTH + 1 + 1;

/**
 * LE Advertising Report. The Core specification draws the parameters as arrays (all event
 * types, then all address types, ..., all data, then all RSSIs), but controllers, the Linux
 * kernel and Wireshark lay each report out whole: type, address type, address, data length, data,
 * RSSI. That layout is read first; the array layout is the fallback when it does not fit exactly.
 */
function advertisingReports(event: Uint8Array, p: number, end: number): BleReport[] {
  if (p >= end) return [];
  const n = event[p]!;
  return interleavedAdvReports(event, p + 1, end, n) ?? arrayAdvReports(event, p + 1, end, n) ?? [];
}

function legacyType(code: number): string {
  return LEGACY_REPORT_TYPES[code] ?? `adv-report-${code}`;
}

function interleavedAdvReports(
  event: Uint8Array,
  start: number,
  end: number,
  n: number,
): BleReport[] | undefined {
  const reports: BleReport[] = [];
  let q = start;
  for (let i = 0; i < n; i++) {
    if (q + ADV_REPORT_FIXED > end) return undefined;
    const dataLength = event[q + 8]!;
    const dataAt = q + 9;
    const rssiAt = dataAt + dataLength;
    if (rssiAt >= end) return undefined;
    const report = leReport(legacyType(event[q]!), event[q + 1]!, event, q + 2);
    withAd(report, event, dataAt, rssiAt);
    const rssi = rssiOf(event[rssiAt]!);
    if (rssi !== undefined) report.rssi = rssi;
    reports.push(report);
    q = rssiAt + 1;
  }
  return q === end ? reports : undefined;
}

function arrayAdvReports(event: Uint8Array, start: number, end: number, n: number): BleReport[] | undefined {
  const typesAt = start;
  const addrTypesAt = typesAt + n;
  const addrsAt = addrTypesAt + n;
  const lengthsAt = addrsAt + n * BD_ADDR_LENGTH;
  const dataAt = lengthsAt + n;
  if (dataAt > end) return undefined;
  let total = 0;
  for (let i = 0; i < n; i++) total += event[lengthsAt + i]!;
  const rssisAt = dataAt + total;
  if (rssisAt + n !== end) return undefined;
  const reports: BleReport[] = [];
  let d = dataAt;
  for (let i = 0; i < n; i++) {
    const report = leReport(
      legacyType(event[typesAt + i]!),
      event[addrTypesAt + i]!,
      event,
      addrsAt + i * BD_ADDR_LENGTH,
    );
    const length = event[lengthsAt + i]!;
    withAd(report, event, d, d + length);
    d += length;
    const rssi = rssiOf(event[rssisAt + i]!);
    if (rssi !== undefined) report.rssi = rssi;
    reports.push(report);
  }
  return reports;
}

/** LE Directed Advertising Report: type, address type, address, direct address type, direct address, RSSI. */
const DIRECTED_REPORT_LENGTH = 1 + 1 + BD_ADDR_LENGTH + 1 + BD_ADDR_LENGTH + 1;

function directedReports(event: Uint8Array, p: number, end: number): BleReport[] {
  if (p >= end) return [];
  const n = event[p]!;
  const reports: BleReport[] = [];
  let q = p + 1;
  for (let i = 0; i < n && q + DIRECTED_REPORT_LENGTH <= end; i++, q += DIRECTED_REPORT_LENGTH) {
    const report = leReport(legacyType(event[q]!), event[q + 1]!, event, q + 2);
    const rssi = rssiOf(event[q + DIRECTED_REPORT_LENGTH - 1]!);
    if (rssi !== undefined) report.rssi = rssi;
    reports.push(report);
  }
  return reports;
}

/**
 * LE Extended Advertising Report, per report: event type (2), address type, address, primary
 * PHY, secondary PHY, SID, TX power, RSSI, periodic interval (2), direct address type, direct
 * address, data length, data.
 */
const EXT_REPORT_FIXED = 2 + 1 + BD_ADDR_LENGTH + 1 + 1 + 1 + 1 + 1 + 2 + 1 + BD_ADDR_LENGTH + 1;
const EXT_OFF_ADDRESS_TYPE = 2;
const EXT_OFF_ADDRESS = 3;
const EXT_OFF_TX_POWER = 12;
const EXT_OFF_RSSI = 13;
const EXT_OFF_DATA_LENGTH = 23;
const EXT_TYPE_LEGACY = 0x0010;
const EXT_TYPE_SCAN_RESPONSE = 0x0008;
const EXT_ANONYMOUS = 0xff;
/** Legacy PDUs in an extended report (Core Vol 4 Part E 7.7.65.13). */
const EXT_LEGACY_TYPES: Readonly<Record<number, string>> = {
  0x13: 'adv-ind',
  0x15: 'adv-direct-ind',
  0x12: 'adv-scan-ind',
  0x10: 'adv-nonconn-ind',
  0x1b: 'scan-rsp',
  0x1a: 'scan-rsp',
};

function extendedEventType(code: number): string {
  if (code & EXT_TYPE_LEGACY) return EXT_LEGACY_TYPES[code & 0x1f] ?? 'adv-legacy';
  return code & EXT_TYPE_SCAN_RESPONSE ? 'ext-scan-rsp' : 'ext-adv';
}

function extendedReports(event: Uint8Array, p: number, end: number): BleReport[] {
  if (p >= end) return [];
  const n = event[p]!;
  const reports: BleReport[] = [];
  let q = p + 1;
  for (let i = 0; i < n && q + EXT_REPORT_FIXED <= end; i++) {
    const typeCode = event[q]! | (event[q + 1]! << 8);
    const addressTypeCode = event[q + EXT_OFF_ADDRESS_TYPE]!;
    const report: BleReport =
      addressTypeCode === EXT_ANONYMOUS
        ? { eventType: extendedEventType(typeCode) }
        : leReport(extendedEventType(typeCode), addressTypeCode, event, q + EXT_OFF_ADDRESS);
    const txPower = rssiOf(event[q + EXT_OFF_TX_POWER]!);
    if (txPower !== undefined) report.txPower = txPower;
    const rssi = rssiOf(event[q + EXT_OFF_RSSI]!);
    if (rssi !== undefined) report.rssi = rssi;
    const dataAt = q + EXT_REPORT_FIXED;
    const dataEnd = dataAt + event[q + EXT_OFF_DATA_LENGTH]!;
    withAd(report, event, dataAt, Math.min(dataEnd, end));
    if (dataEnd > end && report.ad) report.ad.truncated = true;
    reports.push(report);
    q = dataEnd;
  }
  return reports;
}

/**
 * Inquiry Result (with or without RSSI), per response: address, page scan repetition mode,
 * reserved (2 bytes without RSSI, 1 with), class of device (3), clock offset (2) [, RSSI].
 * Some controllers send the with-RSSI form with a page scan mode byte (15 bytes per response),
 * recognised, as the Linux kernel does, by the event length.
 */
function inquiryResults(event: Uint8Array, p: number, end: number, withRssi: boolean): BleReport[] {
  if (p >= end) return [];
  const n = event[p]!;
  if (n === 0) return [];
  let size = 14;
  if (withRssi && end - p - 1 === n * 15) size = 15;
  const codAt = size === 15 || !withRssi ? 9 : 8;
  const reports: BleReport[] = [];
  let q = p + 1;
  for (let i = 0; i < n && q + size <= end; i++, q += size) {
    const report: BleReport = {
      eventType: 'inquiry-result',
      address: formatBdAddr(event, q)!,
      addressType: 'bredr',
      classOfDevice: event[q + codAt]! | (event[q + codAt + 1]! << 8) | (event[q + codAt + 2]! << 16),
    };
    if (withRssi) {
      const rssi = rssiOf(event[q + size - 1]!);
      if (rssi !== undefined) report.rssi = rssi;
    }
    reports.push(report);
  }
  return reports;
}

/** Extended Inquiry Result: one response (14 bytes as with RSSI) followed by 240 bytes of EIR data. */
function extendedInquiryResult(event: Uint8Array, p: number, end: number): BleReport[] {
  const q = p + 1;
  if (p >= end || q + 14 > end) return [];
  const report: BleReport = {
    eventType: 'extended-inquiry-result',
    address: formatBdAddr(event, q)!,
    addressType: 'bredr',
    classOfDevice: event[q + 8]! | (event[q + 9]! << 8) | (event[q + 10]! << 16),
  };
  const rssi = rssiOf(event[q + 13]!);
  if (rssi !== undefined) report.rssi = rssi;
  return [withAd(report, event, q + 14, end)];
}
