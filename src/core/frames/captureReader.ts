/**
 * Streaming reader for classic pcap and pcapng capture files.
 *
 * Bytes arrive in chunks of any size (a file read, stdin, dumpcap's stdout); records leave
 * through `onRecord` as soon as they are complete. A record that lies inside one chunk is handed
 * out as a view into that chunk (no copy); only the bytes of a unit split across chunks are
 * copied into an internal buffer. Bad input never throws: it becomes a `CaptureProblem`, and a
 * fatal one stops the reader (further pushes are ignored).
 *
 * Formats:
 * - classic pcap, both byte orders, microsecond (a1b2c3d4) and nanosecond (a1b23c4d) magic. The
 *   link type is the low 16 bits of the global header's field (the upper bits carry FCS hints).
 * - pcapng: several sections (each with its own byte order) and several interfaces per section,
 *   each with its own link type, `if_tsresol` and `if_tsoffset`. Enhanced Packet Blocks, the
 *   obsolete Packet Block and Simple Packet Blocks become records; every other block type is
 *   skipped.
 *
 * Simple Packet Blocks carry no timestamp and no interface id: they belong to interface 0 and
 * their record's `t` is `NaN` (not the previous record's time: a made-up time would be silently
 * wrong, NaN is visibly absent). dumpcap and tshark never write them.
 */

import type { CaptureHandlers } from './captureRecord.ts';
import { readInterfaceDescription, type PcapngInterface } from './pcapngInterface.ts';

export type { CaptureHandlers, CaptureProblem, CaptureRecord } from './captureRecord.ts';

/** No record or block may be larger than this: a hostile length must not make us allocate gigabytes. */
export const MAX_BLOCK_BYTES = 16 * 1024 * 1024;
/** Classic pcap: a caplen may exceed the global snaplen up to this (libpcap's usual maximum). */
const PCAP_SNAPLEN_SLACK = 262144;

const PCAP_GLOBAL_HEADER = 24;
const PCAP_RECORD_HEADER = 16;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BLOCK_IDB = 1;
const BLOCK_PB = 2;
const BLOCK_SPB = 3;
const BLOCK_EPB = 6;
const TWO_32 = 4294967296;

const MODE_DETECT = 0;
const MODE_PCAP = 1;
const MODE_PCAPNG = 2;

const EMPTY = new Uint8Array(0);

export class CaptureStreamReader {
  private readonly handlers: CaptureHandlers;
  private mode = MODE_DETECT;
  private le = true;
  /** Classic pcap: fraction units per second (1e6 or 1e9), link type, largest acceptable caplen. */
  private fracPerSecond = 1e6;
  private pcapLinkType = 0;
  private maxCapLen = MAX_BLOCK_BYTES;
  private interfaces: PcapngInterface[] = [];
  /** Bytes of an incomplete unit carried over to the next push. */
  private pending: Uint8Array = EMPTY;
  private pendingView: DataView = new DataView(EMPTY.buffer);
  private pendingLength = 0;
  /** How many bytes, from where parsing stopped, the next unit needs before it can be parsed. */
  private need = 4;
  private totalPushed = 0;
  private isFailed = false;
  private ended = false;

  constructor(handlers: CaptureHandlers) {
    this.handlers = handlers;
  }

  get format(): 'pcap' | 'pcapng' | undefined {
    return this.mode === MODE_PCAP ? 'pcap' : this.mode === MODE_PCAPNG ? 'pcapng' : undefined;
  }

  get failed(): boolean {
    return this.isFailed;
  }

  /** Bytes fully parsed so far (pushed bytes minus the carried-over incomplete unit). */
  get bytesConsumed(): number {
    return this.totalPushed - this.pendingLength;
  }

  /**
   * Feeds the next bytes of the stream. The chunk is not retained after the call returns.
   * Exceptions thrown by the handlers propagate and leave the reader in an unspecified state.
   */
  push(chunk: Uint8Array): void {
    if (this.isFailed || this.ended || chunk.length === 0) return;
    // A plain Uint8Array view keeps the hot loop monomorphic (Node hands out Buffers).
    const bytes =
      chunk.constructor === Uint8Array
        ? chunk
        : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.totalPushed += bytes.length;
    let pos = 0;
    const length = bytes.length;

    // First finish the unit that straddles the previous chunk boundary, copying only what it needs.
    while (this.pendingLength > 0) {
      const take = Math.min(this.need - this.pendingLength, length - pos);
      this.appendPending(bytes, pos, take);
      pos += take;
      if (this.pendingLength < this.need) return;
      const stop = this.parse(this.pending, this.pendingView, 0, this.pendingLength);
      if (this.isFailed) return;
      if (stop === this.pendingLength) {
        this.pendingLength = 0;
      } else if (stop > 0) {
        this.pending.copyWithin(0, stop, this.pendingLength);
        this.pendingLength -= stop;
      }
      if (pos === length) return;
    }

    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const stop = this.parse(bytes, view, pos, length);
    if (this.isFailed) return;
    if (stop < length) this.appendPending(bytes, stop, length - stop);
  }

  /** Marks the end of the stream; leftover bytes of an incomplete unit are reported as a problem. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.isFailed) return;
    if (this.mode === MODE_DETECT) {
      if (this.totalPushed === 0) {
        this.problem(false, 'empty-input', 'The capture stream is empty.');
      } else {
        this.problem(
          false,
          'truncated-header',
          `The capture stream ended after ${this.totalPushed} bytes, inside its file header.`,
        );
      }
    } else if (this.pendingLength > 0) {
      this.problem(
        false,
        'truncated-record',
        `The capture stream ended inside a ${this.mode === MODE_PCAP ? 'record' : 'block'}: ${this.pendingLength} of ${this.need} bytes present.`,
      );
    }
    this.pendingLength = 0;
    this.pending = EMPTY;
    this.pendingView = new DataView(EMPTY.buffer);
  }

  private appendPending(bytes: Uint8Array, from: number, count: number): void {
    const required = this.pendingLength + count;
    if (required > this.pending.length) {
      // Bounded by MAX_BLOCK_BYTES plus a header: need is checked before it grows.
      let capacity = Math.max(this.pending.length * 2, 65536);
      while (capacity < required) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.pending.subarray(0, this.pendingLength));
      this.pending = grown;
      this.pendingView = new DataView(grown.buffer);
    }
    this.pending.set(bytes.subarray(from, from + count), this.pendingLength);
    this.pendingLength = required;
  }

  private problem(fatal: boolean, reason: string, message: string): void {
    if (fatal) this.isFailed = true;
    this.handlers.onProblem({ fatal, reason, message });
  }

  /**
   * Parses as many complete units as lie in `bytes[pos, end)` and returns where it stopped;
   * `need` then holds how many bytes the unit at that position requires.
   */
  private parse(bytes: Uint8Array, view: DataView, pos: number, end: number): number {
    if (this.mode === MODE_DETECT) {
      pos = this.detect(bytes, view, pos, end);
      if (this.mode === MODE_DETECT || this.isFailed) return pos;
    }
    return this.mode === MODE_PCAP
      ? this.parsePcap(bytes, view, pos, end)
      : this.parsePcapng(bytes, view, pos, end);
  }

  private detect(bytes: Uint8Array, view: DataView, pos: number, end: number): number {
    if (end - pos < 4) {
      this.need = 4;
      return pos;
    }
    const magic = view.getUint32(pos, false);
    if (magic === PCAPNG_SHB) {
      this.mode = MODE_PCAPNG;
      return pos;
    }
    // Read big-endian: d4c3b2a1 is a little-endian microsecond file, a1b23c4d a big-endian nanosecond one.
    const le = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1;
    const nano = magic === 0x4d3cb2a1 || magic === 0xa1b23c4d;
    if (!le && !nano && magic !== 0xa1b2c3d4) {
      this.problem(true, 'bad-magic', `Not a pcap or pcapng stream (first bytes ${hex4(bytes, pos)}).`);
      return pos;
    }
    if (end - pos < PCAP_GLOBAL_HEADER) {
      this.need = PCAP_GLOBAL_HEADER;
      return pos;
    }
    this.mode = MODE_PCAP;
    this.le = le;
    this.fracPerSecond = nano ? 1e9 : 1e6;
    const snapLen = view.getUint32(pos + 16, le);
    this.maxCapLen = Math.min(MAX_BLOCK_BYTES, Math.max(snapLen, PCAP_SNAPLEN_SLACK));
    this.pcapLinkType = view.getUint32(pos + 20, le) & 0xffff;
    this.need = PCAP_RECORD_HEADER;
    return pos + PCAP_GLOBAL_HEADER;
  }

  private parsePcap(bytes: Uint8Array, view: DataView, pos: number, end: number): number {
    const le = this.le;
    const handlers = this.handlers;
    const linkType = this.pcapLinkType;
    const fracPerSecond = this.fracPerSecond;
    const maxCapLen = this.maxCapLen;
    while (end - pos >= PCAP_RECORD_HEADER) {
      const capLen = view.getUint32(pos + 8, le);
      if (capLen > maxCapLen) {
        this.problem(
          true,
          'oversized-record',
          `A pcap record claims ${capLen} captured bytes, more than the ${maxCapLen} allowed: the file is damaged.`,
        );
        return pos;
      }
      const total = PCAP_RECORD_HEADER + capLen;
      if (end - pos < total) {
        this.need = total;
        return pos;
      }
      const t = view.getUint32(pos, le) + view.getUint32(pos + 4, le) / fracPerSecond;
      const start = pos + PCAP_RECORD_HEADER;
      handlers.onRecord({
        linkType,
        interfaceId: 0,
        t,
        data: bytes.subarray(start, start + capLen),
        origLen: view.getUint32(pos + 12, le),
      });
      pos += total;
    }
    this.need = PCAP_RECORD_HEADER;
    return pos;
  }

  private parsePcapng(bytes: Uint8Array, view: DataView, pos: number, end: number): number {
    while (end - pos >= 8) {
      const isShb = view.getUint32(pos, false) === PCAPNG_SHB;
      if (isShb) {
        // The section's byte order is needed before its length can be read.
        if (end - pos < 12) break;
        const bom = view.getUint32(pos + 8, true);
        if (bom === PCAPNG_BYTE_ORDER_MAGIC) this.le = true;
        else if (bom === 0x4d3c2b1a) this.le = false;
        else {
          this.problem(true, 'bad-magic', 'A pcapng section header has no valid byte-order magic.');
          return pos;
        }
      }
      const le = this.le;
      const blockLength = view.getUint32(pos + 4, le);
      if (blockLength > MAX_BLOCK_BYTES) {
        this.problem(
          true,
          'oversized-record',
          `A pcapng block claims ${blockLength} bytes, more than the ${MAX_BLOCK_BYTES} allowed: the file is damaged.`,
        );
        return pos;
      }
      if (blockLength < 12 || blockLength % 4 !== 0 || (isShb && blockLength < 28)) {
        this.problem(true, 'bad-block', `A pcapng block has an impossible length (${blockLength}).`);
        return pos;
      }
      if (end - pos < blockLength) {
        this.need = blockLength;
        return pos;
      }
      if (view.getUint32(pos + blockLength - 4, le) !== blockLength) {
        this.problem(true, 'bad-block', 'A pcapng block ends with a length that differs from its start.');
        return pos;
      }
      const type = view.getUint32(pos, le);
      if (type === BLOCK_EPB || type === BLOCK_PB) this.packetBlock(bytes, view, pos, blockLength, type);
      else if (type === BLOCK_SPB) this.simplePacketBlock(bytes, view, pos, blockLength);
      else if (type === BLOCK_IDB) this.interfaceBlock(view, pos, blockLength);
      else if (isShb) {
        const major = view.getUint16(pos + 12, le);
        if (major !== 1) {
          this.problem(true, 'unsupported-version', `pcapng major version ${major} is not supported.`);
          return pos;
        }
        this.interfaces = [];
      }
      pos += blockLength;
    }
    this.need = end - pos >= 8 ? 12 : 8;
    return pos;
  }

  private packetBlock(
    bytes: Uint8Array,
    view: DataView,
    pos: number,
    blockLength: number,
    type: number,
  ): void {
    const le = this.le;
    if (blockLength < 32) {
      this.problem(false, 'bad-block', 'A pcapng packet block is too short for its header.');
      return;
    }
    const interfaceId = type === BLOCK_EPB ? view.getUint32(pos + 8, le) : view.getUint16(pos + 8, le);
    const capLen = view.getUint32(pos + 20, le);
    if (capLen > blockLength - 32) {
      this.problem(
        false,
        'bad-record',
        `A pcapng packet claims ${capLen} captured bytes, more than its block holds.`,
      );
      return;
    }
    const iface = this.interfaces[interfaceId];
    if (iface === undefined) {
      this.problem(
        false,
        'unknown-interface',
        `A pcapng packet names interface ${interfaceId}, which was not described.`,
      );
      return;
    }
    const ticks = view.getUint32(pos + 12, le) * TWO_32 + view.getUint32(pos + 16, le);
    this.handlers.onRecord({
      linkType: iface.linkType,
      interfaceId,
      t: ticks / iface.unitsPerSecond + iface.offsetSeconds,
      data: bytes.subarray(pos + 28, pos + 28 + capLen),
      origLen: view.getUint32(pos + 24, le),
    });
  }

  private simplePacketBlock(bytes: Uint8Array, view: DataView, pos: number, blockLength: number): void {
    if (blockLength < 16) {
      this.problem(false, 'bad-block', 'A pcapng simple packet block is too short for its header.');
      return;
    }
    const iface = this.interfaces[0];
    if (iface === undefined) {
      this.problem(
        false,
        'unknown-interface',
        'A pcapng simple packet comes before any interface was described.',
      );
      return;
    }
    const origLen = view.getUint32(pos + 8, this.le);
    let capLen = Math.min(origLen, blockLength - 16);
    if (iface.snapLen > 0) capLen = Math.min(capLen, iface.snapLen);
    this.handlers.onRecord({
      linkType: iface.linkType,
      interfaceId: 0,
      t: NaN,
      data: bytes.subarray(pos + 12, pos + 12 + capLen),
      origLen,
    });
  }

  private interfaceBlock(view: DataView, pos: number, blockLength: number): void {
    const iface = readInterfaceDescription(view, pos, blockLength, this.le);
    if (iface.linkType === -1)
      this.problem(false, 'bad-block', 'A pcapng interface description block is too short.');
    // Kept even when unreadable: interface numbering stays aligned with the file.
    this.interfaces.push(iface);
  }
}

function hex4(bytes: Uint8Array, pos: number): string {
  let out = '';
  for (let i = pos; i < pos + 4 && i < bytes.length; i++) out += bytes[i]!.toString(16).padStart(2, '0');
  return out;
}
