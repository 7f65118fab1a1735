import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';

const KEY_BYTES = 32;

export class SiteKeyError extends Error {}

/**
 * The site key is the secret that makes device ids irreversible. It is generated on first run
 * and kept beside the data with mode 0600; sensors that must agree on ids are given the same
 * key in their config instead. Rotating it (deleting the file) trades repeat-visit counts for
 * privacy: devices seen before get new ids.
 */
export function loadOrCreateSiteKey(path: string): Uint8Array {
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text === undefined) {
    const key = randomBytes(KEY_BYTES);
    writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return new Uint8Array(key);
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return parseSiteKey(text.trim(), path);
}

/** A key given in a config or flag: at least 16 bytes of hex. */
export function parseSiteKey(hex: string, origin: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2}){16,}$/.test(hex)) {
    throw new SiteKeyError(`${origin}: the site key must be at least 32 hex digits (16 bytes)`);
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
