import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { hash64Hex } from '../../../src/core/frames/hash64.ts';
import {
  parseProbeRequestIEs,
  summarizeProbeRequest,
  type ProbeSummary,
} from '../../../src/core/frames/probeRequest.ts';
import { displaySsid } from '../../../src/core/frames/ssidText.ts';
import { ascii, hex, ie } from './captureBytes.ts';

/** The body of the first probe request of the brno 2022-10-18 capture (Apple vendor element 00:17:f2). */
const BRNO_BODY = hex(
  '000d535349445f3536323131353837 ' +
    '010482848b96 ' +
    '32080c1218243048606c ' +
    '030101 ' +
    '2d1a2d401bffff000000000000000000000000000000000000000000 ' +
    '7f080000080400000040 ' +
    'ff1c23010808180080203002000d009f08000000f5fff5ff391cc7711c07 ' +
    'dd0b0017f20a00010400000000 ' +
    'dd070050f208001000 ' +
    'dd0a00101802010010000002',
);

function fingerprintOf(elements: number[][]): string {
  const body = Uint8Array.from(elements.flat());
  return parseProbeRequestIEs(body, 0, body.length).fingerprint;
}

const SSID = (text: string) => ie(0, ascii(text));
const RATES = ie(1, [0x82, 0x84, 0x8b, 0x96]);
const EXT_RATES = ie(50, [0x0c, 0x12, 0x18, 0x24, 0x30, 0x48, 0x60, 0x6c]);
const DS = (channel: number) => ie(3, [channel]);
const HT = (capInfoLow: number) =>
  ie(45, [capInfoLow, 0x40, 0x1b, 0xff, 0xff, ...new Array<number>(21).fill(0)]);
const EXT_CAPS = ie(127, [0, 0, 8, 4, 0, 0, 0, 0x40]);
const VENDOR = (payload: number[]) => ie(221, [0x00, 0x50, 0xf2, 0x04, ...payload]);
const INTERWORKING = (hessid: number[]) => ie(107, [0x0f, ...hessid]);

function baseline(
  overrides: Partial<Record<'ssid' | 'ds' | 'ht' | 'vendor' | 'interworking', number[]>> = {},
): number[][] {
  return [
    overrides.ssid ?? SSID(''),
    RATES,
    EXT_RATES,
    overrides.ds ?? DS(1),
    overrides.ht ?? HT(0x2d),
    EXT_CAPS,
    overrides.interworking ?? INTERWORKING([]),
    overrides.vendor ?? VENDOR([0x10, 0x4a, 0x00, 0x01, 0x10]),
  ];
}

describe('parseProbeRequestIEs', () => {
  it('reads a real probe request body', () => {
    const ies = parseProbeRequestIEs(BRNO_BODY, 0, BRNO_BODY.length);
    assert.equal(ies.ssid, 'SSID_56211587');
    assert.deepEqual(ies.ssidBytes, Uint8Array.from(ascii('SSID_56211587')));
    assert.deepEqual(ies.supportedRates, [0x82, 0x84, 0x8b, 0x96]);
    assert.deepEqual(ies.extendedRates, [0x0c, 0x12, 0x18, 0x24, 0x30, 0x48, 0x60, 0x6c]);
    assert.equal(ies.htCapabilities?.length, 26);
    assert.equal(ies.htCapabilities?.[0], 0x2d);
    assert.equal(ies.vhtCapabilities, undefined);
    assert.equal(ies.heCapabilities?.length, 27);
    assert.equal(ies.extendedCapabilities?.length, 8);
    assert.deepEqual(ies.vendorIEs, [
      { oui: '00:17:f2', type: 10, length: 11 },
      { oui: '00:50:f2', type: 8, length: 7 },
      { oui: '00:10:18', type: 2, length: 10 },
    ]);
    assert.deepEqual(ies.ieIds, [0, 1, 50, 3, 45, 127, 255, 221, 221, 221]);
    assert.deepEqual(ies.extensionIds, [35]);
    assert.equal(ies.truncated, false);
    assert.match(ies.fingerprint, /^[0-9a-f]{16}$/);
  });

  it('keeps its fingerprint algorithm stable (stored values depend on it)', () => {
    assert.equal(parseProbeRequestIEs(BRNO_BODY, 0, BRNO_BODY.length).fingerprint, '805b72cbbba09f04');
    assert.equal(hash64Hex(new Uint8Array(0), 0), '5cdaefc66ec7749a');
    assert.equal(hash64Hex(Uint8Array.from([1, 2, 3, 4, 5]), 5), '52389c39a637c77a');
  });

  it('returns copies, so results outlive the record buffer', () => {
    const body = BRNO_BODY.slice();
    const ies = parseProbeRequestIEs(body, 0, body.length);
    body.fill(0);
    assert.equal(ies.htCapabilities?.[0], 0x2d);
    assert.equal(ies.ssidBytes[0], 0x53);
  });

  it('gives the wildcard SSID as an empty string and no SSID element as undefined', () => {
    const wildcard = Uint8Array.from([...SSID(''), ...RATES]);
    assert.equal(parseProbeRequestIEs(wildcard, 0, wildcard.length).ssid, '');
    const none = Uint8Array.from(RATES);
    const ies = parseProbeRequestIEs(none, 0, none.length);
    assert.equal(ies.ssid, undefined);
    assert.equal(ies.ssidBytes.length, 0);
  });

  it('displays SSIDs: UTF-8 when valid, \\xNN escapes otherwise, control characters always escaped', () => {
    const show = (bytes: number[]) => {
      const body = Uint8Array.from(ie(0, bytes));
      return parseProbeRequestIEs(body, 0, body.length).ssid;
    };
    assert.equal(show(ascii('Free WiFi')), 'Free WiFi');
    assert.equal(show([...new TextEncoder().encode('Café ☕')]), 'Café ☕');
    assert.equal(show([0x41, 0xff, 0x42, 0x00]), 'A\\xffB\\x00');
    assert.equal(show([0xc3, 0x28]), '\\xc3('); // invalid UTF-8 sequence
    assert.equal(show([0x61, 0x09, 0x62]), 'a\\x09b');
    assert.equal(show([0, 0, 0]), '\\x00\\x00\\x00'); // hidden-network probe
    assert.equal(show([0xc2, 0x85]), '\\u{0085}'); // U+0085, a C1 control: two bytes in valid UTF-8
  });

  it('gives the same display string on repeated and interleaved SSIDs (memoised)', () => {
    const a = Uint8Array.from(ascii('cafe'));
    const b = Uint8Array.from([0x63, 0x61, 0x66, 0xc3, 0xa9]);
    for (let i = 0; i < 3; i++) {
      assert.equal(displaySsid(a, 0, a.length), 'cafe');
      assert.equal(displaySsid(b, 0, b.length), 'café');
    }
    const long = Uint8Array.from(ascii('x'.repeat(40)));
    assert.equal(displaySsid(long, 0, long.length), 'x'.repeat(40));
  });

  it('stops at an element that overruns the body and marks the result truncated', () => {
    const full = baseline().flat();
    const cut = Uint8Array.from([...full, 45, 26, 0x2d, 0x40]);
    const ies = parseProbeRequestIEs(cut, 0, cut.length);
    assert.equal(ies.truncated, true);
    assert.deepEqual(ies.ieIds, [0, 1, 50, 3, 45, 127, 107, 221]);
    assert.equal(ies.ssid, '');
    const complete = parseProbeRequestIEs(Uint8Array.from(full), 0, full.length);
    assert.equal(complete.truncated, false);
    assert.notEqual(ies.fingerprint, complete.fingerprint);
    // A lone id byte at the end is a truncated element too.
    const lone = Uint8Array.from([...full, 221]);
    assert.equal(parseProbeRequestIEs(lone, 0, lone.length).truncated, true);
  });

  it('never reads outside [offset, end) and accepts odd bounds', () => {
    const body = Uint8Array.from([0xee, ...SSID('ab'), 0xee, 0xee]);
    const ies = parseProbeRequestIEs(body, 1, 5);
    assert.equal(ies.ssid, 'ab');
    assert.equal(ies.truncated, false);
    assert.equal(parseProbeRequestIEs(body, 5, 2).ieIds.length, 0);
    assert.equal(parseProbeRequestIEs(body, 0, 1000).truncated, true);
    assert.equal(parseProbeRequestIEs(body, -3, 0).ieIds.length, 0);
  });
});

describe('IE fingerprint', () => {
  const reference = fingerprintOf(baseline());

  it('ignores what changes between one device’s probes', () => {
    assert.equal(
      fingerprintOf(baseline({ ssid: SSID('HomeNetwork') })),
      reference,
      'SSID content and length',
    );
    assert.equal(fingerprintOf(baseline({ ds: DS(11) })), reference, 'DS parameter set (channel)');
    assert.equal(fingerprintOf(baseline({ ht: HT(0x2d ^ 0x02) })), reference, 'HT supported channel width');
    assert.equal(fingerprintOf(baseline({ ht: HT(0x2d ^ 0x0c) })), reference, 'HT SM power save');
    assert.equal(
      fingerprintOf(baseline({ vendor: VENDOR([0x99, 0x98, 0x97, 0x96, 0x95]) })),
      reference,
      'vendor payload',
    );
    assert.equal(
      fingerprintOf([...baseline().slice(0, 6), INTERWORKING([]), baseline()[7]!]),
      reference,
      'interworking without HESSID',
    );
  });

  it('follows what describes the device', () => {
    const variants: [string, number[][]][] = [
      ['supported rates', baseline().map((e) => (e === RATES ? ie(1, [0x02, 0x04, 0x0b, 0x16]) : e))],
      ['element order', [baseline()[0]!, EXT_RATES, RATES, ...baseline().slice(3)]],
      ['HT capabilities beyond the masked bits', baseline({ ht: HT(0x2d ^ 0x20) })],
      ['vendor OUI', baseline({ vendor: ie(221, [0x00, 0x17, 0xf2, 0x04, 0x10, 0x4a, 0x00, 0x01, 0x10]) })],
      ['vendor length', baseline({ vendor: VENDOR([0x10, 0x4a, 0x00, 0x01]) })],
      ['an extra element', [...baseline(), ie(191, new Array<number>(12).fill(1))]],
      ['a missing element', baseline().filter((e) => e !== EXT_CAPS)],
    ];
    const seen = new Set([reference]);
    for (const [label, elements] of variants) {
      const fp = fingerprintOf(elements);
      assert.ok(!seen.has(fp), `${label} should change the fingerprint`);
      seen.add(fp);
    }
  });

  it('hashes extension elements by extension id and HE capability content', () => {
    const he = (byte: number) => ie(255, [35, byte, 8, 8, 0x18, 0, 0x80]);
    const other = (ext: number, byte: number) => ie(255, [ext, byte]);
    assert.notEqual(fingerprintOf([RATES, he(1)]), fingerprintOf([RATES, he(3)]));
    assert.equal(fingerprintOf([RATES, other(2, 1)]), fingerprintOf([RATES, other(2, 9)]));
    assert.notEqual(fingerprintOf([RATES, other(2, 1)]), fingerprintOf([RATES, other(4, 1)]));
  });

  it('agrees between the full parse and the hot-path summary, which reuses its output object', () => {
    const out: ProbeSummary = { ssid: undefined, fingerprint: '', truncated: false };
    const first = summarizeProbeRequest(BRNO_BODY, 0, BRNO_BODY.length, out);
    assert.equal(first, out);
    assert.equal(out.ssid, 'SSID_56211587');
    assert.equal(out.fingerprint, parseProbeRequestIEs(BRNO_BODY, 0, BRNO_BODY.length).fingerprint);
    const other = Uint8Array.from(baseline().flat());
    summarizeProbeRequest(other, 0, other.length, out);
    assert.equal(out.ssid, '');
    assert.equal(out.fingerprint, reference);
    assert.deepEqual(summarizeProbeRequest(new Uint8Array(0), 0, 0), {
      ssid: undefined,
      fingerprint: summarizeProbeRequest(new Uint8Array(0), 0, 0).fingerprint,
      truncated: false,
    });
  });
});
