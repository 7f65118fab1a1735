import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isFrameError } from '../../../src/core/frames/frameError.ts';
import { macToString, parseWifiHeader, type WifiHeader } from '../../../src/core/frames/ieee80211.ts';
import { Bytes, concat, mac, wifiHeader } from './captureBytes.ts';

const RA = '02:00:00:00:00:01';
const TA = '02:00:00:00:00:02';
const A3 = '02:00:00:00:00:03';
const A4 = '02:00:00:00:00:04';

function ok(data: Uint8Array, offset = 0): WifiHeader {
  const result = parseWifiHeader(data, offset, data.length - offset);
  if (isFrameError(result)) assert.fail(`unexpected error ${result.error}: ${result.message}`);
  return result;
}

function control(subtype: number, withTa: boolean, fc1 = 0): Uint8Array {
  const b = new Bytes(true)
    .u8((subtype << 4) | 0x04, fc1)
    .u16(0)
    .bytes(mac(RA));
  if (withTa) b.bytes(mac(TA));
  return b.done();
}

describe('macToString', () => {
  it('writes lower-case colon-separated hex at an offset', () => {
    assert.equal(
      macToString(Uint8Array.from([0, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0xff]), 2),
      'cd:ef:01:23:45:ff',
    );
    assert.equal(macToString(new Uint8Array(6), 0), '00:00:00:00:00:00');
  });
});

describe('parseWifiHeader', () => {
  it('reads a probe request: transmitter addr2, BSSID addr3, sequence number', () => {
    const frame = concat(
      wifiHeader(0x40, 0x08, 'ff:ff:ff:ff:ff:ff', TA, 'ff:ff:ff:ff:ff:ff', 2187),
      Uint8Array.from([0, 0]),
    );
    const h = ok(frame);
    assert.deepEqual(h, {
      type: 0,
      subtype: 4,
      frameType: 'probe-req',
      toDs: false,
      fromDs: false,
      transmitter: TA,
      receiver: 'ff:ff:ff:ff:ff:ff',
      bssid: 'ff:ff:ff:ff:ff:ff',
      seq: 2187,
      bodyOffset: 24,
      retry: true,
      protected: false,
    });
  });

  it('names management subtypes', () => {
    const names = [0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14].map(
      (subtype) => ok(wifiHeader(subtype << 4, 0, RA, TA, A3, 1)).frameType,
    );
    assert.deepEqual(names, [
      'assoc-req',
      'assoc-resp',
      'reassoc-req',
      'reassoc-resp',
      'probe-req',
      'probe-resp',
      'beacon',
      'atim',
      'disassoc',
      'auth',
      'deauth',
      'action',
      'action-noack',
    ]);
  });

  it('skips the HT Control field of a management frame with +HTC set', () => {
    const frame = concat(wifiHeader(0xd0, 0x80, RA, TA, A3, 7), new Uint8Array(4), Uint8Array.from([1]));
    const h = ok(frame);
    assert.equal(h.frameType, 'action');
    assert.equal(h.bodyOffset, 28);
  });

  const dsCases: [string, number, string | undefined][] = [
    ['no DS bit: addr3 is the BSSID', 0x00, A3],
    ['FromDS: addr2 is the BSSID', 0x02, TA],
    ['ToDS: addr1 is the BSSID', 0x01, RA],
    ['ToDS and FromDS: no BSSID, addr4 present', 0x03, undefined],
  ];
  for (const [label, ds, bssid] of dsCases) {
    it(`data frame, ${label}; the transmitter is always addr2`, () => {
      const frame = wifiHeader(0x08, ds, RA, TA, A3, 100, ds === 3 ? A4 : undefined);
      const h = ok(frame);
      assert.equal(h.frameType, 'data');
      assert.equal(h.transmitter, TA);
      assert.equal(h.receiver, RA);
      assert.equal(h.bssid, bssid);
      assert.equal(h.toDs, (ds & 1) !== 0);
      assert.equal(h.fromDs, (ds & 2) !== 0);
      assert.equal(h.seq, 100);
      assert.equal(h.bodyOffset, ds === 3 ? 30 : 24);
    });
  }

  it('finds the body of QoS data frames after QoS Control and HT Control', () => {
    assert.equal(ok(concat(wifiHeader(0x88, 0x01, RA, TA, A3, 1), new Uint8Array(2))).bodyOffset, 26);
    assert.equal(ok(concat(wifiHeader(0x88, 0x81, RA, TA, A3, 1), new Uint8Array(6))).bodyOffset, 30);
    assert.equal(ok(concat(wifiHeader(0x88, 0x03, RA, TA, A3, 1, A4), new Uint8Array(2))).bodyOffset, 32);
    const qosNull = ok(concat(wifiHeader(0xc8, 0x11, RA, TA, A3, 9), new Uint8Array(2)));
    assert.equal(qosNull.frameType, 'qos-null');
    assert.equal(ok(wifiHeader(0x48, 0x11, RA, TA, A3, 9)).frameType, 'null');
    assert.equal(ok(concat(wifiHeader(0x88, 0x41, RA, TA, A3, 1), new Uint8Array(2))).protected, true);
  });

  it('gives ACK and CTS no transmitter and no sequence number', () => {
    for (const [subtype, name] of [
      [13, 'ack'],
      [12, 'cts'],
    ] as const) {
      const h = ok(control(subtype, false));
      assert.equal(h.frameType, name);
      assert.equal(h.transmitter, undefined);
      assert.equal(h.receiver, RA);
      assert.equal(h.seq, undefined);
      assert.equal(h.bodyOffset, 10);
    }
  });

  it('reads the TA of RTS, PS-Poll, BlockAckReq, BlockAck and CF-End', () => {
    for (const [subtype, name] of [
      [11, 'rts'],
      [10, 'ps-poll'],
      [8, 'block-ack-req'],
      [9, 'block-ack'],
      [14, 'cf-end'],
    ] as const) {
      const h = ok(control(subtype, true));
      assert.equal(h.frameType, name, name);
      assert.equal(h.transmitter, TA, name);
      assert.equal(h.seq, undefined, name);
      assert.equal(h.bodyOffset, 16, name);
    }
    assert.equal(ok(control(10, true)).bssid, RA); // PS-Poll: addr1 is the BSSID
    assert.equal(ok(control(14, true)).bssid, TA); // CF-End: addr2 is the BSSID
  });

  it('clears the bandwidth-signaling group bit of a control frame TA', () => {
    const rts = control(11, true);
    rts[10]! |= 0x01;
    assert.equal(ok(rts).transmitter, TA);
  });

  it('honours the offset and the length', () => {
    const frame = concat(Uint8Array.from([0xee, 0xee]), control(13, false), Uint8Array.from([0xee]));
    const h = ok(frame.subarray(0, 12), 2);
    assert.equal(h.frameType, 'ack');
    assert.equal(h.bodyOffset, 12);
    const cut = parseWifiHeader(frame, 2, 9);
    assert.ok(isFrameError(cut), 'a 9-byte ACK is an error');
  });

  it('returns errors for truncated headers and unknown protocol versions', () => {
    const probe = wifiHeader(0x40, 0, RA, TA, A3, 1);
    for (const length of [0, 9, 10, 23]) {
      const result = parseWifiHeader(probe, 0, length);
      assert.ok(isFrameError(result), `length ${length}`);
      assert.equal(result.error, 'truncated-80211-header');
    }
    const rtsWithoutTa = parseWifiHeader(control(11, false), 0, 10);
    assert.ok(isFrameError(rtsWithoutTa), 'an RTS needs its TA');
    const v1 = probe.slice();
    v1[0] = 0x41;
    const result = parseWifiHeader(v1, 0, v1.length);
    assert.ok(isFrameError(result), 'protocol version 1');
    assert.equal(result.error, 'unsupported-80211-version');
  });

  it("names extension frames 'ext' without addresses", () => {
    const h = ok(Uint8Array.from([0x1c, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]));
    assert.equal(h.frameType, 'ext');
    assert.equal(h.transmitter, undefined);
  });
});
