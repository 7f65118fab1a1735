/**
 * Removes MAC addresses from the attacker-controlled texts a window carries (SSIDs, BLE names)
 * before they leave the sensor. Devices put addresses in them: their own (`ShellyPlus1-A4CF12345678`,
 * `ESP_DDEEFF`), a peer's (`peer 02:11:22:33:44:55`), or their own address bytes raw.
 *
 * Three rules, each replacing what it finds with `[mac]`:
 *
 * 1. Any 48-bit address written as text, whosever it is: 6 bytes as 12 hex digits in pairs, in
 *    any case, with at most one separator (`:` `-` `.` `_` or space) between bytes, which covers
 *    `02:11:22:33:44:55`, `02-11-...`, `0211.2233.4455`, `021122334455` and mixes of them; and the
 *    short form without leading zeros, `2:11:22:33:44:5` (colons only, as macOS and BSD print it).
 * 2. The sender's own 6 address bytes, raw, in either byte order, anywhere in the bytes the
 *    display text stands for (`\xNN` and `\u{...}` escapes and UTF-8 characters alike; see
 *    displayBytes.ts). A BLE device's bytes are on air least significant first, hence both orders.
 * 3. The sender's vendor-style suffix: its last 3 or last 2 bytes as hex (`ESP_DDEEFF`,
 *    `Pixel_EEFF`, `dd:ee:ff`), in any case.
 *
 * A match grows over the hex digits right next to it, so the rest of a longer hex run goes too
 * (`Shelly-C4DDEEFF` becomes `Shelly-[mac]`, not `Shelly-C4[mac]`).
 *
 * False positives, chosen knowingly (privacy first): rule 1 also removes any run of 12 or more
 * hex digits in byte pairs that is not an address: a 12-digit number (`Phone 123456789012`), a
 * hash or UUID-like run, hex-only words that happen to pair up (`DecadeFacade`, `Face Bead Deaf`,
 * `Cafe 1234567890`, since a space may separate bytes), six 1-2 digit groups joined by colons
 * (`1:2:3:4:5:6`). Rule 3 removes 4 hex digits that equal the sender's last two bytes by chance:
 * about 1 in 65,536 per 4-digit position of a text such as `Cafe2024`. Rule 2 may remove 6 bytes
 * that equal the sender's address by chance (1 in 2^47 per position). What is not caught:
 * another device's partial address (a peer's `DDEEFF` cannot be told from other text), the
 * sender's suffix in reversed byte order, separators other than the five above (`02/11/...`),
 * and look-alike digits (fullwidth `０２`).
 *
 * Cost: one pass over the text, with a table read per character, rules out the common case (no
 * run of 4 hex digits, ASCII only or an address whose bytes cannot show in it); only texts that
 * may hold an address are searched further, and nothing is allocated unless one is found. The
 * windower also remembers each device's last redacted texts, so a device heard window after
 * window is searched once.
 */

import { forEachDisplayedByte } from '../frames/displayBytes.ts';

export const REDACTED = '[mac]';

const COLON = 0x3a;
const BACKSLASH = 0x5c;

/** What each ASCII character is to the first pass, so it costs one table read per character. */
const OTHER = 0;
const HEX = 1;
const SEPARATOR = 2;
const NON_ASCII = 3;
const ASCII_KIND = new Uint8Array(0x80).fill(OTHER);
for (const c of '0123456789abcdefABCDEF') ASCII_KIND[c.charCodeAt(0)] = HEX;
for (const c of ':-._ ') ASCII_KIND[c.charCodeAt(0)] = SEPARATOR;

const HEX_VALUE = new Int8Array(0x80).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX_VALUE[d.toString(16).charCodeAt(0)] = d;
  HEX_VALUE[d.toString(16).toUpperCase().charCodeAt(0)] = d;
}

/** The value of a hex digit's character code, -1 for any other (and for NaN past the end). */
function hexValue(code: number): number {
  return code < 0x80 ? HEX_VALUE[code]! : -1;
}

function isHex(code: number): boolean {
  return hexValue(code) >= 0;
}

/** What may stand between the bytes of an address written as text. */
function isByteSeparator(code: number): boolean {
  return ASCII_KIND[code] === SEPARATOR;
}

/** Byte `index` (0..5) of a normalised `aa:bb:cc:dd:ee:ff` address. */
function macByte(mac: string, index: number): number {
  return hexValue(mac.charCodeAt(index * 3)) * 16 + hexValue(mac.charCodeAt(index * 3 + 1));
}

/**
 * Matches `count` bytes written as hex pairs from `start`, each but the first optionally after one
 * separator; when `expected` is given (the bytes packed big-endian, at most 3) they must be those.
 * Returns the end of the match, or -1.
 */
function matchHexBytes(text: string, start: number, count: number, expected = -1): number {
  let pos = start;
  for (let b = 0; b < count; b++) {
    if (b > 0 && isByteSeparator(text.charCodeAt(pos))) pos++;
    const hi = hexValue(text.charCodeAt(pos));
    const lo = hexValue(text.charCodeAt(pos + 1));
    if (hi < 0 || lo < 0) return -1;
    if (expected >= 0 && hi * 16 + lo !== (expected >> (8 * (count - 1 - b))) % 256) return -1;
    pos += 2;
  }
  return pos;
}

/** `2:11:22:33:44:5`: six groups of one or two hex digits joined by colons. */
function matchShortColonForm(text: string, start: number): number {
  let pos = start;
  for (let group = 0; group < 6; group++) {
    if (group > 0) {
      if (text.charCodeAt(pos) !== COLON) return -1;
      pos++;
    }
    if (!isHex(text.charCodeAt(pos))) return -1;
    pos++;
    if (isHex(text.charCodeAt(pos))) pos++;
  }
  return pos;
}

/** Spans to replace, as [start, end) pairs in one flat array; created on the first match. */
type Spans = number[] | undefined;

/** A match grows over the hex digits right next to it: the rest of a longer hex run goes too. */
function withGrownSpan(spans: Spans, text: string, start: number, end: number): number[] {
  while (start > 0 && isHex(text.charCodeAt(start - 1))) start--;
  while (isHex(text.charCodeAt(end))) end++;
  spans ??= [];
  spans.push(start, end);
  return spans;
}

/**
 * Rule 1: any address written as text. Every start is tried (not only the end of the last
 * match), so a match that began early and ended inside an address never leaves its tail.
 */
function addressTextSpans(text: string, spans: Spans): Spans {
  for (let i = 0; i < text.length; i++) {
    if (!isHex(text.charCodeAt(i))) continue;
    let end = matchHexBytes(text, i, 6);
    if (end < 0) end = matchShortColonForm(text, i);
    if (end >= 0) spans = withGrownSpan(spans, text, i, end);
  }
  return spans;
}

/** Rule 3: the sender's last 3 or 2 bytes (`last3`: bytes 3-5 packed big-endian) as hex. */
function suffixSpans(text: string, last3: number, spans: Spans): Spans {
  const last2 = last3 & 0xffff;
  // Most starts fail on their first digit, checked here before anything else.
  const last3First = last3 >> 20;
  const last2First = last2 >> 12;
  for (let i = 0; i < text.length; i++) {
    const digit = hexValue(text.charCodeAt(i));
    if (digit !== last3First && digit !== last2First) continue;
    let end = digit === last3First ? matchHexBytes(text, i, 3, last3) : -1;
    if (end < 0 && digit === last2First) end = matchHexBytes(text, i, 2, last2);
    if (end >= 0) spans = withGrownSpan(spans, text, i, end);
  }
  return spans;
}

/** Byte `index` (0..5) of an address packed as two big-endian 24-bit halves. */
function byteOf(high: number, low: number, index: number): number {
  return index < 3 ? (high >> (16 - 8 * index)) & 0xff : (low >> (40 - 8 * index)) & 0xff;
}

/**
 * Whether the sender's raw bytes can be in the display text at all, allocating nothing: a
 * printable byte shows as itself, a C0 byte or DEL only as an escape, a high byte as an escape or
 * inside a non-ASCII character. Nearly every text and address fail this.
 */
function mayHoldRawBytes(
  text: string,
  high: number,
  low: number,
  hasBackslash: boolean,
  hasNonAscii: boolean,
): boolean {
  for (let i = 0; i < 6; i++) {
    const byte = byteOf(high, low, i);
    if (byte < 0x20 || byte === 0x7f) {
      if (!hasBackslash) return false;
    } else if (byte >= 0x80 && !hasBackslash && !hasNonAscii) return false;
  }
  for (let i = 0; i < 6; i++) {
    const byte = byteOf(high, low, i);
    if (byte >= 0x20 && byte < 0x7f && text.indexOf(String.fromCharCode(byte)) < 0) return false;
  }
  return true;
}

function reversed24(x: number): number {
  return ((x & 0xff) << 16) | (x & 0xff00) | (x >> 16);
}

/** Rule 2: the sender's 6 address bytes (packed as in `byteOf`), raw, in either order. */
function rawAddressSpans(text: string, macHigh: number, macLow: number, spans: Spans): Spans {
  const reverseHigh = reversed24(macLow);
  const reverseLow = reversed24(macHigh);
  /** Where each of the last 6 bytes came from in the text, as a ring. */
  const starts = [0, 0, 0, 0, 0, 0];
  let high = 0;
  let low = 0;
  let seen = 0;
  forEachDisplayedByte(text, (byte, charStart, charEnd) => {
    high = ((high << 8) | (low >>> 16)) & 0xffffff;
    low = ((low << 8) | byte) & 0xffffff;
    starts[seen % 6] = charStart;
    seen++;
    const matched = (high === macHigh && low === macLow) || (high === reverseHigh && low === reverseLow);
    if (seen >= 6 && matched) {
      spans ??= [];
      spans.push(starts[seen % 6]!, charEnd);
    }
    return true;
  });
  return spans;
}

/** Joins overlapping spans and writes the text with each replaced by `[mac]`. */
function replaceSpans(text: string, spans: number[]): string {
  const order = Array.from({ length: spans.length / 2 }, (_, k) => k).sort(
    (x, y) => spans[2 * x]! - spans[2 * y]!,
  );
  let out = '';
  let pos = 0;
  let k = 0;
  while (k < order.length) {
    const start = spans[2 * order[k]!]!;
    let end = spans[2 * order[k]! + 1]!;
    k++;
    while (k < order.length && spans[2 * order[k]!]! <= end) {
      end = Math.max(end, spans[2 * order[k]! + 1]!);
      k++;
    }
    out += text.slice(pos, Math.max(pos, start)) + REDACTED;
    pos = Math.max(pos, end);
  }
  return out + text.slice(pos);
}

/** What one pass over a text tells: whether any rule can match, so most texts stop here. */
interface TextShape {
  /** The longest run of hex digits, a single separator allowed between two of them. */
  longestRun: number;
  colons: number;
  hasBackslash: boolean;
  hasNonAscii: boolean;
}

function shapeOf(text: string): TextShape {
  let run = 0;
  let longestRun = 0;
  let colons = 0;
  let hasBackslash = false;
  let hasNonAscii = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const kind = code < 0x80 ? ASCII_KIND[code]! : NON_ASCII;
    if (kind === HEX) {
      run++;
      if (run > longestRun) longestRun = run;
      continue;
    }
    // One separator between hex digits keeps a run going.
    if (kind !== SEPARATOR || run === 0 || ASCII_KIND[text.charCodeAt(i + 1)] !== HEX) run = 0;
    if (code === COLON) colons++;
    else if (code === BACKSLASH) hasBackslash = true;
    else if (kind === NON_ASCII) hasNonAscii = true;
  }
  return { longestRun, colons, hasBackslash, hasNonAscii };
}

function mayHoldAddressText({ longestRun, colons }: TextShape): boolean {
  return longestRun >= 12 || (longestRun >= 6 && colons >= 5);
}

/**
 * Rule 1 alone, for where the sender's address is not known (a hub checking what a sensor sent,
 * defence in depth): every address written as text becomes `[mac]`.
 */
export function redactAddressText(text: string): string {
  if (!mayHoldAddressText(shapeOf(text))) return text;
  const spans = addressTextSpans(text, undefined);
  return spans === undefined ? text : replaceSpans(text, spans);
}

/**
 * `text` with every address it holds replaced by `[mac]` (rules above); `mac` is the sender's
 * normalised address. Returns `text` itself, unallocated, when there is nothing to remove.
 */
export function redactAddresses(text: string, mac: string): string {
  const shape = shapeOf(text);
  const macHigh = (macByte(mac, 0) << 16) | (macByte(mac, 1) << 8) | macByte(mac, 2);
  const macLow = (macByte(mac, 3) << 16) | (macByte(mac, 4) << 8) | macByte(mac, 5);
  let spans: Spans;
  if (mayHoldAddressText(shape)) spans = addressTextSpans(text, spans);
  if (shape.longestRun >= 4) spans = suffixSpans(text, macLow, spans);
  if (mayHoldRawBytes(text, macHigh, macLow, shape.hasBackslash, shape.hasNonAscii))
    spans = rawAddressSpans(text, macHigh, macLow, spans);
  return spans === undefined ? text : replaceSpans(text, spans);
}
