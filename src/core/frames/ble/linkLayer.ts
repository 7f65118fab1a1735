/**
 * LE link-layer packets as sniffers capture them (access address, PDU header, payload, CRC), and
 * the capture link types that carry them: 251 (bare), 256 (LE PHDR), 272 (nRF Sniffer) and 192
 * (PPI around Ubertooth). Never throws.
 */
import type { BleAddressType } from '../../model.ts';
import { bleAddressType, BD_ADDR_LENGTH, formatBdAddr } from './address.ts';
import { parseAdStructures, type AdInfo } from './adStructures.ts';
import { recogniseBeacon } from './beacons.ts';
import { bleError, isBleError, type BleError } from './bleError.ts';
import { parseLePhdr } from './lePhdr.ts';
import { parseNordicHeader } from './nordicSniffer.ts';
import { LINKTYPE_PPI, parsePpiBtle } from './ppi.ts';
import type { RadioMeta } from './radioMeta.ts';

export { isRandomizedBle } from './address.ts';

export const LINKTYPE_BLUETOOTH_LE_LL = 251;
export const LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR = 256;
export const LINKTYPE_NORDIC_BLE = 272;
export { LINKTYPE_PPI };
/** Link types decodeBleRecord understands (192 only around Ubertooth BLE). */
export const BLE_LINK_TYPES: readonly number[] = [
  LINKTYPE_BLUETOOTH_LE_LL,
  LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR,
  LINKTYPE_NORDIC_BLE,
  LINKTYPE_PPI,
];

/** The access address of every advertising-channel packet. */
export const ADVERTISING_ACCESS_ADDRESS = 0x8e89bed6;

export type BlePduType =
  | 'adv-ind'
  | 'adv-direct-ind'
  | 'adv-nonconn-ind'
  | 'scan-req'
  | 'scan-rsp'
  | 'connect-ind'
  | 'adv-scan-ind'
  | 'adv-ext-ind'
  | 'aux-connect-rsp'
  | 'data';

export interface BleFrame {
  /** 'adv-ext-ind' covers every PDU of type 7 (ADV_EXT_IND and the AUX_* PDUs that share it). */
  pduType: BlePduType;
  /**
   * The transmitter's address, `aa:bb:cc:dd:ee:ff` MSB first: AdvA for advertising PDUs, ScanA
   * for SCAN_REQ, InitA for CONNECT_IND. Absent for data PDUs and for extended PDUs without AdvA.
   */
  advertiser?: string;
  addressType?: BleAddressType;
  /** The addressed device: TargetA (directed and extended PDUs), AdvA for SCAN_REQ and CONNECT_IND. */
  target?: string;
  targetAddressType?: BleAddressType;
  rssi?: number;
  /** Channel index, 0..39. */
  channel?: number;
  /** Present when the capture tool checked the CRC; frames with a bad CRC may have wrong addresses. */
  crcOk?: boolean;
  ad?: AdInfo;
  beacon?: string;
}

const PDU_TYPES: readonly BlePduType[] = [
  'adv-ind',
  'adv-direct-ind',
  'adv-nonconn-ind',
  'scan-req',
  'scan-rsp',
  'connect-ind',
  'adv-scan-ind',
  'adv-ext-ind',
  'aux-connect-rsp',
];

const ACCESS_ADDRESS_LENGTH = 4;
const CODING_INDICATOR_LENGTH = 1;
const PDU_HEADER_LENGTH = 2;
const HDR_TYPE_MASK = 0x0f;
const HDR_TX_ADD = 0x40;
const HDR_RX_ADD = 0x80;

/** Common Extended Advertising Payload Format (Core Vol 6 Part B 2.3.4). */
const EXT_HEADER_LENGTH_MASK = 0x3f;
const EXT_FLAG_ADV_A = 0x01;
const EXT_FLAG_TARGET_A = 0x02;
/** Sizes of the optional fields after AdvA and TargetA, in flag-bit order from bit 2. */
const EXT_OPTIONAL_FIELDS: readonly [flag: number, size: number][] = [
  [0x04, 1], // CTEInfo
  [0x08, 2], // ADI
  [0x10, 3], // AuxPtr
  [0x20, 18], // SyncInfo
  [0x40, 1], // TxPower
];

function withAd(frame: BleFrame, data: Uint8Array, start: number, end: number): BleFrame {
  const ad = parseAdStructures(data, start, end);
  frame.ad = ad;
  const beacon = recogniseBeacon(ad);
  if (beacon !== undefined) frame.beacon = beacon;
  return frame;
}

function setAddress(
  frame: BleFrame,
  role: 'advertiser' | 'target',
  data: Uint8Array,
  offset: number,
  random: boolean,
): void {
  const address = formatBdAddr(data, offset)!;
  const type = bleAddressType(random, data, offset);
  if (role === 'advertiser') {
    frame.advertiser = address;
    frame.addressType = type;
  } else {
    frame.target = address;
    frame.targetAddressType = type;
  }
}

function truncated(what: string, need: number, have: number): BleError {
  return bleError('ble-pdu-truncated', `${what} needs ${need} payload bytes, the PDU has ${have}`);
}

/**
 * Decodes one LE packet starting at its access address (`data[offset]`). `meta` carries what the
 * capture header said (RSSI, channel, PHY, CRC status). The 3-byte CRC after the payload is not
 * checked here.
 */
export function decodeLlPacket(
  data: Uint8Array,
  offset: number,
  meta: Omit<RadioMeta, 'llOffset'> = {},
): BleFrame | BleError {
  const headerAt = offset + ACCESS_ADDRESS_LENGTH + (meta.phy === 'coded' ? CODING_INDICATOR_LENGTH : 0);
  if (offset < 0 || headerAt + PDU_HEADER_LENGTH > data.length) {
    return bleError(
      'ble-truncated',
      `LE packet of ${Math.max(0, data.length - offset)} bytes has no complete PDU header`,
    );
  }
  const aa =
    (data[offset]! | (data[offset + 1]! << 8) | (data[offset + 2]! << 16) | (data[offset + 3]! << 24)) >>> 0;
  const frame: BleFrame = { pduType: 'data' };
  if (meta.rssi !== undefined) frame.rssi = meta.rssi;
  if (meta.channel !== undefined) frame.channel = meta.channel;
  if (meta.crcOk !== undefined) frame.crcOk = meta.crcOk;
  if (aa !== ADVERTISING_ACCESS_ADDRESS && !meta.advertising) return frame;

  const header = data[headerAt]!;
  const length = data[headerAt + 1]!;
  const p = headerAt + PDU_HEADER_LENGTH;
  const end = p + length;
  if (end > data.length) {
    return bleError(
      'ble-pdu-truncated',
      `PDU length ${length} runs past the ${data.length - p} bytes captured`,
    );
  }
  const type = header & HDR_TYPE_MASK;
  const pduType = PDU_TYPES[type];
  if (pduType === undefined) {
    return bleError('ble-reserved-pdu-type', `advertising PDU type ${type} is reserved`);
  }
  frame.pduType = pduType;
  const txRandom = (header & HDR_TX_ADD) !== 0;
  const rxRandom = (header & HDR_RX_ADD) !== 0;

  switch (pduType) {
    case 'adv-ind':
    case 'adv-nonconn-ind':
    case 'adv-scan-ind':
    case 'scan-rsp':
      if (length < BD_ADDR_LENGTH) return truncated(pduType, BD_ADDR_LENGTH, length);
      setAddress(frame, 'advertiser', data, p, txRandom);
      return withAd(frame, data, p + BD_ADDR_LENGTH, end);
    case 'adv-direct-ind':
      if (length < 2 * BD_ADDR_LENGTH) return truncated(pduType, 2 * BD_ADDR_LENGTH, length);
      setAddress(frame, 'advertiser', data, p, txRandom);
      setAddress(frame, 'target', data, p + BD_ADDR_LENGTH, rxRandom);
      return frame;
    case 'scan-req':
    case 'connect-ind':
      // ScanA or InitA (the transmitter, TxAdd), then AdvA (RxAdd).
      if (length < 2 * BD_ADDR_LENGTH) return truncated(pduType, 2 * BD_ADDR_LENGTH, length);
      setAddress(frame, 'advertiser', data, p, txRandom);
      setAddress(frame, 'target', data, p + BD_ADDR_LENGTH, rxRandom);
      return frame;
    case 'adv-ext-ind':
    case 'aux-connect-rsp':
      return decodeExtended(frame, data, p, end, txRandom, rxRandom);
    default:
      return frame;
  }
}

function decodeExtended(
  frame: BleFrame,
  data: Uint8Array,
  p: number,
  end: number,
  txRandom: boolean,
  rxRandom: boolean,
): BleFrame | BleError {
  if (p >= end) return truncated(frame.pduType, 1, 0);
  const extLength = data[p]! & EXT_HEADER_LENGTH_MASK;
  const extEnd = p + 1 + extLength;
  if (extEnd > end) return truncated('extended header', 1 + extLength, end - p);
  if (extLength > 0) {
    const flags = data[p + 1]!;
    let q = p + 2;
    if (flags & EXT_FLAG_ADV_A) {
      if (q + BD_ADDR_LENGTH > extEnd) return truncated('AdvA', q + BD_ADDR_LENGTH - p, extEnd - p);
      setAddress(frame, 'advertiser', data, q, txRandom);
      q += BD_ADDR_LENGTH;
    }
    if (flags & EXT_FLAG_TARGET_A) {
      if (q + BD_ADDR_LENGTH > extEnd) return truncated('TargetA', q + BD_ADDR_LENGTH - p, extEnd - p);
      setAddress(frame, 'target', data, q, rxRandom);
      q += BD_ADDR_LENGTH;
    }
    for (const [flag, size] of EXT_OPTIONAL_FIELDS) {
      if (flags & flag) q += size;
    }
    if (q > extEnd) return truncated('extended header fields', q - p, extEnd - p);
  }
  if (extEnd < end) return withAd(frame, data, extEnd, end);
  return frame;
}

/**
 * Decodes one capture record of a BLE link type. Returns undefined for link types that are not
 * BLE and for nRF Sniffer records that are sniffer events rather than received packets.
 */
export function decodeBleRecord(linkType: number, data: Uint8Array): BleFrame | BleError | undefined {
  let meta: RadioMeta | BleError | undefined;
  switch (linkType) {
    case LINKTYPE_BLUETOOTH_LE_LL:
      meta = { llOffset: 0 };
      break;
    case LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR:
      meta = parseLePhdr(data);
      break;
    case LINKTYPE_NORDIC_BLE:
      meta = parseNordicHeader(data);
      break;
    case LINKTYPE_PPI:
      meta = parsePpiBtle(data);
      break;
    default:
      return undefined;
  }
  if (meta === undefined || isBleError(meta)) return meta;
  return decodeLlPacket(data, meta.llOffset, meta);
}
