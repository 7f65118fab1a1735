/**
 * A 64-bit non-cryptographic hash over a sequence of 32-bit words, as 16 lower-case hex digits.
 *
 * Two MurmurHash3-style 32-bit lanes with different constants consume each word; the lanes are
 * then cross-mixed and finalised as in MurmurHash3 x86_128. The caller feeds words straight from
 * the frame (no copy into a buffer), which is why this is a word API. FNV-1a 64 was the first
 * candidate, but in JavaScript it needs about ten 32-bit operations per byte; this needs about
 * twelve per four bytes. Fingerprints are stored, so the algorithm must not change silently.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const C3 = 0x85ebca6b;
const C4 = 0xc2b2ae35;

export const HASH_SEED_1 = 0x2f5e8a11;
export const HASH_SEED_2 = 0x7c93b1d5;

const HEX_CODE = Array.from({ length: 16 }, (_, i) => i.toString(16).charCodeAt(0));

export function mixLane1(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, C2);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

export function mixLane2(h: number, k: number): number {
  k = Math.imul(k, C3);
  k = (k << 17) | (k >>> 15);
  h ^= Math.imul(k, C4);
  h = (h << 15) | (h >>> 17);
  return (Math.imul(h, 5) + 0x52dce729) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, C3);
  h ^= h >>> 13;
  h = Math.imul(h, C4);
  h ^= h >>> 16;
  return h;
}

/** Finalises the two lanes after `words` words into 16 hex digits. */
export function finishHex(h1: number, h2: number, words: number): string {
  h1 ^= words;
  h2 ^= words;
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  return String.fromCharCode(
    HEX_CODE[(h1 >>> 28) & 15]!,
    HEX_CODE[(h1 >>> 24) & 15]!,
    HEX_CODE[(h1 >>> 20) & 15]!,
    HEX_CODE[(h1 >>> 16) & 15]!,
    HEX_CODE[(h1 >>> 12) & 15]!,
    HEX_CODE[(h1 >>> 8) & 15]!,
    HEX_CODE[(h1 >>> 4) & 15]!,
    HEX_CODE[h1 & 15]!,
    HEX_CODE[(h2 >>> 28) & 15]!,
    HEX_CODE[(h2 >>> 24) & 15]!,
    HEX_CODE[(h2 >>> 20) & 15]!,
    HEX_CODE[(h2 >>> 16) & 15]!,
    HEX_CODE[(h2 >>> 12) & 15]!,
    HEX_CODE[(h2 >>> 8) & 15]!,
    HEX_CODE[(h2 >>> 4) & 15]!,
    HEX_CODE[h2 & 15]!,
  );
}

/** The hash of a byte string (little-endian words, the last one zero-padded, length mixed in). */
export function hash64Hex(bytes: Uint8Array, length: number): string {
  let h1 = HASH_SEED_1 ^ length;
  let h2 = HASH_SEED_2 ^ length;
  let words = 0;
  for (let i = 0; i < length; i += 4) {
    let k = bytes[i]!;
    if (i + 1 < length) k |= bytes[i + 1]! << 8;
    if (i + 2 < length) k |= bytes[i + 2]! << 16;
    if (i + 3 < length) k |= bytes[i + 3]! << 24;
    h1 = mixLane1(h1, k);
    h2 = mixLane2(h2, k);
    words++;
  }
  return finishHex(h1, h2, words);
}
