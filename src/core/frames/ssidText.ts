/**
 * Display form of an SSID (see displayBytes.ts). An empty SSID (the wildcard of a broadcast
 * probe) is the empty string. The bytes themselves stay available where exactness matters
 * (`ssidBytes`).
 */

import { displayBytes } from './displayBytes.ts';

/*
 * The same few SSIDs come back in probe after probe, so display strings are memoised in a small
 * direct-mapped cache keyed by the bytes (verified byte by byte, so a collision only costs a
 * miss). This is a pure function's memo: the output depends on the input bytes only.
 */
const CACHE_SLOTS = 256;
const MAX_CACHED_LENGTH = 32;
const cacheBytes: Uint8Array[] = Array.from({ length: CACHE_SLOTS }, () => new Uint8Array(0));
const cacheText: string[] = new Array<string>(CACHE_SLOTS).fill('');

export function displaySsid(data: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (length <= 0) return '';
  if (length > MAX_CACHED_LENGTH) return displayBytes(data.subarray(start, end));
  let h = length;
  for (let i = start; i < end; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
  const slot = (h ^ (h >>> 8) ^ (h >>> 16)) & (CACHE_SLOTS - 1);
  const cached = cacheBytes[slot]!;
  if (cached.length === length) {
    let i = 0;
    while (i < length && cached[i] === data[start + i]) i++;
    if (i === length) return cacheText[slot]!;
  }
  const text = displayBytes(data.subarray(start, end));
  cacheBytes[slot] = data.slice(start, end);
  cacheText[slot] = text;
  return text;
}
