import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * 128 bits of HMAC output: collisions between devices of one site are out of reach
 * (birthday bound 2^64), and the ids stay short in tables and URLs.
 */
export const DEVICE_ID_HEX_CHARS = 32;

const encoder = new TextEncoder();

/**
 * Device ids are `HMAC-SHA-256(siteKey, mac)`. A plain hash of a MAC would be reversible by
 * enumerating the 2^24 addresses of each vendor prefix; the secret site key prevents that,
 * and sensors that share the key produce the same id for the same device.
 */
export function createMacHasher(
  siteKey: Uint8Array,
  hexChars = DEVICE_ID_HEX_CHARS,
): (mac: string) => string {
  if (siteKey.length < 16) throw new RangeError('site key must be at least 16 bytes');
  const keyed = hmac.create(sha256, siteKey);
  return (mac: string) => {
    const digest = keyed.clone().update(encoder.encode(mac)).digest();
    return bytesToHex(digest).slice(0, hexChars);
  };
}
