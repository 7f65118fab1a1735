import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CaptureStreamReader, MAX_BLOCK_BYTES } from '../../../src/core/frames/captureReader.ts';
import {
  Bytes,
  block,
  concat,
  enhancedPacket,
  fixture,
  interfaceBlock,
  option,
  pcapFile,
  prng,
  readAll,
  sectionHeader,
  simplePacket,
  type ReadResult,
} from './captureBytes.ts';

const A = Uint8Array.from([1, 2, 3, 4, 5]);
const B = Uint8Array.from([9, 8, 7]);
const EMPTY_RECORD = new Uint8Array(0);

function classic(le: boolean, nano: boolean): Uint8Array {
  return pcapFile(
    [
      { sec: 1666083222, frac: nano ? 123456789 : 123456, data: A, origLen: 60 },
      { sec: 1666083223, frac: 0, data: B },
      { sec: 1666083224, frac: nano ? 999999999 : 999999, data: EMPTY_RECORD },
    ],
    { le, nano },
  );
}

/** Two interfaces of different link types and resolutions, an unknown block, a simple packet block. */
function pcapngTwoInterfaces(le = true): Uint8Array {
  // if_tsoffset of 100 s: a 64-bit integer in the section's byte order.
  const offset100 = le ? new Bytes(true).u32(100).u32(0).done() : new Bytes(false).u32(0).u32(100).done();
  return concat(
    sectionHeader(le),
    interfaceBlock(127, [], le, 4),
    interfaceBlock(105, [option(9, Uint8Array.from([9]), le), option(14, offset100, le)], le),
    block(0x40000bad, Uint8Array.from([1, 2, 3, 4]), le), // custom block: skipped
    enhancedPacket(0, 1666083222123456n, A, le),
    enhancedPacket(1, 1666083222123456789n, B, le),
    simplePacket(A, le),
    block(5, new Bytes(le).u32(0).u32(0).u32(0).done(), le), // interface statistics: skipped
  );
}

function assertSameRecords(actual: ReadResult, expected: ReadResult, label: string): void {
  assert.equal(actual.records.length, expected.records.length, `${label}: record count`);
  for (let i = 0; i < expected.records.length; i++) {
    const a = actual.records[i]!;
    const e = expected.records[i]!;
    assert.deepEqual(a.data, e.data, `${label}: record ${i} data`);
    assert.ok(Object.is(a.t, e.t), `${label}: record ${i} t ${a.t} vs ${e.t}`);
    assert.equal(a.linkType, e.linkType, `${label}: record ${i} link type`);
    assert.equal(a.interfaceId, e.interfaceId, `${label}: record ${i} interface`);
    assert.equal(a.origLen, e.origLen, `${label}: record ${i} origLen`);
  }
  assert.deepEqual(actual.problems, expected.problems, `${label}: problems`);
  assert.equal(actual.failed, expected.failed, `${label}: failed`);
  assert.equal(actual.format, expected.format, `${label}: format`);
  assert.equal(actual.bytesConsumed, expected.bytesConsumed, `${label}: bytesConsumed`);
}

describe('CaptureStreamReader: classic pcap', () => {
  for (const le of [true, false]) {
    for (const nano of [false, true]) {
      it(`reads ${le ? 'little' : 'big'}-endian ${nano ? 'nanosecond' : 'microsecond'} files`, () => {
        const bytes = classic(le, nano);
        const result = readAll(bytes);
        assert.equal(result.format, 'pcap');
        assert.deepEqual(result.problems, []);
        assert.equal(result.records.length, 3);
        const [r0, r1, r2] = result.records;
        assert.deepEqual(r0!.data, A);
        assert.equal(r0!.origLen, 60);
        assert.equal(r0!.linkType, 127);
        assert.equal(r0!.interfaceId, 0);
        assert.equal(r0!.t, 1666083222 + (nano ? 0.123456789 : 0.123456));
        assert.deepEqual(r1!.data, B);
        assert.equal(r1!.t, 1666083223);
        assert.equal(r2!.data.length, 0);
        assert.equal(r2!.t, 1666083224 + (nano ? 0.999999999 : 0.999999));
        assert.equal(result.bytesConsumed, bytes.length);
      });
    }
  }

  it('takes the link type from the low 16 bits of the header field (the rest are FCS hints)', () => {
    const result = readAll(pcapFile([{ sec: 1, frac: 0, data: A }], { linkType: 0x3000007f }));
    assert.equal(result.records[0]!.linkType, 127);
  });

  it('hands out views into the pushed chunk, not copies, for records inside one chunk', () => {
    const bytes = classic(true, false);
    const buffers: ArrayBufferLike[] = [];
    const reader = new CaptureStreamReader({
      onRecord: (r) => buffers.push(r.data.buffer),
      onProblem: () => assert.fail('no problem expected'),
    });
    reader.push(bytes);
    reader.end();
    assert.equal(buffers.length, 3);
    for (const b of buffers) assert.equal(b, bytes.buffer);
  });

  it('reports a record cut short at the end as a non-fatal truncated-record, after the complete ones', () => {
    const bytes = classic(true, false);
    const result = readAll(bytes.subarray(0, bytes.length - 2 - 16));
    assert.equal(result.records.length, 1);
    assert.deepEqual(
      result.problems.map((p) => [p.reason, p.fatal]),
      [['truncated-record', false]],
    );
    assert.match(result.problems[0]!.message, /ended inside a record/);
  });

  it('reports a cut-off file header and an empty stream', () => {
    assert.deepEqual(
      readAll(classic(true, false).subarray(0, 10)).problems.map((p) => p.reason),
      ['truncated-header'],
    );
    const empty = readAll(new Uint8Array(0));
    assert.deepEqual(
      empty.problems.map((p) => [p.reason, p.fatal]),
      [['empty-input', false]],
    );
    assert.equal(empty.format, undefined);
  });

  it('fails on a bad magic number and ignores later pushes', () => {
    const problems: string[] = [];
    let records = 0;
    const reader = new CaptureStreamReader({
      onRecord: () => records++,
      onProblem: (p) => problems.push(p.reason),
    });
    reader.push(Uint8Array.from([0x47, 0x45, 0x54, 0x20, 0x2f])); // "GET /"
    assert.equal(reader.failed, true);
    reader.push(classic(true, false));
    reader.end();
    assert.deepEqual(problems, ['bad-magic']);
    assert.equal(records, 0);
    assert.equal(reader.format, undefined);
  });

  it('fails on a record larger than the limits without buffering it', () => {
    const header = pcapFile([], { snapLen: 65535 });
    const hostile = new Bytes(true).u32(1).u32(0).u32(0x7ffffff0).u32(0x7ffffff0).done();
    const result = readAll(concat(header, hostile, new Uint8Array(100)));
    assert.equal(result.failed, true);
    assert.deepEqual(
      result.problems.map((p) => [p.reason, p.fatal]),
      [['oversized-record', true]],
    );
    // Above the snaplen but within libpcap's usual 256 KiB slack: accepted.
    const generous = pcapFile([{ sec: 1, frac: 0, data: new Uint8Array(70000) }], { snapLen: 65535 });
    assert.equal(readAll(generous).records.length, 1);
    // Above max(snaplen, 256 KiB): refused.
    const tooBig = pcapFile([{ sec: 1, frac: 0, data: new Uint8Array(300000) }], { snapLen: 65535 });
    assert.deepEqual(
      readAll(tooBig).problems.map((p) => p.reason),
      ['oversized-record'],
    );
  });
});

describe('CaptureStreamReader: pcapng', () => {
  for (const le of [true, false]) {
    it(`reads two interfaces with different link types and resolutions (${le ? 'little' : 'big'}-endian)`, () => {
      const result = readAll(pcapngTwoInterfaces(le));
      assert.equal(result.format, 'pcapng');
      assert.deepEqual(result.problems, []);
      assert.equal(result.records.length, 3);
      const [r0, r1, r2] = result.records;
      assert.equal(r0!.linkType, 127);
      assert.equal(r0!.interfaceId, 0);
      assert.equal(r0!.t, 1666083222.123456);
      assert.deepEqual(r0!.data, A);
      assert.equal(r1!.linkType, 105);
      assert.equal(r1!.interfaceId, 1);
      // 1666083222.123456789 s plus if_tsoffset 100 s (a double holds it to ~0.2 us).
      assert.ok(Math.abs(r1!.t - 1666083322.123457) < 1e-6, String(r1!.t));
      assert.deepEqual(r1!.data, B);
      // Simple packet block: interface 0, no timestamp, cut to the interface's snaplen (4).
      assert.equal(r2!.interfaceId, 0);
      assert.equal(r2!.linkType, 127);
      assert.ok(Number.isNaN(r2!.t), 'simple packet blocks have no timestamp');
      assert.deepEqual(r2!.data, A.subarray(0, 4));
      assert.equal(r2!.origLen, A.length);
    });
  }

  it('honours a power-of-two if_tsresol', () => {
    const bytes = concat(
      sectionHeader(),
      interfaceBlock(127, [option(9, Uint8Array.from([0x8a]))]), // 2^-10 s
      enhancedPacket(0, 1024n * 1000n + 512n, A),
    );
    assert.equal(readAll(bytes).records[0]!.t, 1000.5);
  });

  it('reads several sections with different byte orders, each with its own interfaces', () => {
    const bytes = concat(
      sectionHeader(true),
      interfaceBlock(127),
      enhancedPacket(0, 1_000_000n, A),
      sectionHeader(false),
      interfaceBlock(105, [], false),
      enhancedPacket(0, 2_000_000n, B, false),
      enhancedPacket(1, 3_000_000n, B, false), // only one interface in this section
    );
    const result = readAll(bytes);
    assert.deepEqual(
      result.records.map((r) => [r.linkType, r.t]),
      [
        [127, 1],
        [105, 2],
      ],
    );
    assert.deepEqual(
      result.problems.map((p) => [p.reason, p.fatal]),
      [['unknown-interface', false]],
    );
  });

  it('reads the obsolete packet block', () => {
    const body = new Bytes(true)
      .u16(0)
      .u16(0)
      .u32(0)
      .u32(5_000_000)
      .u32(A.length)
      .u32(A.length)
      .bytes(A)
      .pad4()
      .done();
    const result = readAll(concat(sectionHeader(), interfaceBlock(127), block(2, body)));
    assert.equal(result.records.length, 1);
    assert.equal(result.records[0]!.t, 5);
  });

  it('skips a packet whose captured length overruns its block, and goes on', () => {
    const body = new Bytes(true).u32(0).u32(0).u32(0).u32(200).u32(200).bytes(A).pad4().done();
    const result = readAll(
      concat(sectionHeader(), interfaceBlock(127), block(6, body), enhancedPacket(0, 1n, B)),
    );
    assert.equal(result.records.length, 1);
    assert.deepEqual(
      result.problems.map((p) => [p.reason, p.fatal]),
      [['bad-record', false]],
    );
  });

  it('fails on impossible block lengths', () => {
    const start = concat(sectionHeader(), interfaceBlock(127));
    const notMultipleOf4 = new Bytes(true).u32(6).u32(31).done();
    const tooShort = new Bytes(true).u32(6).u32(8).done();
    const huge = new Bytes(true)
      .u32(6)
      .u32(MAX_BLOCK_BYTES + 4)
      .done();
    const epb = enhancedPacket(0, 1n, A);
    const mismatched = epb.slice();
    mismatched[mismatched.length - 4]! ^= 4;
    for (const [tail, reason] of [
      [notMultipleOf4, 'bad-block'],
      [tooShort, 'bad-block'],
      [huge, 'oversized-record'],
      [mismatched, 'bad-block'],
    ] as const) {
      const result = readAll(concat(start, tail, epb));
      assert.equal(result.failed, true, reason);
      assert.deepEqual(
        result.problems.map((p) => [p.reason, p.fatal]),
        [[reason, true]],
      );
      assert.equal(result.records.length, 0);
    }
  });

  it('fails on a section header without a byte-order magic', () => {
    const shb = sectionHeader();
    shb[8] = 0;
    assert.deepEqual(
      readAll(shb).problems.map((p) => p.reason),
      ['bad-magic'],
    );
  });

  it('reports a block cut short at the end', () => {
    const bytes = pcapngTwoInterfaces();
    const result = readAll(bytes.subarray(0, bytes.length - 20));
    assert.deepEqual(
      result.problems.map((p) => [p.reason, p.fatal]),
      [['truncated-record', false]],
    );
  });
});

describe('CaptureStreamReader: chunk boundaries', () => {
  const inputs: [string, Uint8Array][] = [
    ['pcap LE', classic(true, false)],
    ['pcap BE', classic(false, false)],
    ['pcap ns LE', classic(true, true)],
    ['pcap ns BE', classic(false, true)],
    ['pcapng LE', pcapngTwoInterfaces(true)],
    ['pcapng BE', pcapngTwoInterfaces(false)],
    ['pcapng two sections', concat(pcapngTwoInterfaces(true), pcapngTwoInterfaces(false))],
    ['truncated pcap', classic(true, false).subarray(0, 50)],
    ['brno excerpt pcap', fixture('brno_2022-10-18_first300.pcap')],
    ['brno excerpt pcapng', fixture('brno_2022-10-18_first300.pcapng')],
    ['tcpdump exthdr', fixture('ieee802.11_exthdr.pcap')],
  ];
  for (const [label, bytes] of inputs) {
    it(`gives identical records for any chunking: ${label}`, () => {
      const whole = readAll(bytes);
      assert.ok(whole.records.length > 0, 'the input has records');
      assertSameRecords(readAll(bytes, [1]), whole, '1-byte chunks');
      assertSameRecords(readAll(bytes, [2, 3, 5, 7]), whole, 'small odd chunks');
      for (let seed = 1; seed <= 20; seed++) {
        const random = prng(seed);
        const sizes = Array.from({ length: 64 }, () => 1 + Math.floor(random() * (seed % 2 ? 40 : 700)));
        assertSameRecords(readAll(bytes, sizes), whole, `seed ${seed}`);
      }
    });
  }

  it('reads the brno excerpt identically as pcap and as pcapng', () => {
    const pcap = readAll(fixture('brno_2022-10-18_first300.pcap'));
    const pcapng = readAll(fixture('brno_2022-10-18_first300.pcapng'));
    assert.equal(pcap.records.length, 300);
    assert.equal(pcapng.records.length, 300);
    for (let i = 0; i < 300; i++) {
      assert.deepEqual(pcapng.records[i]!.data, pcap.records[i]!.data);
      assert.equal(pcapng.records[i]!.t, pcap.records[i]!.t);
      assert.equal(pcapng.records[i]!.linkType, 127);
    }
  });

  it('counts consumed bytes for progress, excluding a carried-over partial unit', () => {
    const bytes = classic(true, false);
    const reader = new CaptureStreamReader({ onRecord: () => {}, onProblem: () => {} });
    reader.push(bytes.subarray(0, 30));
    assert.equal(reader.bytesConsumed, 24);
    reader.push(bytes.subarray(30));
    assert.equal(reader.bytesConsumed, bytes.length);
  });
});
