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
 *    display text stands for (`\xNN` escapes and UTF-8 characters alike).
 * 3. The sender's vendor-style suffix: its last 3 or last 2 bytes as hex (`ESP_DDEEFF`,
 *    `Pixel_EEFF`, `dd:ee:ff`), in any case.
 *
 * A match grows over the hex digits right next to it, so the rest of a longer hex run goes too
 * (`Shelly-C4DDEEFF` becomes `Shelly-[mac]`, not `Shelly-C4[mac]`).
 *
 * False positives, chosen knowingly (privacy first): rule 1 also removes any run of 12 or more hex
 * digits in byte pairs that is not an address: a 12-digit number (`Phone 123456789012`), a hash or
 * UUID-like run, hex-only words that happen to pair up (`DecadeFacade`, `Face Bead Deaf`,
 * `Cafe 1234567890`, since a space may separate bytes), six
 * 1-2 digit groups joined by colons (`1:2:3:4:5:6`). Rule 3 removes 4 hex digits that equal the
 * sender's last two bytes by chance: about 1 in 65,536 per 4-digit position of a text such as
 * `Cafe2024`. Rule 2 may remove 6 bytes that equal the sender's address by chance (1 in 2^47 per
 * position). Other devices' partial addresses (a peer's `DDEEFF`) cannot be told from other text
 * and stay.
 *
 * Cost: one pass over the text, allocating nothing, rules out the common case (fewer than 4 hex
 * digits in a row, ASCII only, an address that is not printable ASCII); only texts that may hold
 * an address are searched further.
 */

import { forEachDisplayedByte } from '../frames/displayBytes.ts';

export const REDACTED = '[mac]';

const COLON = 0x3a;
const BACKSLASH = 0x5c;
const FIRST_NON_ASCII = 0x80;

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

function isHex(code: number): boolean {
  return hexValue(code) >= 0;
}

/** What may stand between the bytes of an address written as text. */
function isByteSeparator(code: number): boolean {
  return code === COLON || code === 0x2d || code === 0x2e || code === 0x5f || code === 0x20;
}

/** Byte `index` (0..5) of a normalised `aa:bb:cc:dd:ee:ff` address. */
function macByte(mac: string, index: number): number {
  return hexValue(mac.charCodeAt(index * 3)) * 16 + hexValue(mac.charCodeAt(index * 3 + 1));
}

/**
 * Matches `count` bytes written as hex pairs from `start`, each but the first optionally after one
 * separator; when `firstByte` is given they must be the sender's bytes from that index on.
 * Returns the end of the match, or -1.
 */
function matchHexBytes(text: string, start: number, count: number, mac?: string, firstByte = 0): number {
  let pos = start;
  for (let b = 0; b < count; b++) {
    if (b > 0 && isByteSeparator(text.charCodeAt(pos))) pos++;
    const hi = hexValue(text.charCodeAt(pos));
    const lo = hexValue(text.charCodeAt(pos + 1));
    if (hi < 0 || lo < 0) return -1;
    if (mac !== undefined && hi * 16 + lo !== macByte(mac, firstByte + b)) return -1;
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

/** A match grows over the hex digits right next to it: the rest of a longer hex run goes too. */
function grownSpan(spans: Spans, text: string, start: number, end: number): void {
  while (start > 0 && isHex(text.charCodeAt(start - 1))) start--;
  while (isHex(text.charCodeAt(end))) end++;
  spans.push(start, end);
}

/** Spans to replace, as [start, end) pairs in one flat array. */
type Spans = number[];

/**
 * Rule 1: any address written as text. Every start is tried (not only the end of the last
 * match), so a match that began early and ended inside an address never leaves its tail.
 */
function addressTextSpans(text: string, spans: Spans): void {
  for (let i = 0; i < text.length; i++) {
    if (!isHex(text.charCodeAt(i))) continue;
    let end = matchHexBytes(text, i, 6);
    if (end < 0) end = matchShortColonForm(text, i);
    if (end >= 0) grownSpan(spans, text, i, end);
  }
}

/** Rule 3: the sender's last 3 or 2 bytes as hex. */
function suffixSpans(text: string, mac: string, spans: Spans): void {
  for (let i = 0; i < text.length; i++) {
    if (!isHex(text.charCodeAt(i))) continue;
    let end = matchHexBytes(text, i, 3, mac, 3);
    if (end < 0) end = matchHexBytes(text, i, 2, mac, 4);
    if (end >= 0) grownSpan(spans, text, i, end);
  }
}

/** Rule 2: the sender's 6 address bytes, raw, in either order. */
function rawAddressSpans(text: string, mac: string, spans: Spans): void {
  const b = [0, 1, 2, 3, 4, 5].map((i) => macByte(mac, i));
  const forwardHigh = (b[0]! << 16) | (b[1]! << 8) | b[2]!;
  const forwardLow = (b[3]! << 16) | (b[4]! << 8) | b[5]!;
  const reverseHigh = (b[5]! << 16) | (b[4]! << 8) | b[3]!;
  const reverseLow = (b[2]! << 16) | (b[1]! << 8) | b[0]!;
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
    const matched =
      (high === forwardHigh && low === forwardLow) || (high === reverseHigh && low === reverseLow);
    if (seen >= 6 && matched) spans.push(starts[seen % 6]!, charEnd);
    return true;
  });
}

/** Whether every byte of the address is printable ASCII, so that it can hide in plain text. */
function isPrintableAscii(mac: string): boolean {
  for (let i = 0; i < 6; i++) {
    const byte = macByte(mac, i);
    if (byte < 0x20 || byte > 0x7e) return false;
  }
  return true;
}

/** Joins overlapping spans and writes the text with each replaced by `[mac]`. */
function replaceSpans(text: string, spans: Spans): string {
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

/**
 * `text` with every address it holds replaced by `[mac]` (rules above); `mac` is the sender's
 * normalised address. Returns `text` itself, unallocated, when there is nothing to remove.
 */
export function redactAddresses(text: string, mac: string): string {
  let run = 0;
  let longestRun = 0;
  let colons = 0;
  let escapedOrNonAscii = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isHex(code)) {
      run++;
      if (run > longestRun) longestRun = run;
    } else if (!(run > 0 && isByteSeparator(code) && isHex(text.charCodeAt(i + 1)))) {
      run = 0;
    }
    if (code === COLON) colons++;
    else if (code === BACKSLASH || code >= FIRST_NON_ASCII) escapedOrNonAscii = true;
  }
  const mayHoldText = longestRun >= 12 || (longestRun >= 6 && colons >= 5);
  const mayHoldSuffix = longestRun >= 4;
  const mayHoldRaw = escapedOrNonAscii || isPrintableAscii(mac);
  if (!mayHoldText && !mayHoldSuffix && !mayHoldRaw) return text;
  const spans: Spans = [];
  if (mayHoldText) addressTextSpans(text, spans);
  if (mayHoldSuffix) suffixSpans(text, mac, spans);
  if (mayHoldRaw) rawAddressSpans(text, mac, spans);
  return spans.length === 0 ? text : replaceSpans(text, spans);
}
