/**
 * A streaming reader for btsnoop files (Android's HCI snoop log, `btmon -w`): feed it chunks of
 * any size, get one callback per record. Never throws; problems are reported through onProblem,
 * and after a fatal one the reader ignores further input.
 *
 * File header (16 bytes, big-endian): 'btsnoop\0', version 1, datalink.
 * Record header (24 bytes, big-endian): original length, included length, flags, cumulative
 * drops, timestamp (microseconds since 0000-01-01 AD, signed 64-bit).
 */

export const BTSNOOP_DATALINK_HCI_UNENCAPSULATED = 1001;
export const BTSNOOP_DATALINK_H4 = 1002;
export const BTSNOOP_DATALINK_LINUX_MONITOR = 2001;

const MAGIC = [0x62, 0x74, 0x73, 0x6e, 0x6f, 0x6f, 0x70, 0x00]; // 'btsnoop\0'
const FILE_HEADER_LENGTH = 16;
const RECORD_HEADER_LENGTH = 24;
const SUPPORTED_VERSION = 1;
/** Microseconds from 0000-01-01 AD to 1970-01-01 (the btsnoop epoch offset). */
const EPOCH_OFFSET_US = 0x00dcddb30f2f8000n;
/** An HCI packet is at most 4 + 65535 bytes; a monitor record adds nothing to that. */
const MAX_RECORD_LENGTH = 65_540;

const H4_EVENT = 0x04;
/** Unencapsulated HCI flags: bit 0 = received, bit 1 = command or event (not data). */
const FLAG_RECEIVED = 0x01;
const FLAG_COMMAND_OR_EVENT = 0x02;
/** Linux monitor: the low 16 bits of the flags are the opcode, the high 16 the adapter index. */
const MONITOR_OPCODE_EVENT = 3;

export interface BtsnoopRecord {
  /** Index of the record in the file, from 0. */
  index: number;
  /** Unix seconds. */
  t: number;
  datalink: number;
  flags: number;
  /** Cumulative drops reported by the logger. */
  drops: number;
  origLen: number;
  /** The record's bytes as stored (H4 indicator byte included for datalink 1002). */
  packet: Uint8Array;
  /** The HCI event, from its event code, when this record is one. */
  hciEvent: Uint8Array | undefined;
  /** Adapter index (Linux monitor only). */
  adapter?: number;
}

export interface BtsnoopProblem {
  fatal: boolean;
  /** Stable reason key. */
  reason: string;
  message: string;
}

export interface BtsnoopHandlers {
  onRecord(record: BtsnoopRecord): void;
  onProblem(problem: BtsnoopProblem): void;
}

function u32(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

function i64(b: Uint8Array, p: number): bigint {
  return (BigInt.asIntN(32, BigInt(u32(b, p))) << 32n) | BigInt(u32(b, p + 4));
}

function hciEventOf(datalink: number, flags: number, packet: Uint8Array): Uint8Array | undefined {
  switch (datalink) {
    case BTSNOOP_DATALINK_H4:
      return packet[0] === H4_EVENT ? packet.subarray(1) : undefined;
    case BTSNOOP_DATALINK_HCI_UNENCAPSULATED:
      return (flags & (FLAG_RECEIVED | FLAG_COMMAND_OR_EVENT)) === (FLAG_RECEIVED | FLAG_COMMAND_OR_EVENT)
        ? packet
        : undefined;
    case BTSNOOP_DATALINK_LINUX_MONITOR:
      return (flags & 0xffff) === MONITOR_OPCODE_EVENT ? packet : undefined;
    default:
      return undefined;
  }
}

export class BtsnoopStreamReader {
  readonly #handlers: BtsnoopHandlers;
  /** Unconsumed bytes; `#pos` is where reading resumes inside it. */
  #buf: Uint8Array = new Uint8Array(0);
  #pos = 0;
  #consumed = 0;
  #datalink: number | undefined;
  #index = 0;
  #failed = false;
  #ended = false;

  constructor(handlers: BtsnoopHandlers) {
    this.#handlers = handlers;
  }

  /** True after a fatal problem: the rest of the input is ignored. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Bytes of the file header and of complete records read so far. */
  get bytesConsumed(): number {
    return this.#consumed;
  }

  /** The file's datalink, once its header has been read. */
  get datalink(): number | undefined {
    return this.#datalink;
  }

  push(chunk: Uint8Array): void {
    if (this.#failed || this.#ended || chunk.length === 0) return;
    const rest = this.#buf.length - this.#pos;
    if (rest === 0) {
      this.#buf = chunk;
    } else {
      const joined = new Uint8Array(rest + chunk.length);
      joined.set(this.#buf.subarray(this.#pos));
      joined.set(chunk, rest);
      this.#buf = joined;
    }
    this.#pos = 0;
    this.#drain();
    // Keep a private copy of what is left: the caller may reuse its chunk buffer.
    if (this.#buf === chunk && this.#pos < chunk.length) {
      this.#buf = chunk.slice(this.#pos);
      this.#pos = 0;
    }
  }

  /** Signals the end of input; reports a file or record cut short. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#failed) return;
    const rest = this.#buf.length - this.#pos;
    if (this.#datalink === undefined) {
      this.#fail('truncated-header', `btsnoop file ends after ${rest} bytes, inside its 16-byte header`);
    } else if (rest > 0) {
      this.#problem(
        false,
        'truncated-record',
        `btsnoop file ends inside record ${this.#index} (${rest} bytes left over)`,
      );
    }
    this.#buf = new Uint8Array(0);
    this.#pos = 0;
  }

  #problem(fatal: boolean, reason: string, message: string): void {
    this.#handlers.onProblem({ fatal, reason, message });
  }

  #fail(reason: string, message: string): void {
    this.#failed = true;
    this.#buf = new Uint8Array(0);
    this.#pos = 0;
    this.#problem(true, reason, message);
  }

  #drain(): void {
    if (this.#datalink === undefined && !this.#readFileHeader()) return;
    while (!this.#failed) {
      const b = this.#buf;
      const p = this.#pos;
      if (b.length - p < RECORD_HEADER_LENGTH) return;
      const origLen = u32(b, p);
      const inclLen = u32(b, p + 4);
      if (inclLen > MAX_RECORD_LENGTH) {
        this.#fail(
          'bad-record-length',
          `btsnoop record ${this.#index} claims ${inclLen} bytes; the file is corrupt`,
        );
        return;
      }
      const total = RECORD_HEADER_LENGTH + inclLen;
      if (b.length - p < total) return;
      const flags = u32(b, p + 8);
      const drops = u32(b, p + 12);
      const t = Number(i64(b, p + 16) - EPOCH_OFFSET_US) / 1e6;
      const packet = b.slice(p + RECORD_HEADER_LENGTH, p + total);
      const datalink = this.#datalink!;
      const record: BtsnoopRecord = {
        index: this.#index,
        t,
        datalink,
        flags,
        drops,
        origLen,
        packet,
        hciEvent: hciEventOf(datalink, flags, packet),
      };
      if (datalink === BTSNOOP_DATALINK_LINUX_MONITOR) record.adapter = flags >>> 16;
      // Advance before the callback so the reader stays consistent whatever the callback does.
      this.#pos = p + total;
      this.#consumed += total;
      this.#index++;
      this.#handlers.onRecord(record);
    }
  }

  #readFileHeader(): boolean {
    const b = this.#buf;
    const p = this.#pos;
    const have = b.length - p;
    // Refuse a file that is not btsnoop as soon as its first bytes disagree.
    for (let i = 0; i < MAGIC.length && i < have; i++) {
      if (b[p + i] !== MAGIC[i]) {
        this.#fail('not-btsnoop', 'not a btsnoop file (it does not start with "btsnoop\\0")');
        return false;
      }
    }
    if (have < FILE_HEADER_LENGTH) return false;
    const version = u32(b, p + 8);
    const datalink = u32(b, p + 12);
    if (version !== SUPPORTED_VERSION) {
      this.#fail('unsupported-version', `btsnoop version ${version} is not supported (only version 1)`);
      return false;
    }
    if (
      datalink !== BTSNOOP_DATALINK_H4 &&
      datalink !== BTSNOOP_DATALINK_HCI_UNENCAPSULATED &&
      datalink !== BTSNOOP_DATALINK_LINUX_MONITOR
    ) {
      this.#fail(
        'unsupported-datalink',
        `btsnoop datalink ${datalink} is not supported (1001 HCI, 1002 H4 and 2001 Linux monitor are)`,
      );
      return false;
    }
    this.#datalink = datalink;
    this.#pos = p + FILE_HEADER_LENGTH;
    this.#consumed += FILE_HEADER_LENGTH;
    return true;
  }
}
