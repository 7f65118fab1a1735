/**
 * Property tests: hostile and damaged bytes into every reader and parser. Nothing may throw, the
 * readers may not report more records than the bytes can hold, and chunking never changes what
 * a reader reports.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { CaptureStreamReader } from '../../../src/core/frames/captureReader.ts';
import { isFrameError } from '../../../src/core/frames/frameError.ts';
import { parseWifiHeader } from '../../../src/core/frames/ieee80211.ts';
import { parseProbeRequestIEs, summarizeProbeRequest } from '../../../src/core/frames/probeRequest.ts';
import { parseRadiotap } from '../../../src/core/frames/radiotap.ts';
import { decodeWifiRecord } from '../../../src/core/frames/wifiFrame.ts';
import {
  concat,
  enhancedPacket,
  fixture,
  interfaceBlock,
  pcapFile,
  readAll,
  sectionHeader,
  type ReadResult,
} from './captureBytes.ts';

const NUM_RUNS = 300;

const FILES = [
  fixture('brno_2022-10-18_first300.pcap').subarray(0, 6000),
  fixture('brno_2022-10-18_first300.pcapng').subarray(0, 6000),
  fixture('ieee802.11_exthdr.pcap'),
  fixture('ieee802.11_meshid.pcap'),
  fixture('radiotap-heapoverflow.pcap'),
];

/** Real records (radiotap and 802.11) to damage. */
const RECORDS = FILES.flatMap((f) => readAll(f).records.map((r) => r.data));

const HEADERS = [
  pcapFile([]),
  pcapFile([], { le: false, nano: true }),
  concat(sectionHeader(), interfaceBlock(127)),
  concat(sectionHeader(false), interfaceBlock(105, [], false)),
];

/** Bytes with random bit flips, overwritten bytes and a random cut. */
function damaged(source: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      source,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { maxLength: 8 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.option(fc.nat(), { nil: undefined }),
    )
    .map(([bytes, flips, writes, cut]) => {
      const out = bytes.slice();
      if (out.length === 0) return out;
      for (const [at, bit] of flips) out[at % out.length]! ^= 1 << bit;
      for (const [at, value] of writes) out[at % out.length] = value;
      return cut === undefined ? out : out.subarray(0, cut % (out.length + 1));
    });
}

const captureInputs = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  fc
    .tuple(fc.constantFrom(...HEADERS), fc.uint8Array({ maxLength: 600 }))
    .map(([h, tail]) => concat(h, tail)),
  damaged(fc.constantFrom(...FILES)),
);

const chunkSizes = fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 });

function withinBounds(result: ReadResult, length: number): void {
  // Every record costs at least a 16-byte header (pcap record, pcapng simple packet block).
  assert.ok(
    result.records.length <= Math.floor(length / 16),
    `${result.records.length} records from ${length} bytes`,
  );
  const dataBytes = result.records.reduce((n, r) => n + r.data.length, 0);
  assert.ok(dataBytes <= length, `${dataBytes} record bytes from ${length} bytes`);
  assert.ok(result.bytesConsumed <= length, 'bytesConsumed');
}

describe('fuzzing the capture reader', () => {
  it('never throws, stays within the bytes, and reports the same for any chunking', () => {
    fc.assert(
      fc.property(captureInputs, chunkSizes, (bytes, sizes) => {
        const whole = readAll(bytes);
        withinBounds(whole, bytes.length);
        const chunked = readAll(bytes, sizes);
        assert.deepEqual(
          chunked.records.map((r) => [r.linkType, r.interfaceId, r.t, r.origLen, Array.from(r.data)]),
          whole.records.map((r) => [r.linkType, r.interfaceId, r.t, r.origLen, Array.from(r.data)]),
        );
        assert.deepEqual(chunked.problems, whole.problems);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('decodes every record of a damaged file without throwing', () => {
    fc.assert(
      fc.property(damaged(fc.constantFrom(...FILES)), (bytes) => {
        const reader = new CaptureStreamReader({
          onRecord(r) {
            const frame = decodeWifiRecord(r.linkType, r.data);
            if (!isFrameError(frame)) assert.equal(typeof frame.frameType, 'string');
          },
          onProblem(p) {
            assert.equal(typeof p.reason, 'string');
          },
        });
        reader.push(bytes);
        reader.end();
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('refuses hostile record lengths without allocating them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 17 * 1024 * 1024, max: 0xffffffff }), fc.boolean(), (length, ng) => {
        const bytes = ng
          ? concat(
              sectionHeader(),
              interfaceBlock(127),
              Uint8Array.from([6, 0, 0, 0, length & 0xfc, length >> 8, length >> 16, length >>> 24]),
            )
          : concat(
              pcapFile([]),
              Uint8Array.from([
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                length,
                length >> 8,
                length >> 16,
                length >>> 24,
                0,
                0,
                0,
                0,
              ]),
            );
        const result = readAll(bytes);
        assert.equal(result.failed, true);
        assert.ok(
          ['oversized-record', 'bad-block'].includes(result.problems[0]!.reason),
          result.problems[0]!.reason,
        );
      }),
      { numRuns: 100 },
    );
  });

  it('keeps an enhanced packet block that parses intact through random chunking', () => {
    const data = Uint8Array.from({ length: 301 }, (_, i) => i);
    const bytes = concat(sectionHeader(), interfaceBlock(127), enhancedPacket(0, 123n, data));
    fc.assert(
      fc.property(chunkSizes, (sizes) => {
        const result = readAll(bytes, sizes);
        assert.equal(result.records.length, 1);
        assert.deepEqual(result.records[0]!.data, data);
      }),
      { numRuns: 100 },
    );
  });
});

describe('fuzzing the frame parsers', () => {
  const frames = fc.oneof(fc.uint8Array({ maxLength: 400 }), damaged(fc.constantFrom(...RECORDS)));

  it('parseRadiotap never throws and never claims more header than there are bytes', () => {
    fc.assert(
      fc.property(frames, (data) => {
        const result = parseRadiotap(data);
        if (!isFrameError(result)) {
          assert.ok(result.headerLength >= 8 && result.headerLength <= data.length, 'header length');
          if (result.rssi !== undefined) assert.ok(result.rssi >= -128 && result.rssi <= 127, 'rssi range');
        }
      }),
      { numRuns: NUM_RUNS * 3 },
    );
  });

  it('parseWifiHeader never throws and keeps the body inside the frame', () => {
    fc.assert(
      fc.property(frames, fc.nat(64), fc.nat(400), (data, offset, length) => {
        const result = parseWifiHeader(data, offset, length);
        if (!isFrameError(result)) {
          assert.ok(result.bodyOffset <= Math.min(data.length, offset + length), 'body offset');
          if (result.seq !== undefined) assert.ok(result.seq >= 0 && result.seq < 4096, 'seq range');
        }
      }),
      { numRuns: NUM_RUNS * 3 },
    );
  });

  it('probe request IE parsing never throws and both paths agree', () => {
    fc.assert(
      fc.property(frames, fc.nat(64), fc.nat(400), (data, offset, end) => {
        const full = parseProbeRequestIEs(data, offset, end);
        const fast = summarizeProbeRequest(data, offset, end);
        assert.equal(fast.fingerprint, full.fingerprint);
        assert.equal(fast.ssid, full.ssid);
        assert.equal(fast.truncated, full.truncated);
        assert.match(full.fingerprint, /^[0-9a-f]{16}$/);
      }),
      { numRuns: NUM_RUNS * 3 },
    );
  });

  it('decodeWifiRecord never throws on any link type', () => {
    fc.assert(
      fc.property(fc.constantFrom(105, 127, 127, 1, 0, 65535), frames, (linkType, data) => {
        const result = decodeWifiRecord(linkType, data);
        if (!isFrameError(result) && result.seq !== undefined) assert.ok(result.seq < 4096, 'seq range');
      }),
      { numRuns: NUM_RUNS * 3 },
    );
  });
});
