import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';

import { CaptureStreamReader, type CaptureProblem } from '../../../src/core/frames/captureReader.ts';
import { isFrameError } from '../../../src/core/frames/frameError.ts';
import { parseProbeRequestIEs } from '../../../src/core/frames/probeRequest.ts';
import { decodeWifiRecord, freqToChannel, type WifiFrame } from '../../../src/core/frames/wifiFrame.ts';
import {
  ascii,
  Bytes,
  concat,
  FIXTURES,
  filesUnder,
  hasTshark,
  ie,
  radiotap,
  SHARED_DATA,
  sharedDataPath,
  tsharkFields,
  wifiHeader,
} from './captureBytes.ts';

const TA = '7e:fd:7a:e4:31:66';
const BROADCAST = 'ff:ff:ff:ff:ff:ff';
const FLAGS = 1 << 1;
const CHANNEL = 1 << 3;
const DBM_ANTSIGNAL = 1 << 5;

const PROBE_BODY = Uint8Array.from([
  ...ie(0, ascii('cafe')),
  ...ie(1, [0x82, 0x84, 0x8b, 0x96]),
  ...ie(3, [6]),
  ...ie(221, [0x00, 0x50, 0xf2, 0x08, 0x00, 0x10, 0x00]),
]);
const PROBE = concat(wifiHeader(0x40, 0x00, BROADCAST, TA, BROADCAST, 2187), PROBE_BODY);

/** Radiotap with Flags, Channel and signal. */
function rt(flags: number, freq: number, signal: number): Uint8Array {
  const fields = new Bytes(true)
    .u8(flags, 0)
    .u16(freq)
    .u16(0x00a0)
    .u8(signal & 0xff)
    .done();
  return radiotap([FLAGS | CHANNEL | DBM_ANTSIGNAL], fields);
}

function ok(linkType: number, data: Uint8Array): WifiFrame {
  const result = decodeWifiRecord(linkType, data);
  if (isFrameError(result)) assert.fail(`unexpected error ${result.error}: ${result.message}`);
  return result;
}

describe('freqToChannel', () => {
  it('converts 2.4, 4.9, 5, 6 and 60 GHz centre frequencies', () => {
    const cases: [number, number | undefined][] = [
      [2412, 1],
      [2437, 6],
      [2472, 13],
      [2484, 14],
      [4920, 184],
      [5180, 36],
      [5825, 165],
      [5885, 177],
      [5935, 2],
      [5955, 1],
      [6415, 93],
      [7115, 233],
      [58320, 1],
      [2400, undefined],
      [2413, undefined],
      [900, undefined],
    ];
    for (const [freq, channel] of cases) assert.equal(freqToChannel(freq), channel, String(freq));
  });
});

describe('decodeWifiRecord', () => {
  it('decodes a radiotap probe request', () => {
    const frame = ok(127, concat(rt(0, 2437, -61), PROBE));
    assert.deepEqual(frame, {
      rssi: -61,
      freqMhz: 2437,
      channel: 6,
      frameType: 'probe-req',
      transmitter: TA,
      seq: 2187,
      ssid: 'cafe',
      ieFingerprint: parseProbeRequestIEs(PROBE_BODY, 0, PROBE_BODY.length).fingerprint,
      badFcs: false,
    });
  });

  it('decodes plain 802.11 (link type 105) without RSSI', () => {
    const frame = ok(105, PROBE);
    assert.equal(frame.rssi, undefined);
    assert.equal(frame.channel, undefined);
    assert.equal(frame.transmitter, TA);
    assert.equal(frame.ssid, 'cafe');
  });

  it('refuses other link types', () => {
    assert.deepEqual(decodeWifiRecord(1, PROBE), {
      error: 'unsupported-link-type-1',
      message: 'unsupported link type 1',
    });
    assert.deepEqual(decodeWifiRecord(272, PROBE), {
      error: 'unsupported-link-type-272',
      message: 'unsupported link type 272',
    });
  });

  it('strips the FCS when radiotap says it is there, so IE parsing does not read it', () => {
    // An FCS that happens to look like the start of an element.
    const fcs = Uint8Array.from([0xdd, 0x09, 0x00, 0x17]);
    const withFcs = ok(127, concat(rt(0x10, 2437, -61), PROBE, fcs));
    const without = ok(127, concat(rt(0, 2437, -61), PROBE));
    assert.equal(withFcs.ieFingerprint, without.ieFingerprint);
    assert.equal(withFcs.ssid, 'cafe');
    assert.equal(withFcs.badFcs, false);
    // Not stripped, the same bytes would have been read as a truncated vendor element.
    const unstripped = ok(127, concat(rt(0, 2437, -61), PROBE, fcs));
    assert.notEqual(unstripped.ieFingerprint, without.ieFingerprint);
    assert.equal(ok(127, concat(rt(0x50, 2437, -61), PROBE, fcs)).badFcs, true);
  });

  it('gives ACK and CTS no transmitter, and parses IEs only for probe requests', () => {
    const ack = Uint8Array.from([0xd4, 0, 0, 0, 2, 0, 0, 0, 0, 1]);
    const frame = ok(127, concat(rt(0, 5180, -40), ack));
    assert.equal(frame.frameType, 'ack');
    assert.equal(frame.transmitter, undefined);
    assert.equal(frame.seq, undefined);
    assert.equal(frame.rssi, -40);
    assert.equal(frame.channel, 36);
    const beacon = ok(105, concat(wifiHeader(0x80, 0, BROADCAST, TA, TA, 5), new Uint8Array(12), PROBE_BODY));
    assert.equal(beacon.frameType, 'beacon');
    assert.equal(beacon.transmitter, TA);
    assert.equal(beacon.ssid, undefined);
    assert.equal(beacon.ieFingerprint, undefined);
  });

  it('takes the transmitter from addr2 for every DS combination', () => {
    for (const ds of [0, 1, 2, 3]) {
      const header = wifiHeader(0x88, ds, BROADCAST, TA, BROADCAST, 77, ds === 3 ? BROADCAST : undefined);
      const frame = ok(105, concat(header, new Uint8Array(2)));
      assert.equal(frame.frameType, 'qos-data');
      assert.equal(frame.transmitter, TA, `ds ${ds}`);
      assert.equal(frame.seq, 77);
    }
  });

  it('gives every frame the same keys', () => {
    const keys = [
      'badFcs',
      'channel',
      'frameType',
      'freqMhz',
      'ieFingerprint',
      'rssi',
      'seq',
      'ssid',
      'transmitter',
    ];
    assert.deepEqual(Object.keys(ok(127, concat(rt(0, 2437, -61), PROBE))).sort(), keys);
    assert.deepEqual(Object.keys(ok(105, Uint8Array.from([0xc4, 0, 0, 0, 2, 0, 0, 0, 0, 1]))).sort(), keys);
  });

  it('returns errors for short frames', () => {
    const cases: [number, Uint8Array, string][] = [
      [127, rt(0, 2437, -61), 'truncated-80211-header'],
      [127, concat(rt(0x10, 2437, -61), PROBE.subarray(0, 12)), 'truncated-80211-header'],
      [127, concat(rt(0, 2437, -61), PROBE.subarray(0, 20)), 'truncated-80211-header'],
      [127, Uint8Array.from([0, 0, 8]), 'truncated-radiotap'],
      [105, new Uint8Array(0), 'truncated-80211-header'],
    ];
    for (const [linkType, data, error] of cases) {
      const result = decodeWifiRecord(linkType, data);
      assert.ok(isFrameError(result), error);
      assert.equal(result.error, error);
    }
  });
});

interface Decoded {
  records: number;
  frames: WifiFrame[];
  errors: Map<string, number>;
  problems: CaptureProblem[];
  times: number[];
}

function decodeFile(path: string): Decoded {
  const out: Decoded = { records: 0, frames: [], errors: new Map(), problems: [], times: [] };
  const reader = new CaptureStreamReader({
    onRecord(r) {
      out.records++;
      out.times.push(r.t);
      const f = decodeWifiRecord(r.linkType, r.data);
      if (isFrameError(f)) {
        out.errors.set(f.error, (out.errors.get(f.error) ?? 0) + 1);
        out.frames.push({ frameType: `error:${f.error}`, badFcs: false });
      } else out.frames.push(f);
    },
    onProblem: (p) => out.problems.push(p),
  });
  const bytes = new Uint8Array(readFileSync(path));
  for (let i = 0; i < bytes.length; i += 65536) reader.push(bytes.subarray(i, i + 65536));
  reader.end();
  return out;
}

/** tshark's printable form of an SSID: hex of the bytes (4.0) or '<MISSING>' for the wildcard. */
function expectedSsid(field: string): string | undefined {
  if (field === '<MISSING>') return '';
  if (!/^([0-9a-f]{2})+$/.test(field)) return undefined;
  const bytes = field.match(/../g)!.map((h) => parseInt(h, 16));
  return bytes.every((b) => b >= 0x20 && b < 0x7f) ? String.fromCharCode(...bytes) : undefined;
}

/** Compares our decoding of a file with tshark's, field by field, record by record. */
function compareWithTshark(path: string): void {
  const fields = [
    'wlan.ta',
    'radiotap.dbm_antsignal',
    'wlan.seq',
    'radiotap.channel.freq',
    'frame.time_epoch',
    'wlan.ssid',
  ];
  const rows = tsharkFields(path, fields);
  const ours = decodeFile(path);
  assert.equal(ours.records, rows.length, `${basename(path)}: record count`);
  const mismatches: string[] = [];
  rows.forEach((row, i) => {
    const f = ours.frames[i]!;
    const [ta, signal, seq, freq, time, ssid] = row;
    const check = (what: string, mine: unknown, theirs: string) => {
      if (String(mine ?? '') !== theirs)
        mismatches.push(`#${i + 1} ${what}: ours ${String(mine)} tshark ${theirs}`);
    };
    if (f.frameType.startsWith('error:')) {
      // tshark dissects malformed radio headers its own way; we must only have said why we could not.
      return;
    }
    check('transmitter', f.transmitter, ta!);
    check('rssi', f.rssi, signal!);
    check('seq', f.seq, seq!);
    check('freq', f.freqMhz, freq!);
    if (Math.abs(ours.times[i]! - Number(time)) > 1e-6)
      mismatches.push(`#${i + 1} t: ${ours.times[i]} vs ${time}`);
    if (f.frameType === 'probe-req') {
      const expected = expectedSsid(ssid ?? '');
      if (expected !== undefined) check('ssid', f.ssid, expected);
    }
  });
  assert.deepEqual(
    mismatches.slice(0, 10),
    [],
    `${basename(path)}: ${mismatches.length} mismatches with tshark`,
  );
}

describe('real captures', () => {
  it('decodes the brno excerpt (pcap and pcapng): 300 probe requests, all with RSSI', () => {
    for (const name of ['brno_2022-10-18_first300.pcap', 'brno_2022-10-18_first300.pcapng']) {
      const d = decodeFile(join(FIXTURES, name));
      assert.equal(d.records, 300);
      assert.deepEqual(d.problems, []);
      assert.equal(d.errors.size, 0);
      assert.ok(
        d.frames.every((f) => f.frameType === 'probe-req' && f.rssi !== undefined && f.channel === 2),
        `${name}: probe requests on channel 2 with RSSI`,
      );
      assert.ok(
        d.frames.every((f) => /^[0-9a-f]{16}$/.test(f.ieFingerprint ?? '')),
        `${name}: fingerprints`,
      );
    }
  });

  it('decodes the tcpdump radiotap edge cases', () => {
    const exthdr = decodeFile(join(FIXTURES, 'ieee802.11_exthdr.pcap'));
    assert.equal(exthdr.records, 26);
    assert.equal(exthdr.errors.size, 0);
    // Two presence words; the second continues the radiotap namespace at bit 32, which nobody
    // defines, so only the first word's fields can be located. The 18 received frames carry a
    // signal and channel there, the 8 transmitted ones neither.
    assert.equal(exthdr.frames.filter((f) => f.rssi !== undefined).length, 18);
    assert.deepEqual(
      exthdr.frames.slice(0, 3).map((f) => [f.frameType, f.rssi, f.channel]),
      [
        ['probe-req', -22, 1],
        ['ack', -19, 1],
        ['probe-resp', undefined, undefined],
      ],
    );
    for (const name of ['ieee802.11_htc.pcap', 'ieee802.11_meshid.pcap', 'ieee802.11_rx-stbc.pcap']) {
      const d = decodeFile(join(FIXTURES, name));
      assert.ok(d.records > 0, name);
      assert.equal(d.errors.size, 0, name);
    }
    const overflow = decodeFile(join(FIXTURES, 'radiotap-heapoverflow.pcap'));
    assert.deepEqual([...overflow.errors], [['bad-radiotap-version', 1]]);
  });

  it('matches tshark on every fixture', (t) => {
    if (!hasTshark()) return t.skip('tshark is not installed');
    for (const path of filesUnder(FIXTURES).filter((p) => /\.pcap(ng)?$/.test(p))) compareWithTshark(path);
  });

  it('matches tshark on shared recordings of every kind (brno, aircrack link type 105, probing patterns)', (t) => {
    if (!hasTshark()) return t.skip('tshark is not installed');
    const paths = [
      'wifi/brno/sc6-61_2022-10-18_anonymized.pcap',
      'wifi/aircrack/pmkid-not-recognized.cap',
      'wifi/aircrack/test1.pcap',
      'wifi/probing-patterns/iPhone11-B_anonymized.pcap',
    ].map(sharedDataPath);
    if (paths.some((p) => p === undefined)) return t.skip(`shared data not found at ${SHARED_DATA}`);
    for (const path of paths) compareWithTshark(path!);
  });

  it('reproduces the reference figures of brno 2022-10-18 through reader and decoder', (t) => {
    const path = sharedDataPath('wifi/brno/sc6-61_2022-10-18_anonymized.pcap');
    if (path === undefined) return t.skip(`shared data not found at ${SHARED_DATA}`);
    const d = decodeFile(path);
    assert.equal(d.records, 12613);
    assert.deepEqual(d.problems, []);
    assert.ok(
      d.frames.every((f) => f.frameType === 'probe-req'),
      'all probe requests',
    );
    const rssi = d.frames.map((f) => f.rssi).filter((r) => r !== undefined);
    assert.equal(rssi.length, 12613);
    const mean = rssi.reduce((a, b) => a + b, 0) / rssi.length;
    assert.equal(mean.toFixed(2), '-75.63');
    assert.equal(new Set(d.frames.map((f) => f.transmitter)).size, 2309);
    assert.equal(new Date(d.times[0]! * 1000).toISOString().slice(11, 19), '08:53:42');
    assert.equal(new Date(d.times.at(-1)! * 1000).toISOString().slice(11, 19), '12:45:42');
  });

  it('decodes every file under the shared wifi recordings without throwing', (t) => {
    const dir = sharedDataPath('wifi');
    if (dir === undefined) return t.skip(`shared data not found at ${SHARED_DATA}`);
    const captures = filesUnder(dir).filter((p) => /\.(pcap|pcapng|cap)$/.test(p));
    assert.ok(captures.length > 0, `captures under ${dir}`);
    for (const path of captures) {
      const d = decodeFile(path);
      const decoded = d.frames.filter((f) => !f.frameType.startsWith('error:')).length;
      const errors = [...d.errors].map(([k, v]) => `${k}=${v}`).join(' ');
      const problems = d.problems.map((p) => p.reason).join(' ');
      t.diagnostic(
        `${path.slice(dir.length + 1)}: ${d.records} records, ${decoded} decoded${errors ? `, ${errors}` : ''}${problems ? `, problems: ${problems}` : ''}`,
      );
      assert.ok(d.records > 0, path);
      assert.ok(
        d.problems.every((p) => !p.fatal),
        path,
      );
    }
  });
});
