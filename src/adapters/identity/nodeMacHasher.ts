import { createHmac } from 'node:crypto';
import { DEVICE_ID_HEX_CHARS } from '../../core/identity/keyedHash.ts';

/**
 * The same HMAC-SHA-256 device ids as the core's `createMacHasher`, computed by OpenSSL: about
 * twice as fast, which matters where randomized MACs bring a new address with every probe burst.
 */
export function createNodeMacHasher(
  siteKey: Uint8Array,
  hexChars = DEVICE_ID_HEX_CHARS,
): (mac: string) => string {
  if (siteKey.length < 16) throw new RangeError('site key must be at least 16 bytes');
  const key = Buffer.from(siteKey);
  return (mac) => createHmac('sha256', key).update(mac).digest('hex').slice(0, hexChars);
}
