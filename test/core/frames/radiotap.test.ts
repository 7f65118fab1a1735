import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isFrameError, type FrameError } from '../../../src/core/frames/frameError.ts';
import { parseRadiotap, type RadiotapInfo } from '../../../src/core/frames/radiotap.ts';
import { Bytes, fixture, hex, radiotap, readAll } from './captureBytes.ts';

const TSFT = 1 << 0;
const FLAGS = 1 << 1;
const RATE = 1 << 2;
const CHANNEL = 1 << 3;
const DBM_ANTSIGNAL = 1 << 5;
const ANTENNA = 1 << 11;
const RX_FLAGS = 1 << 14;
const XCHANNEL = 1 << 18;
const TLV = 1 << 28;
const NS_RADIOTAP = 1 << 29;
const NS_VENDOR = 1 << 30;
const EXT = 0x80000000;

function ok(data: Uint8Array): RadiotapInfo {
  const result = parseRadiotap(data);
  if (isFrameError(result)) assert.fail(`unexpected error ${result.error}: ${result.message}`);
  return result;
}

function err(data: Uint8Array): FrameError {
  const result = parseRadiotap(data);
  assert.ok(isFrameError(result), 'expected an error');
  return result;
}

describe('parseRadiotap', () => {
  it('reads the ESP32 sniffer header of the brno captures', () => {
    // present 0x0828: channel 2417 MHz flags 0x0080, signal -94 dBm, antenna 0.
    const info = ok(hex('00 00 0e 00 28 08 00 00 71 09 80 00 a2 00'));
    assert.deepEqual(info, {
      headerLength: 14,
      rssi: -94,
      freqMhz: 2417,
      channelFlags: 0x80,
      flags: undefined,
      fcsAtEnd: false,
      badFcs: false,
    });
  });

  it('aligns each field relative to the header start (TSFT on 8, Channel on 2)', () => {
    // Two presence words: fields start at 12, so TSFT needs 4 bytes of padding to reach 16.
    const fields = new Bytes(true)
      .u32(0xdeadbeef) // padding 12..15
      .u32(1)
      .u32(0) // TSFT 16..23
      .u8(0x10) // Flags at 24: FCS at end
      .u8(0) // padding to 26
      .u16(5180)
      .u16(0x0140) // Channel 26..29
      .u8(0xc4) // dBm antsignal at 30: -60
      .done();
    const info = ok(radiotap([TSFT | FLAGS | CHANNEL | DBM_ANTSIGNAL | EXT, 0], fields));
    assert.equal(info.headerLength, 31);
    assert.equal(info.flags, 0x10);
    assert.equal(info.freqMhz, 5180);
    assert.equal(info.channelFlags, 0x0140);
    assert.equal(info.rssi, -60);
    assert.equal(info.fcsAtEnd, true);
    assert.equal(info.badFcs, false);
  });

  it('follows extended presence bitmaps that restart the radiotap namespace per antenna, keeping the first signal', () => {
    // word0: TSFT, Flags, Rate, Channel, signal, RX flags; word1, word2: signal and antenna.
    const fields = new Bytes(true)
      .u32(0)
      .u32(0) // TSFT 16..23
      .u8(0x40) // Flags 24: bad FCS
      .u8(2) // Rate 25
      .u16(2437)
      .u16(0x00a0) // Channel 26..29
      .u8(-42 & 0xff) // signal 30
      .u8(0) // pad
      .u16(0) // RX flags 32..33
      .u8(-45 & 0xff)
      .u8(0) // signal, antenna 0 (34, 35)
      .u8(-44 & 0xff)
      .u8(1) // signal, antenna 1 (36, 37)
      .done();
    const info = ok(
      radiotap(
        [
          TSFT | FLAGS | RATE | CHANNEL | DBM_ANTSIGNAL | RX_FLAGS | NS_RADIOTAP | EXT,
          DBM_ANTSIGNAL | ANTENNA | NS_RADIOTAP | EXT,
          DBM_ANTSIGNAL | ANTENNA,
        ],
        fields,
      ),
    );
    assert.equal(info.rssi, -42);
    assert.equal(info.freqMhz, 2437);
    assert.equal(info.badFcs, true);
    assert.equal(info.fcsAtEnd, false);
  });

  it('skips a vendor namespace by its skip_length and goes on in the radiotap namespace', () => {
    // Fields start at 16. Flags 16; vendor header aligned to 18: OUI, sub-namespace,
    // skip_length 5; vendor data 24..28; then Channel aligned to 30, signal at 34.
    const fields = new Bytes(true)
      .u8(0x10) // Flags 16
      .u8(0xee) // pad 17
      .u8(0x00, 0x11, 0x22, 0x01)
      .u16(5) // vendor header 18..23
      .u8(0xa1, 0xa2, 0xa3, 0xa4, 0xa5) // vendor data 24..28
      .u8(0xee) // pad 29
      .u16(2462)
      .u16(0x00a0) // Channel 30..33
      .u8(-71 & 0xff) // signal 34
      .done();
    const info = ok(
      radiotap([FLAGS | NS_VENDOR | EXT, 0x3 | NS_RADIOTAP | EXT, CHANNEL | DBM_ANTSIGNAL], fields),
    );
    assert.equal(info.flags, 0x10);
    assert.equal(info.freqMhz, 2462);
    assert.equal(info.rssi, -71);
  });

  it('stops at a field it cannot size but keeps what it already read', () => {
    // word1 continues the radiotap namespace at bit 32, which is not defined: the signal in
    // word2 cannot be located.
    const fields = new Bytes(true)
      .u8(0x10)
      .u8(0, 0, 0, 0, 0, 0, 0)
      .u8(-50 & 0xff)
      .done();
    const info = ok(radiotap([FLAGS | EXT, 1 | NS_RADIOTAP | EXT, DBM_ANTSIGNAL], fields));
    assert.equal(info.flags, 0x10);
    assert.equal(info.fcsAtEnd, true);
    assert.equal(info.rssi, undefined);
  });

  it('ends the fixed fields at the TLV bit', () => {
    const fields = new Bytes(true)
      .u8(0)
      .u8(-33 & 0xff)
      .u8(0, 0)
      .u16(1)
      .u16(0)
      .done();
    const info = ok(radiotap([FLAGS | DBM_ANTSIGNAL | TLV], fields));
    assert.equal(info.rssi, -33);
  });

  it('takes the frequency from XChannel when there is no Channel field', () => {
    const fields = new Bytes(true).u32(0x00000140).u16(5745).u8(149).u8(30).done();
    assert.equal(ok(radiotap([XCHANNEL], fields)).freqMhz, 5745);
  });

  it('keeps the fields before one that overruns the header length', () => {
    // Claims Channel and signal but the header ends after the channel.
    const data = hex('00 00 0c 00 28 00 00 00 71 09 80 00 a2 00');
    const info = ok(data);
    assert.equal(info.headerLength, 12);
    assert.equal(info.freqMhz, 2417);
    assert.equal(info.rssi, undefined);
  });

  it('returns errors for malformed headers', () => {
    assert.equal(err(hex('00 00 08')).error, 'truncated-radiotap');
    assert.equal(err(hex('01 00 08 00 00 00 00 00')).error, 'bad-radiotap-version');
    assert.equal(err(hex('00 00 04 00 00 00 00 00')).error, 'bad-radiotap-length');
    assert.equal(err(hex('00 00 40 00 00 00 00 00')).error, 'truncated-radiotap');
    // Presence words that never end (bit 31 everywhere) inside a 12-byte header.
    assert.equal(err(hex('00 00 0c 00 00 00 00 80 00 00 00 80 00 00 00 00')).error, 'truncated-radiotap');
  });

  it('gives a clear problem, not an exception, for tcpdump radiotap-heapoverflow.pcap', () => {
    const result = readAll(fixture('radiotap-heapoverflow.pcap'));
    assert.equal(result.records.length, 1);
    assert.deepEqual(result.problems, []);
    const parsed = err(result.records[0]!.data);
    assert.equal(parsed.error, 'bad-radiotap-version');
    assert.match(parsed.message, /version 48/);
  });
});
