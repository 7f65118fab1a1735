import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  BtsnoopStreamReader,
  type BtsnoopProblem,
  type BtsnoopRecord,
} from '../../../../src/core/frames/ble/btsnoop.ts';
import { BTSNOOP_FIXTURE, hex } from './helpers.ts';

const EPOCH_OFFSET_US = 0x00dcddb30f2f8000n;
/** 2021-02-01 03:27:59.092423 UTC, the first record of the fixture. */
const T0_US = 1_612_150_079_092_423n;

interface RecordSpec {
  flags: number;
  data: string;
  us: bigint;
}

function u32be(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function btsnoopFile(datalink: number, records: RecordSpec[], version = 1): Uint8Array {
  const bytes: number[] = [...new TextEncoder().encode('btsnoop\0'), ...u32be(version), ...u32be(datalink)];
  for (const r of records) {
    const data = hex(r.data);
    const ts = r.us + EPOCH_OFFSET_US;
    bytes.push(...u32be(data.length), ...u32be(data.length), ...u32be(r.flags), ...u32be(0));
    bytes.push(...u32be(Number(ts >> 32n)), ...u32be(Number(ts & 0xffffffffn)));
    bytes.push(...data);
  }
  return new Uint8Array(bytes);
}

function run(chunks: Uint8Array[], end = true) {
  const records: BtsnoopRecord[] = [];
  const problems: BtsnoopProblem[] = [];
  const reader = new BtsnoopStreamReader({
    onRecord: (r) => records.push(r),
    onProblem: (p) => problems.push(p),
  });
  for (const c of chunks) reader.push(c);
  if (end) reader.end();
  return { records, problems, reader };
}

const ADV_REPORT = '3e0f02010000131271da7d1a03020106c4';
const H4_FILE = btsnoopFile(1002, [
  { flags: 0, data: '01030c00', us: T0_US },
  { flags: 3, data: '04' + '0e0401030c00', us: T0_US + 12_000n },
  { flags: 3, data: '04' + ADV_REPORT, us: T0_US + 1_000_000n },
]);

function summary(records: BtsnoopRecord[]) {
  return records.map((r) => ({
    index: r.index,
    t: r.t,
    packet: [...r.packet],
    event: r.hciEvent && [...r.hciEvent],
  }));
}

describe('BtsnoopStreamReader', () => {
  it('reads H4 records: timestamps in Unix seconds, events without the H4 byte', () => {
    const { records, problems, reader } = run([H4_FILE]);
    assert.deepEqual(problems, []);
    assert.equal(records.length, 3);
    assert.equal(records[0]!.t, 1612150079.092423);
    assert.equal(records[1]!.t, 1612150079.104423);
    assert.equal(records[0]!.hciEvent, undefined);
    assert.deepEqual([...records[2]!.hciEvent!], [...hex(ADV_REPORT)]);
    assert.equal(records[2]!.datalink, 1002);
    assert.equal(reader.bytesConsumed, H4_FILE.length);
    assert.equal(reader.failed, false);
  });

  it('gives the same records whatever the chunking: every split point and 1-byte chunks', () => {
    const whole = summary(run([H4_FILE]).records);
    for (let cut = 0; cut <= H4_FILE.length; cut++) {
      const { records, problems } = run([H4_FILE.subarray(0, cut), H4_FILE.subarray(cut)]);
      assert.deepEqual(problems, [], `cut at ${cut}`);
      assert.deepEqual(summary(records), whole, `cut at ${cut}`);
    }
    const bytes = Array.from(H4_FILE, (b) => new Uint8Array([b]));
    assert.deepEqual(summary(run(bytes).records), whole);
  });

  it('keeps its own copy of leftover bytes when the caller reuses its chunk buffer', () => {
    const reused = new Uint8Array(H4_FILE.length);
    const records: BtsnoopRecord[] = [];
    const reader = new BtsnoopStreamReader({
      onRecord: (r) => records.push(r),
      onProblem: () => assert.fail(),
    });
    for (let p = 0; p < H4_FILE.length; p += 7) {
      const n = Math.min(7, H4_FILE.length - p);
      reused.set(H4_FILE.subarray(p, p + n));
      reader.push(reused.subarray(0, n));
      reused.fill(0xee);
    }
    reader.end();
    assert.deepEqual(summary(records), summary(run([H4_FILE]).records));
  });

  it('datalink 1001 (unencapsulated HCI): received command/event records are events', () => {
    const file = btsnoopFile(1001, [
      { flags: 2, data: '030c00', us: T0_US },
      { flags: 3, data: ADV_REPORT, us: T0_US },
      { flags: 1, data: '02200b00', us: T0_US },
    ]);
    const { records } = run([file]);
    assert.deepEqual(
      records.map((r) => r.hciEvent !== undefined),
      [false, true, false],
    );
  });

  it('datalink 2001 (Linux monitor): opcode 3 is an event; the adapter index is kept', () => {
    const file = btsnoopFile(2001, [
      { flags: (1 << 16) | 2, data: '030c00', us: T0_US },
      { flags: (1 << 16) | 3, data: ADV_REPORT, us: T0_US },
    ]);
    const { records } = run([file]);
    assert.equal(records[0]!.hciEvent, undefined);
    assert.deepEqual([...records[1]!.hciEvent!], [...hex(ADV_REPORT)]);
    assert.equal(records[1]!.adapter, 1);
  });

  it('refuses a file that is not btsnoop as soon as its first bytes disagree, then ignores input', () => {
    const { records, problems, reader } = run([hex('0a0d0d0a'), H4_FILE]);
    assert.equal(records.length, 0);
    assert.deepEqual(
      problems.map((p) => [p.fatal, p.reason]),
      [[true, 'not-btsnoop']],
    );
    assert.equal(reader.failed, true);
  });

  it('refuses unknown versions and datalinks', () => {
    assert.equal(run([btsnoopFile(1002, [], 2)]).problems[0]?.reason, 'unsupported-version');
    const { problems } = run([btsnoopFile(1003, [])]);
    assert.equal(problems[0]?.reason, 'unsupported-datalink');
    assert.match(problems[0]!.message, /1003/);
  });

  it('reports a record cut short at the end, keeping the records before it', () => {
    const { records, problems, reader } = run([H4_FILE.subarray(0, H4_FILE.length - 3)]);
    assert.equal(records.length, 2);
    assert.deepEqual(
      problems.map((p) => [p.fatal, p.reason]),
      [[false, 'truncated-record']],
    );
    assert.equal(reader.bytesConsumed, H4_FILE.length - (24 + 1 + hex(ADV_REPORT).length));
  });

  it('reports a header cut short, and an empty input, as fatal', () => {
    assert.deepEqual(
      run([H4_FILE.subarray(0, 10)]).problems.map((p) => [p.fatal, p.reason]),
      [[true, 'truncated-header']],
    );
    assert.equal(run([]).problems[0]?.reason, 'truncated-header');
  });

  it('refuses an absurd record length instead of waiting for gigabytes', () => {
    const bad = H4_FILE.slice();
    bad.set([0x7f, 0xff, 0xff, 0xff], 16 + 4);
    const { problems, reader } = run([bad], false);
    assert.equal(problems[0]?.reason, 'bad-record-length');
    assert.equal(reader.failed, true);
  });

  it('reads the real Android snoop log: 2,572 records, first at 2021-02-01 03:27:59.092423 UTC', () => {
    const bytes = new Uint8Array(readFileSync(BTSNOOP_FIXTURE));
    const { records, problems, reader } = run([bytes]);
    assert.deepEqual(problems, []);
    assert.equal(records.length, 2572);
    assert.equal(records[0]!.t, Date.UTC(2021, 1, 1, 3, 27, 59) / 1000 + 0.092423);
    assert.equal(reader.bytesConsumed, bytes.length);
    // Odd-sized chunks give the same records.
    const chunks: Uint8Array[] = [];
    for (let p = 0; p < bytes.length; p += 997) chunks.push(bytes.subarray(p, p + 997));
    assert.deepEqual(summary(run(chunks).records), summary(records));
  });
});
