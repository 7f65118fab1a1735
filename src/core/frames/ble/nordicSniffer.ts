/**
 * LINKTYPE_NORDIC_BLE (272), written by the nRF Sniffer for Bluetooth LE: a board id, a 6-byte
 * header, a 10-byte packet header, then the LE packet from its access address. Header versions 1,
 * 2 and 3 are read (the layout Wireshark's packet-nordic_ble.c documents); the legacy 0xBEEF
 * format (version 0) is refused.
 *
 *   [0]      board id
 *   [1..6]   v1: header length, payload length, version, packet counter (2), packet id
 *            v2/v3: payload length (2), version, packet counter (2), packet id
 *   [7]      packet header length (10)
 *   [8]      flags: bit 0 CRC OK, 1 direction, 2 encrypted, 3 MIC OK, bits 4-6 PHY (v2+)
 *   [9]      channel index
 *   [10]     RSSI as a positive number: the value in dBm is its negative
 *   [11..12] event counter
 *   [13..16] timestamp (v1/v2: microseconds since the previous packet's end; v3: absolute)
 *   [17..]   LE packet (access address first)
 */
import { bleError, type BleError } from './bleError.ts';
import { PHYS, type RadioMeta } from './radioMeta.ts';

const OFF_HEADER = 1;
const HEADER_LENGTH = 6;
const OFF_VERSION = OFF_HEADER + 2;
const OFF_PACKET_ID = OFF_HEADER + 5;
const OFF_PAYLOAD = OFF_HEADER + HEADER_LENGTH;
const OFF_PACKET_HEADER_LENGTH = OFF_PAYLOAD;
const OFF_FLAGS = OFF_PAYLOAD + 1;
const OFF_CHANNEL = OFF_PAYLOAD + 2;
const OFF_RSSI = OFF_PAYLOAD + 3;
const MIN_PACKET_HEADER_LENGTH = 10;

const FLAG_CRC_OK = 0x01;
const FLAG_PHY_MASK = 0x70;
const FLAG_PHY_SHIFT = 4;

/** v1/v2 EVENT_PACKET, and v3 EVENT_PACKET_DATA_PDU. */
const PACKET_ID_EVENT_PACKET = 0x06;
/** v3 EVENT_PACKET_ADV_PDU (in v1/v2, 0x02 is a device event, not a radio packet). */
const PACKET_ID_ADV_PDU_V3 = 0x02;

const LEGACY_MAGIC_0 = 0xbe;
const LEGACY_MAGIC_1 = 0xef;

/**
 * Radio metadata of one record, undefined when the record is a sniffer event rather than a
 * received packet (ping replies, follow notifications, ...).
 */
export function parseNordicHeader(data: Uint8Array): RadioMeta | BleError | undefined {
  if (data.length < OFF_PAYLOAD) {
    return bleError(
      'nordic-truncated',
      `nRF Sniffer record of ${data.length} bytes is shorter than its header`,
    );
  }
  if (data[OFF_HEADER] === LEGACY_MAGIC_0 && data[OFF_HEADER + 1] === LEGACY_MAGIC_1) {
    return bleError(
      'nordic-unsupported-version',
      'nRF Sniffer legacy (0xBEEF, version 0) records are not supported',
    );
  }
  const version = data[OFF_VERSION]!;
  if (version < 1 || version > 3) {
    return bleError(
      'nordic-unsupported-version',
      `nRF Sniffer header version ${version} is not supported (1 to 3)`,
    );
  }
  const payloadLength =
    version === 1 ? data[OFF_HEADER + 1]! : data[OFF_HEADER]! | (data[OFF_HEADER + 1]! << 8);
  const id = data[OFF_PACKET_ID]!;
  const advPdu = version === 3 && id === PACKET_ID_ADV_PDU_V3;
  if (id !== PACKET_ID_EVENT_PACKET && !advPdu) return undefined;
  if (OFF_PAYLOAD + payloadLength > data.length) {
    return bleError(
      'nordic-truncated',
      `nRF Sniffer payload of ${payloadLength} bytes runs past the ${data.length}-byte record`,
    );
  }
  const packetHeaderLength = data[OFF_PACKET_HEADER_LENGTH];
  if (packetHeaderLength === undefined || packetHeaderLength < MIN_PACKET_HEADER_LENGTH) {
    return bleError('nordic-truncated', 'nRF Sniffer packet header is missing or shorter than 10 bytes');
  }
  const flags = data[OFF_FLAGS]!;
  const meta: RadioMeta = {
    llOffset: OFF_PAYLOAD + packetHeaderLength,
    channel: data[OFF_CHANNEL]!,
    rssi: -data[OFF_RSSI]!,
    crcOk: (flags & FLAG_CRC_OK) !== 0,
  };
  if (version >= 2) {
    const phy = PHYS[(flags & FLAG_PHY_MASK) >> FLAG_PHY_SHIFT];
    if (phy !== undefined) meta.phy = phy;
  }
  if (advPdu) meta.advertising = true;
  return meta;
}
