/**
 * Display form of attacker-controlled bytes (SSIDs, BLE names): UTF-8 when the bytes are valid
 * UTF-8, otherwise printable ASCII kept and every other byte written as `\xNN`. Control characters
 * are escaped in both cases (C0 and DEL as `\xNN`, C1 in valid UTF-8 as `\u{0085}`, since there they
 * are two bytes), so the text can never break a log line or a table cell.
 *
 * Characters that are invisible or that reorder what follows are escaped as `\u{XXXX}`: bidi
 * controls (U+202E makes "evil\u202Etxt.exe" read backwards), zero-width and other format
 * characters (Cf), line and paragraph separators, spaces other than U+0020, Hangul fillers, the
 * blank braille pattern and variation selectors: anything that would let two different names look
 * alike or hide text in a dashboard, a CSV or a terminal. Emoji keep their joiners and their
 * presentation selectors (U+200D between two pictographs, U+FE0E/U+FE0F after an emoji), which is
 * all they need to render; flag tag sequences are escaped (they hide text in tag characters).
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Any character that may need the `\u{...}` escape; one test rules out the common case. */
const HIDDEN_OR_REORDERING =
  /[\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u00a0\u1680\u2000-\u200a\u202f\u205f\u2800\u3000]/u;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
const EMOJI = /\p{Emoji}/u;
const ZERO_WIDTH_JOINER = 0x200d;
const TEXT_PRESENTATION = 0xfe0e;
const EMOJI_PRESENTATION = 0xfe0f;

function escapeByte(code: number): string {
  return '\\x' + code.toString(16).padStart(2, '0');
}

function escapeCodePoint(code: number): string {
  return '\\u{' + code.toString(16).padStart(4, '0') + '}';
}

function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code < 0xa0);
}

/**
 * A backslash that the reader would take for the start of an escape (`\x41`, `\u{`) is itself
 * written as `\x5c`, so the display form stays lossless: `forEachDisplayedByte` gives back exactly
 * the bytes. Other backslashes (`C:\Users`) are shown as they are.
 */
function backslashStartsEscape(codeAt: (i: number) => number, i: number): boolean {
  const kind = codeAt(i + 1);
  if (kind === 0x78) return hexDigit(codeAt(i + 2)) >= 0 && hexDigit(codeAt(i + 3)) >= 0;
  return kind === 0x75 && codeAt(i + 2) === 0x7b;
}

/** The joiner and presentation selectors inside an emoji sequence are what draws it: kept. */
function isEmojiGlue(code: number, previous: string | undefined, next: string | undefined): boolean {
  if (previous === undefined) return false;
  if (code === TEXT_PRESENTATION || code === EMOJI_PRESENTATION) return EMOJI.test(previous);
  if (code !== ZERO_WIDTH_JOINER || next === undefined || !PICTOGRAPH.test(next)) return false;
  return PICTOGRAPH.test(previous) || previous.codePointAt(0) === EMOJI_PRESENTATION || EMOJI.test(previous);
}

function needsEscapes(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isControl(code) || code === 0x5c) return true;
  }
  return HIDDEN_OR_REORDERING.test(text);
}

/** Valid UTF-8: C0 and DEL are their own byte (`\xNN`), every other escaped code point `\u{...}`. */
function escapeText(text: string): string {
  if (!needsEscapes(text)) return text;
  const chars = Array.from(text);
  const codeAt = (i: number) => chars[i]?.codePointAt(0) ?? -1;
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f || (code === 0x5c && backslashStartsEscape(codeAt, i)))
      out += escapeByte(code);
    else if (
      isControl(code) ||
      (HIDDEN_OR_REORDERING.test(ch) && !isEmojiGlue(code, chars[i - 1], chars[i + 1]))
    )
      out += escapeCodePoint(code);
    else out += ch;
  }
  return out;
}

export function displayBytes(bytes: Uint8Array): string {
  let plain = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b > 0x7e || b === 0x5c) {
      plain = false;
      break;
    }
  }
  if (plain) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let text: string | undefined;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = undefined;
  }
  if (text !== undefined) return escapeText(text);
  const codeAt = (i: number) => bytes[i] ?? -1;
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const shown = b >= 0x20 && b < 0x7f && !(b === 0x5c && backslashStartsEscape(codeAt, i));
    out += shown ? String.fromCharCode(b) : escapeByte(b);
  }
  return out;
}

/**
 * Walks the bytes a display string stands for, the inverse of `displayBytes`: `\xNN` is one
 * byte, `\u{X...}` and every other character their UTF-8 bytes. A backslash that starts no escape
 * is itself (displayBytes does not escape backslashes, so a literal `\x41` in a name reads as the
 * byte 0x41: a reader of the display form cannot tell them apart either). `visit` gets each byte
 * with the span of the display text it came from, and stops the walk by returning false.
 */
export function forEachDisplayedByte(
  text: string,
  visit: (byte: number, charStart: number, charEnd: number) => boolean,
): void {
  let i = 0;
  while (i < text.length) {
    const start = i;
    const code = text.codePointAt(i)!;
    if (code === 0x5c) {
      const escaped = escapeAt(text, i);
      if (escaped !== undefined) {
        i = escaped.end;
        if (!visitCodePoint(escaped.code, escaped.byte, start, i, visit)) return;
        continue;
      }
    }
    i += code > 0xffff ? 2 : 1;
    if (!visitCodePoint(code, false, start, i, visit)) return;
  }
}

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** The `\xNN` or `\u{X...}` escape at `i`, if there is one. */
function escapeAt(text: string, i: number): { code: number; byte: boolean; end: number } | undefined {
  const kind = text.charCodeAt(i + 1);
  if (kind === 0x78) {
    const hi = hexDigit(text.charCodeAt(i + 2));
    const lo = hexDigit(text.charCodeAt(i + 3));
    return hi < 0 || lo < 0 ? undefined : { code: hi * 16 + lo, byte: true, end: i + 4 };
  }
  if (kind !== 0x75 || text.charCodeAt(i + 2) !== 0x7b) return undefined;
  let code = 0;
  let j = i + 3;
  for (; j < text.length && j < i + 9; j++) {
    const digit = hexDigit(text.charCodeAt(j));
    if (digit < 0) break;
    code = code * 16 + digit;
  }
  if (j === i + 3 || text.charCodeAt(j) !== 0x7d || code > 0x10ffff) return undefined;
  return { code, byte: false, end: j + 1 };
}

function visitCodePoint(
  code: number,
  isByte: boolean,
  start: number,
  end: number,
  visit: (byte: number, charStart: number, charEnd: number) => boolean,
): boolean {
  if (isByte || code < 0x80) return visit(code, start, end);
  if (code < 0x800) return visit(0xc0 | (code >> 6), start, end) && visit(0x80 | (code & 0x3f), start, end);
  if (code < 0x10000)
    return (
      visit(0xe0 | (code >> 12), start, end) &&
      visit(0x80 | ((code >> 6) & 0x3f), start, end) &&
      visit(0x80 | (code & 0x3f), start, end)
    );
  return (
    visit(0xf0 | (code >> 18), start, end) &&
    visit(0x80 | ((code >> 12) & 0x3f), start, end) &&
    visit(0x80 | ((code >> 6) & 0x3f), start, end) &&
    visit(0x80 | (code & 0x3f), start, end)
  );
}
