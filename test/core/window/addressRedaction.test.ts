import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { displayBytes, forEachDisplayedByte } from '../../../src/core/frames/displayBytes.ts';
import { redactAddresses, redactAddressText } from '../../../src/core/window/addressRedaction.ts';
import {
  arbitraryMac,
  arbitrarySpelling,
  arbitrarySuffixSpelling,
  colonForm,
  containsRawMac,
  findSpelledMac,
  type Mac,
  suffixSpellings,
  textSpellings,
} from '../../privacy/macSpellings.ts';

const SENDER = 'a4:cf:12:dd:ee:ff';
const PEER: Mac = [0x02, 0x11, 0x22, 0x33, 0x44, 0x55];

function bytesOf(text: string): number[] {
  const out: number[] = [];
  forEachDisplayedByte(text, (byte) => (out.push(byte), true));
  return out;
}

/** The display text of raw bytes, as the frame parsers make it. */
function shown(...parts: (string | readonly number[])[]): string {
  const bytes = parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p));
  return displayBytes(Uint8Array.from(bytes));
}

const macOf = (text: string): Mac => text.split(':').map((h) => parseInt(h, 16));

describe('redactAddresses', () => {
  it("removes another device's address in every fixed spelling", () => {
    for (const spelling of textSpellings(PEER)) {
      const out = redactAddresses(`peer ${spelling} ok`, SENDER);
      assert.equal(out, 'peer [mac] ok', spelling);
    }
  });

  it("removes the sender's own address as text, either byte order", () => {
    assert.equal(redactAddresses('ShellyPlus1-A4CF12DDEEFF', SENDER), 'ShellyPlus1-[mac]');
    assert.equal(redactAddresses('esp-ff:ee:dd:12:cf:a4', SENDER), 'esp-[mac]');
  });

  it("removes the sender's vendor-style suffix: last 3 or 2 bytes, any case and separator", () => {
    for (const name of suffixSpellings(macOf(SENDER)))
      assert.match(redactAddresses(name, SENDER), /^(ESP_|esp_|Pixel_|Dev |tag-)\[mac\]$/, name);
    assert.equal(redactAddresses('Shelly-C4DDEEFF', SENDER), 'Shelly-[mac]', 'the hex run it ends goes too');
    assert.equal(redactAddresses('ESP_DDEEFF', 'a4:cf:12:00:11:22'), 'ESP_DDEEFF', "someone else's suffix");
  });

  it("removes the sender's raw address bytes, escaped or printable, either order", () => {
    const raw = macOf(SENDER);
    assert.equal(redactAddresses(shown('net', raw, 'x'), SENDER), 'net[mac]x');
    assert.equal(redactAddresses(shown('net', [...raw].reverse()), SENDER), 'net[mac]');
    // An address whose bytes are all printable ASCII hides in plain text: "Beef!!".
    const printable = '42:65:65:66:21:21';
    assert.equal(redactAddresses('my Beef!! net', printable), 'my [mac] net');
    // Bytes that happen to be valid UTF-8 (c3 a9 is é) display as characters, not escapes.
    const utf8Mac = '02:c3:a9:41:42:43';
    const text = shown('caf', macOf(utf8Mac), 'e');
    assert.equal(text, 'caf\\x02éABCe');
    assert.equal(redactAddresses(text, utf8Mac), 'caf[mac]e');
  });

  it('leaves ordinary names alone', () => {
    for (const text of ['eduroam', 'FRITZ!Box 7590 XY', 'Home-5G', 'Café ☕', 'iPhone', 'AndroidAP_1234', ''])
      assert.equal(redactAddresses(text, SENDER), text);
    assert.equal(redactAddresses('peer 02:11:22:33:44', SENDER), 'peer 02:11:22:33:44', 'five bytes');
  });

  it('removes what only looks like an address too: the documented false positives', () => {
    assert.equal(redactAddresses('Phone 123456789012', SENDER), 'Phone [mac]');
    assert.equal(redactAddresses('Cafe 1234567890', SENDER), '[mac]', 'hex words joined by spaces pair up');
    assert.equal(redactAddresses('id 0123456789abcdef0123', SENDER), 'id [mac]');
    assert.equal(redactAddresses('Face Bead Deaf', SENDER), '[mac]');
    assert.equal(redactAddresses('v1:2:3:4:5:6', SENDER), 'v[mac]');
    assert.equal(redactAddresses('Cafe EEFF', SENDER), 'Cafe [mac]', "equals the sender's last two bytes");
  });

  it('never lets any spelling of a random address through, wherever it sits', () => {
    const around = fc.string({
      unit: fc.constantFrom(...'0123456789abcdefABCDEF:-._ xyz\\é'),
      maxLength: 12,
    });
    fc.assert(
      fc.property(
        arbitraryMac.chain((mac) => fc.tuple(fc.constant(mac), arbitrarySpelling(mac), around, around)),
        arbitraryMac,
        ([peer, spelling, before, after], sender) => {
          const out = redactAddresses(before + spelling + after, colonForm(sender));
          assert.equal(findSpelledMac(out, peer), undefined, `${before}${spelling}${after} -> ${out}`);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("never lets the sender's suffix or raw bytes through", () => {
    const around = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:-._ xyz'), maxLength: 10 });
    fc.assert(
      fc.property(
        arbitraryMac.chain((mac) => fc.tuple(fc.constant(mac), arbitrarySuffixSpelling(mac), around, around)),
        ([mac, suffix, before, after]) => {
          const out = redactAddresses(before + suffix + after, colonForm(mac));
          assert.equal(findSpelledMac(out, mac, true), undefined, `${before}${suffix}${after} -> ${out}`);
        },
      ),
      { numRuns: 2000 },
    );
    const noise = fc.uint8Array({ maxLength: 12 });
    fc.assert(
      fc.property(arbitraryMac, fc.boolean(), noise, noise, (mac, reversed, before, after) => {
        const raw = reversed ? [...mac].reverse() : [...mac];
        const text = displayBytes(Uint8Array.from([...before, ...raw, ...after]));
        const out = redactAddresses(text, colonForm(mac));
        assert.ok(!containsRawMac(bytesOf(out), mac), `${text} -> ${out}`);
        assert.equal(findSpelledMac(out, mac), undefined);
      }),
      { numRuns: 3000 },
    );
  });

  it('returns text without hex runs or the raw address unchanged', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), arbitraryMac, (text, mac) => {
        fc.pre(!/[0-9a-f]{2}/i.test(text) && !containsRawMac(bytesOf(text), mac));
        assert.equal(redactAddresses(text, colonForm(mac)), text);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('redactAddressText', () => {
  it('removes any address written as text, without knowing the sender', () => {
    for (const spelling of textSpellings(PEER))
      assert.equal(redactAddressText(`peer ${spelling}`), 'peer [mac]', spelling);
    assert.equal(redactAddressText('ESP_DDEEFF'), 'ESP_DDEEFF', 'a suffix needs the sender to be recognised');
    assert.equal(redactAddressText('eduroam'), 'eduroam');
  });

  it('agrees with redactAddresses on texts that carry no trace of the sender', () => {
    fc.assert(
      fc.property(
        arbitraryMac.chain((mac) => fc.tuple(fc.constant(mac), arbitrarySpelling(mac))),
        fc.string({ maxLength: 8 }),
        ([peer, spelling], around) => {
          const text = `${around}${spelling}${around}`;
          // A sender with no printable byte and a suffix no text here holds: rules 2 and 3 stay silent.
          const sender = 'f0:00:00:00:00:00';
          fc.pre(!/0{4}/.test(text));
          assert.equal(redactAddressText(text), redactAddresses(text, sender));
          assert.equal(findSpelledMac(redactAddressText(text), peer), undefined);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
