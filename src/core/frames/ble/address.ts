/**
 * Bluetooth device addresses: on the air and in HCI they travel least-significant byte first;
 * people (and `Observation.mac`) write them most-significant byte first.
 */
import type { BleAddressType } from '../../model.ts';

export const BD_ADDR_LENGTH = 6;

/** Top two bits of the most significant address byte of a random address (Core Vol 6 Part B 1.3). */
const RANDOM_SUBTYPE_MASK = 0xc0;
const RANDOM_STATIC = 0xc0;
const RANDOM_RESOLVABLE = 0x40;
const RANDOM_NON_RESOLVABLE = 0x00;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Formats the 6 bytes at `offset` (LSB first, as on the air and in HCI) as `aa:bb:cc:dd:ee:ff`
 * (MSB first). Returns undefined when fewer than 6 bytes remain.
 */
export function formatBdAddr(data: Uint8Array, offset: number): string | undefined {
  if (offset < 0 || offset + BD_ADDR_LENGTH > data.length) return undefined;
  let s = HEX[data[offset + 5]!]!;
  for (let i = 4; i >= 0; i--) s += ':' + HEX[data[offset + i]!]!;
  return s;
}

/**
 * The kind of a random address from its two most significant bits; `msb` is the address's most
 * significant byte (the last byte on the air). The reserved pattern 10 gives plain 'random'.
 */
export function randomAddressType(msb: number): BleAddressType {
  switch (msb & RANDOM_SUBTYPE_MASK) {
    case RANDOM_STATIC:
      return 'random-static';
    case RANDOM_RESOLVABLE:
      return 'resolvable-private';
    case RANDOM_NON_RESOLVABLE:
      return 'non-resolvable-private';
    default:
      return 'random';
  }
}

/**
 * Address type from a TxAdd/RxAdd bit (or an HCI "random" address type) and the address bytes at
 * `offset` (LSB first).
 */
export function bleAddressType(random: boolean, data: Uint8Array, offset: number): BleAddressType {
  if (!random) return 'public';
  const msb = data[offset + BD_ADDR_LENGTH - 1];
  return msb === undefined ? 'random' : randomAddressType(msb);
}

/**
 * True for addresses that do not identify a device over time: every private address and any
 * random address whose kind is unknown. Public and random static addresses are stable.
 */
export function isRandomizedBle(addressType: BleAddressType | 'bredr' | undefined): boolean {
  return (
    addressType !== undefined &&
    addressType !== 'public' &&
    addressType !== 'random-static' &&
    addressType !== 'bredr'
  );
}
