/**
 * The IEEE 802.11 MAC header: frame control, addresses, sequence control.
 *
 * Who transmitted a frame is what presence analytics counts, so the rules matter:
 * - management frames: addr1 = receiver (DA), addr2 = transmitter (SA), addr3 = BSSID;
 * - data frames: addr1 = receiver, addr2 = transmitter for every ToDS/FromDS combination; the
 *   BSSID is addr3 (no DS bit), addr2 (FromDS), addr1 (ToDS) or absent (both: a 4-address frame
 *   between two distribution-system stations, which also carries addr4);
 * - control frames: RTS, PS-Poll, BlockAckReq, BlockAck, CF-End(+CF-Ack), beamforming report
 *   poll, VHT/HE NDP announcement and trigger frames carry a TA in addr2; ACK and CTS carry only
 *   a receiver and so have no transmitter. A control frame's TA may have its group bit set to
 *   signal bandwidth (IEEE 802.11-2020 9.3.1.2, "bandwidth signaling TA"): a transmitter is never
 *   a group address, so the bit is cleared. Control frames have no sequence control field.
 */

import { frameError, type FrameError } from './frameError.ts';

export type { FrameError } from './frameError.ts';

export const FrameClass = { MANAGEMENT: 0, CONTROL: 1, DATA: 2, EXTENSION: 3 } as const;

/** Frame control byte 1. */
export const FcFlags = {
  TO_DS: 0x01,
  FROM_DS: 0x02,
  MORE_FRAGMENTS: 0x04,
  RETRY: 0x08,
  POWER_MANAGEMENT: 0x10,
  MORE_DATA: 0x20,
  PROTECTED: 0x40,
  /** +HTC in QoS data and management frames (an HT Control field follows), Order in others. */
  HTC_ORDER: 0x80,
} as const;

export const ManagementSubtype = { PROBE_REQUEST: 4, BEACON: 8 } as const;

// prettier-ignore
const MANAGEMENT_NAMES = [
  'assoc-req', 'assoc-resp', 'reassoc-req', 'reassoc-resp', 'probe-req', 'probe-resp', 'timing-advert', 'mgmt-7',
  'beacon', 'atim', 'disassoc', 'auth', 'deauth', 'action', 'action-noack', 'mgmt-15',
];
// prettier-ignore
const CONTROL_NAMES = [
  'ctrl-0', 'ctrl-1', 'trigger', 'tack', 'bf-report-poll', 'ndp-announce', 'ctrl-ext', 'ctrl-wrapper',
  'block-ack-req', 'block-ack', 'ps-poll', 'rts', 'cts', 'ack', 'cf-end', 'cf-end-ack',
];
// prettier-ignore
const DATA_NAMES = [
  'data', 'data-cf-ack', 'data-cf-poll', 'data-cf-ack-poll', 'null', 'cf-ack', 'cf-poll', 'cf-ack-poll',
  'qos-data', 'qos-data-cf-ack', 'qos-data-cf-poll', 'qos-data-cf-ack-poll', 'qos-null', 'data-13', 'qos-cf-poll',
  'qos-cf-ack-poll',
];

/** Stable short names indexed by `type << 4 | subtype`; type 3 (extension) frames are all 'ext'. */
export const FRAME_TYPE_NAMES: readonly string[] = [
  ...MANAGEMENT_NAMES,
  ...CONTROL_NAMES,
  ...DATA_NAMES,
  ...new Array<string>(16).fill('ext'),
];

/**
 * Control subtypes that carry a transmitter address in addr2, as a 16-bit mask:
 * trigger (2), TACK (3), BF report poll (4), NDP announcement (5), BlockAckReq (8),
 * BlockAck (9), PS-Poll (10), RTS (11), CF-End (14), CF-End+CF-Ack (15).
 */
const CONTROL_WITH_TA =
  (1 << 2) |
  (1 << 3) |
  (1 << 4) |
  (1 << 5) |
  (1 << 8) |
  (1 << 9) |
  (1 << 10) |
  (1 << 11) |
  (1 << 14) |
  (1 << 15);

/** Lower-case two-digit hex for each byte value. */
export const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);

// Char codes of lower-case hex digits, for building MAC strings in one flat allocation.
const HEX_CODE = Array.from({ length: 16 }, (_, i) => i.toString(16).charCodeAt(0));
const COLON = 0x3a;

/** `aa:bb:cc:dd:ee:ff` for the six bytes at `offset` (which must lie within `bytes`). */
export function macToString(bytes: Uint8Array, offset: number): string {
  return macString(
    bytes[offset]!,
    bytes[offset + 1]!,
    bytes[offset + 2]!,
    bytes[offset + 3]!,
    bytes[offset + 4]!,
    bytes[offset + 5]!,
  );
}

function macString(a: number, b: number, c: number, d: number, e: number, f: number): string {
  return String.fromCharCode(
    HEX_CODE[a >> 4]!,
    HEX_CODE[a & 15]!,
    COLON,
    HEX_CODE[b >> 4]!,
    HEX_CODE[b & 15]!,
    COLON,
    HEX_CODE[c >> 4]!,
    HEX_CODE[c & 15]!,
    COLON,
    HEX_CODE[d >> 4]!,
    HEX_CODE[d & 15]!,
    COLON,
    HEX_CODE[e >> 4]!,
    HEX_CODE[e & 15]!,
    COLON,
    HEX_CODE[f >> 4]!,
    HEX_CODE[f & 15]!,
  );
}

/** A control frame's TA with the bandwidth-signaling (group) bit cleared. */
function controlTaString(bytes: Uint8Array, offset: number): string {
  return macString(
    bytes[offset]! & 0xfe,
    bytes[offset + 1]!,
    bytes[offset + 2]!,
    bytes[offset + 3]!,
    bytes[offset + 4]!,
    bytes[offset + 5]!,
  );
}

export interface WifiHeader {
  type: number;
  subtype: number;
  frameType: string;
  toDs: boolean;
  fromDs: boolean;
  /** Lower-case `aa:bb:cc:dd:ee:ff`; absent for ACK, CTS and frames without a TA. */
  transmitter?: string;
  receiver?: string;
  bssid?: string;
  /** Sequence number (0..4095); absent in control frames. */
  seq?: number;
  /** Absolute index in `data` where the frame body starts (after addr4, QoS control and HT control). */
  bodyOffset: number;
  retry: boolean;
  protected: boolean;
}

/**
 * Length of the MAC header of a frame with this frame control, or 0 when its layout is not
 * known (extension frames). The caller checks it against the bytes available.
 */
export function macHeaderLength(fc0: number, fc1: number): number {
  const type = (fc0 >> 2) & 3;
  const subtype = fc0 >> 4;
  if (type === FrameClass.MANAGEMENT) return fc1 & FcFlags.HTC_ORDER ? 28 : 24;
  if (type === FrameClass.DATA) {
    let length = (fc1 & 3) === 3 ? 30 : 24;
    if (subtype & 8) {
      length += 2; // QoS control
      if (fc1 & FcFlags.HTC_ORDER) length += 4; // HT control
    }
    return length;
  }
  if (type === FrameClass.CONTROL) {
    if (subtype === 12 || subtype === 13) return 10; // CTS, ACK: FC, duration, RA
    if (subtype === 7) return 16; // control wrapper: FC, duration, RA, carried FC, HT control
    return (CONTROL_WITH_TA >> subtype) & 1 ? 16 : 10;
  }
  return 0;
}

/** True when a frame with this type and subtype names its transmitter in addr2. */
export function hasTransmitter(type: number, subtype: number): boolean {
  if (type === FrameClass.MANAGEMENT || type === FrameClass.DATA) return true;
  return type === FrameClass.CONTROL && ((CONTROL_WITH_TA >> subtype) & 1) === 1;
}

/** Parses the 802.11 MAC header of the `length` bytes at `offset` in `data`. */
export function parseWifiHeader(data: Uint8Array, offset: number, length: number): WifiHeader | FrameError {
  const end = Math.min(data.length, offset + length);
  if (offset < 0 || end - offset < 10)
    return frameError('truncated-80211-header', '802.11 frame shorter than 10 bytes');
  const fc0 = data[offset]!;
  const fc1 = data[offset + 1]!;
  if ((fc0 & 3) !== 0) {
    return frameError('unsupported-80211-version', `802.11 protocol version ${fc0 & 3} is not supported`);
  }
  const type = (fc0 >> 2) & 3;
  const subtype = fc0 >> 4;
  const frameType = FRAME_TYPE_NAMES[(type << 4) | subtype]!;
  const headerLength = type === FrameClass.EXTENSION ? 10 : macHeaderLength(fc0, fc1);
  if (end - offset < headerLength) {
    return frameError(
      'truncated-80211-header',
      `${frameType} header needs ${headerLength} bytes, frame has ${end - offset}`,
    );
  }
  const toDs = (fc1 & FcFlags.TO_DS) !== 0;
  const fromDs = (fc1 & FcFlags.FROM_DS) !== 0;
  let transmitter: string | undefined;
  let receiver: string | undefined;
  let bssid: string | undefined;
  let seq: number | undefined;
  if (type === FrameClass.MANAGEMENT || type === FrameClass.DATA) {
    receiver = macToString(data, offset + 4);
    transmitter = macToString(data, offset + 10);
    seq = (data[offset + 22]! | (data[offset + 23]! << 8)) >> 4;
    if (type === FrameClass.MANAGEMENT || (!toDs && !fromDs)) bssid = macToString(data, offset + 16);
    else if (fromDs && !toDs) bssid = transmitter;
    else if (toDs && !fromDs) bssid = receiver;
  } else if (type === FrameClass.CONTROL) {
    receiver = macToString(data, offset + 4);
    if (hasTransmitter(type, subtype)) transmitter = controlTaString(data, offset + 10);
    if (subtype === 10)
      bssid = receiver; // PS-Poll: addr1 is the BSSID
    else if (subtype === 14 || subtype === 15) bssid = transmitter; // CF-End: addr2 is the BSSID
  }
  return {
    type,
    subtype,
    frameType,
    toDs,
    fromDs,
    transmitter,
    receiver,
    bssid,
    seq,
    bodyOffset: offset + headerLength,
    retry: (fc1 & FcFlags.RETRY) !== 0,
    protected: (fc1 & FcFlags.PROTECTED) !== 0,
  };
}

/** Transmitter of the frame at `offset`, for the hot path; the header must be known to fit. */
export function transmitterAt(
  data: Uint8Array,
  offset: number,
  type: number,
  subtype: number,
): string | undefined {
  if (type === FrameClass.MANAGEMENT || type === FrameClass.DATA) return macToString(data, offset + 10);
  if (type === FrameClass.CONTROL && (CONTROL_WITH_TA >> subtype) & 1)
    return controlTaString(data, offset + 10);
  return undefined;
}
