/**
 * Display form of an SSID (attacker-controlled bytes): UTF-8 when the bytes are valid UTF-8,
 * otherwise printable ASCII kept and every other byte written as `\xNN`. Control characters (C0,
 * DEL, C1) are escaped in both cases so an SSID can never break a log line or a table cell. An
 * empty SSID (the wildcard of a broadcast probe) is the empty string. The bytes themselves stay
 * available where exactness matters (`ssidBytes`).
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function escapeCode(code: number): string {
  return '\\x' + code.toString(16).padStart(2, '0');
}

function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code < 0xa0);
}

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
  if (length > MAX_CACHED_LENGTH) return decodeSsid(data.subarray(start, end));
  let h = length;
  for (let i = start; i < end; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
  const slot = (h ^ (h >>> 8) ^ (h >>> 16)) & (CACHE_SLOTS - 1);
  const cached = cacheBytes[slot]!;
  if (cached.length === length) {
    let i = 0;
    while (i < length && cached[i] === data[start + i]) i++;
    if (i === length) return cacheText[slot]!;
  }
  const text = decodeSsid(data.subarray(start, end));
  cacheBytes[slot] = data.slice(start, end);
  cacheText[slot] = text;
  return text;
}

function decodeSsid(bytes: Uint8Array): string {
  let printable = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b > 0x7e) {
      printable = false;
      break;
    }
  }
  if (printable) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let text: string | undefined;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = undefined;
  }
  let out = '';
  if (text !== undefined) {
    for (const ch of text) {
      const code = ch.codePointAt(0)!;
      out += isControl(code) ? escapeCode(code) : ch;
    }
    return out;
  }
  for (const b of bytes) out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : escapeCode(b);
  return out;
}
