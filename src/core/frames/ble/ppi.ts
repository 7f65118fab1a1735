/**
 * LINKTYPE_PPI (192) as written by libbtbb/Ubertooth: an 8-byte PPI header, a BTLE field (type
 * 30006), then the LE packet from its access address. Other PPI payloads (802.11 and the rest)
 * are refused.
 *
 * PPI header (little-endian): version (1), flags (1; bit 0 = fields 32-bit aligned), length (2),
 * inner link type (4). Field: type (2), length (2), data.
 * BTLE field data: version (1), channel as MHz (2), clkn_high (1), clk100ns (4), rssi_max (1),
 * rssi_min (1), rssi_avg (1), rssi_count (1); RSSI values are raw CC2400 readings.
 */
import { bleError, type BleError } from './bleError.ts';
import { frequencyToChannelIndex, type RadioMeta } from './radioMeta.ts';

export const LINKTYPE_PPI = 192;
const PPI_HEADER_LENGTH = 8;
const PPI_FLAG_ALIGNED = 0x01;
const PPI_FIELD_BTLE = 30006;
const BTLE_FIELD_LENGTH = 12;
const BTLE_OFF_CHANNEL = 1;
const BTLE_OFF_RSSI_MAX = 8;
/** Inner link types libbtbb used for LE: USER0 (147) and, later, BLUETOOTH_LE_LL (251). */
const LE_INNER_LINK_TYPES = new Set([147, 251]);

const UNSUPPORTED = 'unsupported-link-type-192';

/**
 * dBm from a raw CC2400 RSSI reading: a piece-wise linear model of the CC2400 datasheet curve
 * for 1 Mbit/s (the same model ubertooth-btle uses when it writes link type 256 files).
 */
export function cc2400RssiToDbm(raw: number): number {
  if (raw < -48) return -120;
  if (raw <= -45) return 6 * (raw + 28);
  if (raw <= 30) return Math.trunc((99 * (raw - 62)) / 110);
  if (raw <= 35) return Math.trunc((60 * (raw - 35)) / 11);
  return 0;
}

function le16(data: Uint8Array, p: number): number {
  return data[p]! | (data[p + 1]! << 8);
}

export function parsePpiBtle(data: Uint8Array): RadioMeta | BleError {
  if (data.length < PPI_HEADER_LENGTH) {
    return bleError('ppi-truncated', `PPI record of ${data.length} bytes is shorter than its 8-byte header`);
  }
  const flags = data[1]!;
  const headerLength = le16(data, 2);
  const inner = (data[4]! | (data[5]! << 8) | (data[6]! << 16) | (data[7]! << 24)) >>> 0;
  if (headerLength < PPI_HEADER_LENGTH || headerLength > data.length) {
    return bleError(
      'ppi-truncated',
      `PPI header length ${headerLength} does not fit the ${data.length}-byte record`,
    );
  }
  let btle = -1;
  let p = PPI_HEADER_LENGTH;
  while (p + 4 <= headerLength) {
    const type = le16(data, p);
    const length = le16(data, p + 2);
    const start = p + 4;
    if (start + length > headerLength) {
      return bleError('ppi-truncated', `PPI field ${type} runs past the PPI header`);
    }
    if (type === PPI_FIELD_BTLE && length >= BTLE_FIELD_LENGTH) btle = start;
    p = start + length;
    if (flags & PPI_FLAG_ALIGNED) p = (p + 3) & ~3;
  }
  if (btle < 0 || !LE_INNER_LINK_TYPES.has(inner)) {
    return bleError(
      UNSUPPORTED,
      `PPI (link type 192) is supported only around Ubertooth/libbtbb BLE packets (a BTLE field 30006 and ` +
        `inner link type 147 or 251); this record has inner link type ${inner}${btle < 0 ? ' and no BTLE field' : ''}`,
    );
  }
  const meta: RadioMeta = { llOffset: headerLength };
  const channel = frequencyToChannelIndex(le16(data, btle + BTLE_OFF_CHANNEL));
  if (channel !== undefined) meta.channel = channel;
  meta.rssi = cc2400RssiToDbm((data[btle + BTLE_OFF_RSSI_MAX]! << 24) >> 24);
  return meta;
}
