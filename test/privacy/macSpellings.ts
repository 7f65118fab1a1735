/**
 * The ways a MAC address can be written into an SSID or a BLE name, and an oracle that finds any
 * of them in a text: shared by the redaction's property tests and the privacy scan, so both look
 * for the same things. The oracle is regular expressions, written apart from the hand-made
 * scanner it checks.
 */
import fc from 'fast-check';

export type Mac = readonly number[];

const hex2 = (b: number) => b.toString(16).padStart(2, '0');

export function colonForm(mac: Mac): string {
  return mac.map(hex2).join(':');
}

/** Every fixed spelling of the whole address that the privacy scan plants and searches for. */
export function textSpellings(mac: Mac): string[] {
  const bytes = mac.map(hex2);
  const reversed = [...bytes].reverse();
  const pairs = (b: string[]) => [b.slice(0, 2).join(''), b.slice(2, 4).join(''), b.slice(4).join('')];
  const mixedCase = (s: string) =>
    Array.from(s, (c, i) => (i % 2 === 0 ? c.toUpperCase() : c.toLowerCase())).join('');
  return [
    bytes.join(':'),
    bytes.join(':').toUpperCase(),
    bytes.join('-'),
    bytes.join('-').toUpperCase(),
    pairs(bytes).join('.'),
    bytes.join(''),
    bytes.join('').toUpperCase(),
    mixedCase(bytes.join('')),
    bytes.join(' '),
    bytes.join('_'),
    mac.map((b) => b.toString(16)).join(':'),
    reversed.join(':'),
    reversed.join(''),
    [bytes[0], bytes[1], '-', bytes[2], ':', bytes[3], '.', bytes[4], bytes[5]].join(''),
  ];
}

/** Vendor-style names ending in the last 3 or 2 bytes of the sender's own address. */
export function suffixSpellings(mac: Mac): string[] {
  const last3 = mac.slice(3).map(hex2);
  const last2 = mac.slice(4).map(hex2);
  return [
    `ESP_${last3.join('').toUpperCase()}`,
    `esp_${last3.join('')}`,
    `Pixel_${last2.join('').toUpperCase()}`,
    `Dev ${last3.join(':')}`,
    `tag-${last2.join('-').toUpperCase()}`,
  ];
}

const SEPARATOR = '[:\\-._ ]?';

function bytesPattern(bytes: readonly number[]): string {
  return bytes.map(hex2).join(SEPARATOR);
}

/**
 * Finds any spelling of `mac` in `text`: the 6 bytes as hex in either order with at most one
 * separator between bytes, the colon short form, and (with `ownSuffix`) the last 3 or 2 bytes.
 */
export function findSpelledMac(text: string, mac: Mac, ownSuffix = false): string | undefined {
  const patterns = [
    bytesPattern(mac),
    bytesPattern([...mac].reverse()),
    mac.map((b) => `0?${b.toString(16)}`).join(':'),
  ];
  if (ownSuffix) patterns.push(bytesPattern(mac.slice(4)));
  const found = new RegExp(patterns.map((p) => `(?:${p})`).join('|'), 'i').exec(text);
  return found?.[0];
}

/** Whether `bytes` holds the 6 address bytes in either order. */
export function containsRawMac(bytes: ArrayLike<number>, mac: Mac): boolean {
  const reversed = [...mac].reverse();
  for (let i = 0; i + 6 <= bytes.length; i++) {
    let forward = true;
    let backward = true;
    for (let k = 0; k < 6; k++) {
      if (bytes[i + k] !== mac[k]) forward = false;
      if (bytes[i + k] !== reversed[k]) backward = false;
    }
    if (forward || backward) return true;
  }
  return false;
}

export const arbitraryMac: fc.Arbitrary<Mac> = fc.array(fc.integer({ min: 0, max: 255 }), {
  minLength: 6,
  maxLength: 6,
});

/** Any spelling of a whole address: per-byte separators, per-digit case, byte order, short form. */
export function arbitrarySpelling(mac: Mac): fc.Arbitrary<string> {
  return fc
    .record({
      separators: fc.array(fc.constantFrom('', ':', '-', '.', '_', ' '), { minLength: 5, maxLength: 5 }),
      upper: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
      reversed: fc.boolean(),
      short: fc.boolean(),
    })
    .map(({ separators, upper, reversed, short }) => {
      const order = reversed ? [...mac].reverse() : [...mac];
      if (short) return order.map((b) => b.toString(16)).join(':');
      const digits = Array.from(order.map(hex2).join(''), (c, i) => (upper[i] ? c.toUpperCase() : c));
      return order
        .map((_, k) => (k > 0 ? separators[k - 1]! : '') + digits[2 * k]! + digits[2 * k + 1]!)
        .join('');
    });
}

/** The last 3 or 2 bytes, with per-byte separators and per-digit case. */
export function arbitrarySuffixSpelling(mac: Mac): fc.Arbitrary<string> {
  return fc
    .record({
      bytes: fc.constantFrom(2, 3),
      separators: fc.array(fc.constantFrom('', ':', '-', '.', '_', ' '), { minLength: 2, maxLength: 2 }),
      upper: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    })
    .map(({ bytes, separators, upper }) => {
      const tail = mac.slice(6 - bytes);
      const digits = Array.from(tail.map(hex2).join(''), (c, i) => (upper[i] ? c.toUpperCase() : c));
      return tail
        .map((_, k) => (k > 0 ? separators[k - 1]! : '') + digits[2 * k]! + digits[2 * k + 1]!)
        .join('');
    });
}
