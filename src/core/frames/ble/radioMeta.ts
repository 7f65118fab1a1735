/** What a capture pseudo-header tells about one received LE packet, before the packet itself. */
export interface RadioMeta {
  /** Byte offset of the access address within the record. */
  llOffset: number;
  /** Received signal strength in dBm. */
  rssi?: number;
  /** BLE channel index (0..39; 37, 38 and 39 are the primary advertising channels). */
  channel?: number;
  /** Present when the capture tool checked the CRC. */
  crcOk?: boolean;
  /** LE Coded PHY packets carry a coding-indicator byte after the access address. */
  phy?: '1m' | '2m' | 'coded';
  /** The capture tool says this is an advertising-channel PDU whatever its access address. */
  advertising?: boolean;
}

/** LE RF channel (0..39, 2402 + 2n MHz) to channel index (Core Vol 6 Part B 1.4.1). */
export function rfChannelToIndex(rf: number): number | undefined {
  if (rf === 0) return 37;
  if (rf === 12) return 38;
  if (rf === 39) return 39;
  if (rf >= 1 && rf <= 11) return rf - 1;
  if (rf >= 13 && rf <= 38) return rf - 2;
  return undefined;
}

/** Frequency in MHz (2402..2480, even) to channel index. */
export function frequencyToChannelIndex(mhz: number): number | undefined {
  const offset = mhz - 2402;
  if (offset < 0 || offset % 2 !== 0) return undefined;
  return rfChannelToIndex(offset / 2);
}

export const PHYS = ['1m', '2m', 'coded'] as const;
