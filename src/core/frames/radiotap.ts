/**
 * Radiotap header parsing (https://www.radiotap.org).
 *
 * The header is `version u8 (0), pad u8, length u16 LE, present u32 LE [, present u32 ...]` and
 * then the fields, each aligned to its natural alignment relative to the start of the header, in
 * the order of the presence bits. Bit 31 of a presence word says another word follows; bit 29
 * makes the next word start over in the radiotap namespace (bit 0 again); bit 30 switches it to a
 * vendor namespace whose data starts, at the point of the switch, with a 2-aligned 6-byte header
 * (OUI, sub-namespace, skip_length LE) followed by skip_length bytes that only the vendor can
 * read. A word with bit 31 but neither 29 nor 30 continues its namespace at bit 32, 64, ...
 *
 * A field whose size we do not know (an undefined bit, radiotap bits 32 and up) hides where every
 * later field lies, so parsing stops there and keeps what it already has. Bit 28 (TLVs) ends the
 * fixed fields the same way.
 */

import { frameError, type FrameError } from './frameError.ts';

export type { FrameError } from './frameError.ts';

export interface RadiotapInfo {
  headerLength: number;
  /** The first dBm antenna signal field (the combined signal when a driver reports several chains). */
  rssi?: number;
  freqMhz?: number;
  channelFlags?: number;
  flags?: number;
  /** Flags 0x10: the frame ends with its 4-byte FCS. */
  fcsAtEnd: boolean;
  /** Flags 0x40: the frame failed its FCS check. */
  badFcs: boolean;
}

/** Radiotap field bits with a meaning for us; the others are only stepped over. */
export const RadiotapField = {
  TSFT: 0,
  FLAGS: 1,
  RATE: 2,
  CHANNEL: 3,
  FHSS: 4,
  DBM_ANTSIGNAL: 5,
  DBM_ANTNOISE: 6,
  XCHANNEL: 18,
  MCS: 19,
  TLV: 28,
} as const;

export const RadiotapFlags = {
  FCS_AT_END: 0x10,
  DATA_PAD: 0x20,
  BAD_FCS: 0x40,
} as const;

const PRESENT_RADIOTAP_NAMESPACE = 0x20000000;
const PRESENT_VENDOR_NAMESPACE = 0x40000000;
const PRESENT_EXT = 0x80000000;
const PRESENT_FIELD_BITS = 0x1fffffff;
const VENDOR_HEADER = 6;

/**
 * Alignment and size of the defined radiotap fields, by bit (0..27). Bit 28 (TLVs) and anything
 * above are not fixed fields.
 */
// prettier-ignore
const FIELD_ALIGN = new Uint8Array([
  8, 1, 1, 2, 2, 1, 1, 2, 2, 2, 1, 1, 1, 1, 2, 2, 1, 1, 4, 1, 4, 2, 8, 2, 2, 2, 1, 2,
]);
// prettier-ignore
const FIELD_SIZE = new Uint8Array([
  // TSFT, Flags, Rate, Channel, FHSS, dBm antsignal, dBm antnoise, lock quality, TX attenuation,
  8, 1, 1, 4, 2, 1, 1, 2, 2,
  // dB TX attenuation, dBm TX power, antenna, dB antsignal, dB antnoise, RX flags, TX flags,
  2, 1, 1, 1, 1, 2, 2,
  // RTS retries, data retries, XChannel, MCS, A-MPDU status, VHT, timestamp, HE, HE-MU,
  1, 1, 8, 3, 8, 12, 12, 12, 12,
  // HE-MU-other-user, 0-length PSDU, L-SIG
  6, 1, 4,
]);
const KNOWN_FIELDS = FIELD_SIZE.length;

/** A reusable result, so the hot path allocates nothing; `parseRadiotap` copies it out. */
export interface RadiotapScratch {
  headerLength: number;
  rssi: number | undefined;
  freqMhz: number | undefined;
  channelFlags: number | undefined;
  flags: number | undefined;
}

export function newRadiotapScratch(): RadiotapScratch {
  return { headerLength: 0, rssi: undefined, freqMhz: undefined, channelFlags: undefined, flags: undefined };
}

/**
 * Reads the radiotap header at the start of `data` into `out`. Returns an error, or undefined on
 * success. Field values that could not be located stay undefined.
 */
export function readRadiotap(data: Uint8Array, out: RadiotapScratch): FrameError | undefined {
  out.rssi = undefined;
  out.freqMhz = undefined;
  out.channelFlags = undefined;
  out.flags = undefined;
  const available = data.length;
  if (available < 8) {
    out.headerLength = 0;
    return frameError('truncated-radiotap', `radiotap header needs 8 bytes, record has ${available}`);
  }
  if (data[0] !== 0) {
    out.headerLength = 0;
    return frameError('bad-radiotap-version', `radiotap version ${data[0]} is not 0`);
  }
  const headerLength = data[2]! | (data[3]! << 8);
  out.headerLength = headerLength;
  if (headerLength < 8)
    return frameError('bad-radiotap-length', `radiotap length ${headerLength} is below 8`);
  if (headerLength > available) {
    return frameError(
      'truncated-radiotap',
      `radiotap length ${headerLength} exceeds the ${available} captured bytes`,
    );
  }

  // Find where the presence words end: that is where the fields begin.
  let fieldsStart = 8;
  while (data[fieldsStart - 1]! & 0x80) {
    fieldsStart += 4;
    if (fieldsStart > headerLength) {
      return frameError('truncated-radiotap', 'radiotap presence bitmaps run past the header length');
    }
  }

  let offset = fieldsStart;
  let inVendor = false;
  let vendorEnd = 0;
  let base = 0;
  for (let word = 4; word < fieldsStart; word += 4) {
    const present =
      (data[word]! | (data[word + 1]! << 8) | (data[word + 2]! << 16) | (data[word + 3]! << 24)) >>> 0;
    if (!inVendor) {
      let bits = present & PRESENT_FIELD_BITS;
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const field = base + bit;
        if (field >= KNOWN_FIELDS) return undefined; // TLVs, or a field we cannot step over
        const align = FIELD_ALIGN[field]!;
        offset = (offset + align - 1) & ~(align - 1);
        const size = FIELD_SIZE[field]!;
        if (offset + size > headerLength) return undefined; // fields overrun the header: keep what we have
        switch (field) {
          case RadiotapField.FLAGS:
            out.flags = data[offset]!;
            break;
          case RadiotapField.CHANNEL:
            out.freqMhz = data[offset]! | (data[offset + 1]! << 8);
            out.channelFlags = data[offset + 2]! | (data[offset + 3]! << 8);
            break;
          case RadiotapField.DBM_ANTSIGNAL:
            if (out.rssi === undefined) out.rssi = (data[offset]! << 24) >> 24;
            break;
          case RadiotapField.XCHANNEL:
            // u32 flags, u16 freq, u8 channel, u8 max power; used only when there is no Channel field.
            if (out.freqMhz === undefined) out.freqMhz = data[offset + 4]! | (data[offset + 5]! << 8);
            break;
        }
        offset += size;
      }
    }
    if ((present & PRESENT_EXT) === 0) break;
    const toRadiotap = (present & PRESENT_RADIOTAP_NAMESPACE) !== 0;
    const toVendor = (present & PRESENT_VENDOR_NAMESPACE) !== 0;
    if (toRadiotap && toVendor) return undefined; // contradictory: cannot tell where the next word's data is
    if (toRadiotap || toVendor) {
      if (inVendor) offset = vendorEnd;
      base = 0;
      inVendor = toVendor;
      if (toVendor) {
        offset = (offset + 1) & ~1;
        if (offset + VENDOR_HEADER > headerLength) return undefined;
        const skip = data[offset + 4]! | (data[offset + 5]! << 8);
        offset += VENDOR_HEADER;
        vendorEnd = offset + skip;
      }
    } else {
      base += 32;
    }
  }
  return undefined;
}

/** Parses the radiotap header at the start of `data`. */
export function parseRadiotap(data: Uint8Array): RadiotapInfo | FrameError {
  const out = newRadiotapScratch();
  const error = readRadiotap(data, out);
  if (error !== undefined) return error;
  const flags = out.flags ?? 0;
  return {
    headerLength: out.headerLength,
    rssi: out.rssi,
    freqMhz: out.freqMhz,
    channelFlags: out.channelFlags,
    flags: out.flags,
    fcsAtEnd: (flags & RadiotapFlags.FCS_AT_END) !== 0,
    badFcs: (flags & RadiotapFlags.BAD_FCS) !== 0,
  };
}
