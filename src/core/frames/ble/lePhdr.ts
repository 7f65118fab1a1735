/**
 * LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR (256): a 10-byte little-endian pseudo-header before the
 * access address (https://www.tcpdump.org/linktypes/LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR.html).
 */
import { bleError, type BleError } from './bleError.ts';
import { PHYS, rfChannelToIndex, type RadioMeta } from './radioMeta.ts';

export const LE_PHDR_LENGTH = 10;

const OFF_RF_CHANNEL = 0;
const OFF_SIGNAL_POWER = 1;
const OFF_FLAGS = 8;

const FLAG_SIGNAL_POWER_VALID = 0x0002;
const FLAG_PDU_TYPE_MASK = 0x0380;
const FLAG_PDU_TYPE_SHIFT = 7;
const PDU_TYPE_AUX_ADVERTISING = 1;
const FLAG_CRC_CHECKED = 0x0400;
const FLAG_CRC_VALID = 0x0800;
const FLAG_PHY_MASK = 0xc000;
const FLAG_PHY_SHIFT = 14;

export function parseLePhdr(data: Uint8Array): RadioMeta | BleError {
  if (data.length < LE_PHDR_LENGTH) {
    return bleError(
      'le-phdr-truncated',
      `LE PHDR record of ${data.length} bytes is shorter than its 10-byte header`,
    );
  }
  const flags = data[OFF_FLAGS]! | (data[OFF_FLAGS + 1]! << 8);
  const meta: RadioMeta = { llOffset: LE_PHDR_LENGTH };
  const channel = rfChannelToIndex(data[OFF_RF_CHANNEL]!);
  if (channel !== undefined) meta.channel = channel;
  if (flags & FLAG_SIGNAL_POWER_VALID) meta.rssi = (data[OFF_SIGNAL_POWER]! << 24) >> 24;
  if (flags & FLAG_CRC_CHECKED) meta.crcOk = (flags & FLAG_CRC_VALID) !== 0;
  const phy = PHYS[(flags & FLAG_PHY_MASK) >> FLAG_PHY_SHIFT];
  if (phy !== undefined) meta.phy = phy;
  if ((flags & FLAG_PDU_TYPE_MASK) >> FLAG_PDU_TYPE_SHIFT === PDU_TYPE_AUX_ADVERTISING)
    meta.advertising = true;
  return meta;
}
