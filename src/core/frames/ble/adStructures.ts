/**
 * Advertising data (AD) structures, as carried in advertising PDUs, HCI advertising reports and
 * BR/EDR extended inquiry responses: a sequence of `[length][type][length - 1 bytes]`
 * (Core Supplement Part A). Never throws; malformed input ends the walk with `truncated` set.
 */
import { displayText } from './displayText.ts';

/** AD type codes (Bluetooth Assigned Numbers, "Common Data Types"). */
export const AdType = {
  flags: 0x01,
  incomplete16: 0x02,
  complete16: 0x03,
  incomplete32: 0x04,
  complete32: 0x05,
  incomplete128: 0x06,
  complete128: 0x07,
  shortName: 0x08,
  completeName: 0x09,
  txPower: 0x0a,
  serviceData16: 0x16,
  appearance: 0x19,
  serviceData32: 0x20,
  serviceData128: 0x21,
  manufacturerData: 0xff,
} as const;

export interface ManufacturerData {
  /** Bluetooth SIG company identifier (the first two bytes, little-endian). */
  companyId: number;
  /** The bytes after the company identifier. */
  data: Uint8Array;
}

export interface ServiceData {
  /** Same form as the service UUID lists: 4, 8 or 36 lower-case hex characters. */
  uuid: string;
  data: Uint8Array;
}

export interface AdInfo {
  flags?: number;
  /** Complete local name, display form (see displayText.ts). */
  localName?: string;
  /** Shortened local name, display form. */
  shortName?: string;
  /** TX power level in dBm. */
  txPower?: number;
  manufacturerData: ManufacturerData[];
  /** 16-bit UUIDs as 4 hex digits, e.g. 'feaa'. */
  serviceUuids16: string[];
  /** 32-bit UUIDs as 8 hex digits. */
  serviceUuids32: string[];
  /** 128-bit UUIDs in the canonical 8-4-4-4-12 form. */
  serviceUuids128: string[];
  serviceData: ServiceData[];
  /** GAP appearance value. */
  appearance?: number;
  /** True when a structure ran past the end or was too short for its type. */
  truncated: boolean;
}

export function emptyAdInfo(): AdInfo {
  return {
    manufacturerData: [],
    serviceUuids16: [],
    serviceUuids32: [],
    serviceUuids128: [],
    serviceData: [],
    truncated: false,
  };
}

function hexLe(data: Uint8Array, offset: number, length: number): string {
  let s = '';
  for (let i = length - 1; i >= 0; i--) s += data[offset + i]!.toString(16).padStart(2, '0');
  return s;
}

/** A UUID of 2, 4 or 16 bytes, stored little-endian, in its display form. */
export function formatUuid(data: Uint8Array, offset: number, length: 2 | 4 | 16): string {
  const h = hexLe(data, offset, length);
  if (length !== 16) return h;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function pushUuids(list: string[], data: Uint8Array, start: number, end: number, size: 2 | 4 | 16): boolean {
  let p = start;
  for (; p + size <= end; p += size) list.push(formatUuid(data, p, size));
  return p === end;
}

/**
 * Parses the AD structures in `data[offset, end)`. `end` is clamped to the buffer. A zero length
 * byte ends the data (the rest is padding, as in extended inquiry responses).
 */
export function parseAdStructures(data: Uint8Array, offset: number, end: number): AdInfo {
  const info = emptyAdInfo();
  const stop = Math.min(end, data.length);
  let p = Math.max(0, offset);
  while (p < stop) {
    const len = data[p]!;
    if (len === 0) break;
    const valueStart = p + 2;
    const next = p + 1 + len;
    if (next > stop) {
      info.truncated = true;
      break;
    }
    const type = data[p + 1]!;
    const vlen = next - valueStart;
    if (!parseOne(info, type, data, valueStart, next, vlen)) info.truncated = true;
    p = next;
  }
  return info;
}

/** Records one structure; returns false when its value is too short for its type. */
function parseOne(
  info: AdInfo,
  type: number,
  data: Uint8Array,
  start: number,
  end: number,
  vlen: number,
): boolean {
  switch (type) {
    case AdType.flags:
      if (vlen < 1) return false;
      info.flags = data[start]!;
      return true;
    case AdType.incomplete16:
    case AdType.complete16:
      return pushUuids(info.serviceUuids16, data, start, end, 2);
    case AdType.incomplete32:
    case AdType.complete32:
      return pushUuids(info.serviceUuids32, data, start, end, 4);
    case AdType.incomplete128:
    case AdType.complete128:
      return pushUuids(info.serviceUuids128, data, start, end, 16);
    case AdType.shortName:
      info.shortName = displayText(data, start, end);
      return true;
    case AdType.completeName:
      info.localName = displayText(data, start, end);
      return true;
    case AdType.txPower:
      if (vlen < 1) return false;
      info.txPower = (data[start]! << 24) >> 24;
      return true;
    case AdType.appearance:
      if (vlen < 2) return false;
      info.appearance = data[start]! | (data[start + 1]! << 8);
      return true;
    case AdType.serviceData16:
      return pushServiceData(info, data, start, end, 2);
    case AdType.serviceData32:
      return pushServiceData(info, data, start, end, 4);
    case AdType.serviceData128:
      return pushServiceData(info, data, start, end, 16);
    case AdType.manufacturerData:
      if (vlen < 2) return false;
      info.manufacturerData.push({
        companyId: data[start]! | (data[start + 1]! << 8),
        data: data.slice(start + 2, end),
      });
      return true;
    default:
      return true;
  }
}

function pushServiceData(
  info: AdInfo,
  data: Uint8Array,
  start: number,
  end: number,
  size: 2 | 4 | 16,
): boolean {
  if (end - start < size) return false;
  info.serviceData.push({ uuid: formatUuid(data, start, size), data: data.slice(start + size, end) });
  return true;
}
