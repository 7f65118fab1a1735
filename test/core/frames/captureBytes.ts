/**
 * Builders for capture bytes in tests: classic pcap and pcapng files, radiotap headers and
 * 802.11 frames, written out field by field so each test says exactly what it feeds in.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { CaptureStreamReader, type CaptureProblem } from '../../../src/core/frames/captureReader.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURES = join(REPO_ROOT, 'test/fixtures/wifi');
export const SHARED_DATA = resolve(REPO_ROOT, '../shared/data');

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

/** Every file under `dir`, recursively, sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

export function sharedDataPath(relative: string): string | undefined {
  const path = join(SHARED_DATA, relative);
  return existsSync(path) ? path : undefined;
}

let tsharkChecked: boolean | undefined;
export function hasTshark(): boolean {
  tsharkChecked ??= spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
  return tsharkChecked;
}

/** tshark `-T fields` rows for a file (first occurrence of each field). tshark's exit status is ignored: it reports a cut-short last record with status 2. */
export function tsharkFields(file: string, fields: string[]): string[][] {
  const args = ['-r', file, '-T', 'fields', '-E', 'occurrence=f'];
  for (const f of fields) args.push('-e', f);
  const res = spawnSync('tshark', args, {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const text = res.stdout.trimEnd();
  return text === '' ? [] : text.split('\n').map((line) => line.split('\t'));
}

export interface ReadRecord {
  linkType: number;
  interfaceId: number;
  t: number;
  data: Uint8Array;
  origLen: number;
}

export interface ReadResult {
  records: ReadRecord[];
  problems: CaptureProblem[];
  format: 'pcap' | 'pcapng' | undefined;
  failed: boolean;
  bytesConsumed: number;
}

/** Feeds `bytes` to a fresh reader in chunks of the given sizes (cycled), then ends it; records are copied. */
export function readAll(bytes: Uint8Array, chunkSizes: number[] = [bytes.length || 1]): ReadResult {
  const records: ReadRecord[] = [];
  const problems: CaptureProblem[] = [];
  const reader = new CaptureStreamReader({
    onRecord(r) {
      records.push({
        linkType: r.linkType,
        interfaceId: r.interfaceId,
        t: r.t,
        data: r.data.slice(),
        origLen: r.origLen,
      });
    },
    onProblem(p) {
      problems.push(p);
    },
  });
  let pos = 0;
  let i = 0;
  while (pos < bytes.length) {
    const size = Math.max(1, chunkSizes[i++ % chunkSizes.length]!);
    reader.push(bytes.subarray(pos, pos + size));
    pos += size;
  }
  reader.end();
  return {
    records,
    problems,
    format: reader.format,
    failed: reader.failed,
    bytesConsumed: reader.bytesConsumed,
  };
}

/** A little byte writer. */
export class Bytes {
  private readonly out: number[] = [];
  constructor(private readonly le = true) {}
  u8(...values: number[]): this {
    for (const v of values) this.out.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.le ? this.u8(v, v >> 8) : this.u8(v >> 8, v);
  }
  u32(v: number): this {
    return this.le ? this.u8(v, v >> 8, v >> 16, v >>> 24) : this.u8(v >>> 24, v >> 16, v >> 8, v);
  }
  bytes(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.out.push(b[i]! & 0xff);
    return this;
  }
  pad4(): this {
    while (this.out.length % 4 !== 0) this.out.push(0);
    return this;
  }
  get length(): number {
    return this.out.length;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export function hex(text: string): Uint8Array {
  const clean = text.replace(/[^0-9a-f]/gi, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (h) => parseInt(h, 16));
}

export interface PcapOptions {
  le?: boolean;
  nano?: boolean;
  linkType?: number;
  snapLen?: number;
}

export function pcapFile(
  records: { sec: number; frac: number; data: Uint8Array; origLen?: number }[],
  options: PcapOptions = {},
): Uint8Array {
  const le = options.le ?? true;
  const b = new Bytes(le);
  b.u32(options.nano ? 0xa1b23c4d : 0xa1b2c3d4)
    .u16(2)
    .u16(4)
    .u32(0)
    .u32(0);
  b.u32(options.snapLen ?? 65535).u32(options.linkType ?? 127);
  for (const r of records) {
    b.u32(r.sec)
      .u32(r.frac)
      .u32(r.data.length)
      .u32(r.origLen ?? r.data.length)
      .bytes(r.data);
  }
  return b.done();
}

/** pcapng blocks. */
export function block(type: number, body: Uint8Array, le = true): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const total = 12 + padded;
  const b = new Bytes(le).u32(type).u32(total).bytes(body);
  b.pad4();
  return b.u32(total).done();
}

export function sectionHeader(le = true, options: Uint8Array = new Uint8Array(0)): Uint8Array {
  const body = new Bytes(le)
    .u32(0x1a2b3c4d)
    .u16(1)
    .u16(0)
    .u32(0xffffffff)
    .u32(0xffffffff)
    .bytes(options)
    .done();
  return block(0x0a0d0d0a, body, le);
}

export function option(code: number, value: Uint8Array, le = true): Uint8Array {
  return new Bytes(le).u16(code).u16(value.length).bytes(value).pad4().done();
}

export function interfaceBlock(
  linkType: number,
  options: Uint8Array[] = [],
  le = true,
  snapLen = 0,
): Uint8Array {
  const b = new Bytes(le).u16(linkType).u16(0).u32(snapLen);
  for (const o of options) b.bytes(o);
  if (options.length > 0) b.u32(0); // opt_endofopt
  return block(1, b.done(), le);
}

export function enhancedPacket(interfaceId: number, ticks: bigint, data: Uint8Array, le = true): Uint8Array {
  const body = new Bytes(le)
    .u32(interfaceId)
    .u32(Number(ticks >> 32n))
    .u32(Number(ticks & 0xffffffffn))
    .u32(data.length)
    .u32(data.length)
    .bytes(data)
    .pad4()
    .done();
  return block(6, body, le);
}

export function simplePacket(data: Uint8Array, le = true): Uint8Array {
  return block(3, new Bytes(le).u32(data.length).bytes(data).pad4().done(), le);
}

/** A minimal radiotap header: given presence words, then field bytes as already laid out. */
export function radiotap(presentWords: number[], fields: ArrayLike<number>): Uint8Array {
  const length = 4 + 4 * presentWords.length + fields.length;
  const b = new Bytes(true).u8(0, 0).u16(length);
  for (const w of presentWords) b.u32(w);
  return b.bytes(fields).done();
}

export function mac(text: string): number[] {
  return text.split(':').map((h) => parseInt(h, 16));
}

/** An 802.11 management/data header (24 bytes, or 30 with addr4). */
export function wifiHeader(
  fc0: number,
  fc1: number,
  addr1: string,
  addr2: string,
  addr3: string,
  seq: number,
  addr4?: string,
): Uint8Array {
  const b = new Bytes(true)
    .u8(fc0, fc1)
    .u16(0)
    .bytes(mac(addr1))
    .bytes(mac(addr2))
    .bytes(mac(addr3))
    .u16(seq << 4);
  if (addr4 !== undefined) b.bytes(mac(addr4));
  return b.done();
}

/** An information element. */
export function ie(id: number, body: ArrayLike<number>): number[] {
  return [id, body.length, ...Array.from(body)];
}

export function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

/** A small deterministic PRNG (mulberry32) for chunk sizes: the benchmark's. */
export { mulberry32 as prng } from '../../../bench/syntheticCapture.ts';
