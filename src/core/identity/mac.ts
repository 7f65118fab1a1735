/** MAC address normalising and the bits of the first octet that carry meaning. */

/** Bit 1 of the first octet: set on addresses the device made up itself instead of its IEEE one. */
const LOCALLY_ADMINISTERED_BIT = 0x02;
/** Bit 0 of the first octet: set on group (multicast) addresses. */
const GROUP_BIT = 0x01;

const HEX_DIGITS = /^[0-9a-f]{12}$/;

/**
 * Normalises `AA-BB-CC-DD-EE-FF`, `aabb.ccdd.eeff`, `AABBCCDDEEFF` and `aa:bb:...` to
 * lower-case colon form; returns undefined for anything that is not 48 bits of hex.
 */
export function normalizeMac(text: string): string | undefined {
  const hex = text
    .trim()
    .toLowerCase()
    .replace(/[:\-.\s]/g, '');
  if (!HEX_DIGITS.test(hex)) return undefined;
  return hex.replace(/(..)(?!$)/g, '$1:');
}

function firstOctet(mac: string): number {
  return parseInt(mac.slice(0, 2), 16);
}

/** A locally administered Wi-Fi MAC: what randomizing phones and laptops use. */
export function isLocallyAdministered(mac: string): boolean {
  return (firstOctet(mac) & LOCALLY_ADMINISTERED_BIT) !== 0;
}

export function isGroupAddress(mac: string): boolean {
  return (firstOctet(mac) & GROUP_BIT) !== 0;
}

/** The hex digits of a normalised MAC, upper case, as registries key them. */
export function macHexUpper(mac: string): string {
  return mac.replace(/:/g, '').toUpperCase();
}
