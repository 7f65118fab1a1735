import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { displayText } from '../../../src/core/frames/ble/displayText.ts';
import { displayBytes, forEachDisplayedByte } from '../../../src/core/frames/displayBytes.ts';
import { parseProbeRequestIEs } from '../../../src/core/frames/probeRequest.ts';
import { ie } from './captureBytes.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);
const show = (text: string) => displayBytes(utf8(text));

function bytesBack(text: string): number[] {
  const out: number[] = [];
  forEachDisplayedByte(text, (byte) => (out.push(byte), true));
  return out;
}

/** Bidi controls: embeddings, overrides, isolates, marks. */
const BIDI = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];
/** Characters that draw nothing or look like a space. */
const INVISIBLE = [
  0x00a0, 0x00ad, 0x034f, 0x115f, 0x1160, 0x180e, 0x200b, 0x200c, 0x2028, 0x2029, 0x2060, 0x2800, 0x3000,
  0x3164, 0xfe00, 0xfeff, 0xffa0, 0xe0041,
];

describe('displayBytes: what could hide or reorder text is escaped', () => {
  it('shows U+202E and every other bidi control as an escape', () => {
    assert.equal(show('invoice\u202Efdp.exe'), 'invoice\\u{202e}fdp.exe');
    for (const code of BIDI) {
      const text = show(`a${String.fromCodePoint(code)}b`);
      assert.equal(text, `a\\u{${code.toString(16).padStart(4, '0')}}b`);
    }
  });

  it('shows zero-width, format, separator and blank-looking characters as escapes', () => {
    for (const code of INVISIBLE) {
      const text = show(`a${String.fromCodePoint(code)}b`);
      assert.equal(text, `a\\u{${code.toString(16).padStart(4, '0')}}b`, code.toString(16));
    }
    assert.equal(
      show('A\u0085B'),
      'A\\u{0085}B',
      'a C1 control is two bytes in UTF-8: shown as its code point',
    );
  });

  it('keeps emoji whole: joiners between pictographs and presentation selectors', () => {
    for (const emoji of ['👨‍👩‍👧', '❤️', '1️⃣', '🏳️‍🌈', 'Café ☕', 'Jérôme', '東京'])
      assert.equal(show(emoji), emoji);
    assert.equal(show('a\u200Db'), 'a\\u{200d}b', 'a joiner between letters is not emoji glue');
  });

  it('writes a backslash that would read as an escape as one, and others as they are', () => {
    assert.equal(show('C:\\Users'), 'C:\\Users');
    assert.equal(show('\\x41'), '\\x5cx41');
    assert.equal(displayBytes(Uint8Array.from([0x5c, 0x75, 0x7b, 0xff])), '\\x5cu{\\xff');
  });

  it('reaches SSIDs and BLE names through their parsers', () => {
    const name = [...utf8('Bob\u202E\u200Bphone')];
    const body = Uint8Array.from(ie(0, name));
    assert.equal(parseProbeRequestIEs(body, 0, body.length).ssid, 'Bob\\u{202e}\\u{200b}phone');
    assert.equal(displayText(Uint8Array.from(name), 0, name.length), 'Bob\\u{202e}\\u{200b}phone');
  });

  it('never lets a control, bidi or invisible character through, for any bytes', () => {
    const forbidden =
      /[\p{Cc}\p{Zl}\p{Zp}\u00a0\u2800\u3000\u3164]|[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
    const glue = new Set([0x200d, 0xfe0e, 0xfe0f]);
    const interesting = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc
        .array(
          fc.oneof(
            fc.constantFrom(...BIDI, ...INVISIBLE, 0x1f468, 0x200d, 0xfe0f),
            fc.integer({ min: 0x20, max: 0x7e }),
          ),
          {
            maxLength: 20,
          },
        )
        .map((codes) => utf8(String.fromCodePoint(...codes))),
    );
    fc.assert(
      fc.property(interesting, (bytes) => {
        const text = displayBytes(bytes);
        for (const ch of text) {
          if (glue.has(ch.codePointAt(0)!)) continue;
          assert.ok(!forbidden.test(ch), `U+${ch.codePointAt(0)!.toString(16)} in ${JSON.stringify(text)}`);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('is lossless: the bytes come back from the display form, whatever they were', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 48 }),
      fc.string({ unit: 'binary', maxLength: 24 }).map(utf8),
      fc
        .string({
          unit: fc.constantFrom('\\', 'x', 'u', '{', '}', '4', '1', 'f', '\u202e', 'é'),
          maxLength: 16,
        })
        .map(utf8),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        assert.deepEqual(bytesBack(displayBytes(b)), [...b]);
      }),
      { numRuns: 5000 },
    );
  });
});
