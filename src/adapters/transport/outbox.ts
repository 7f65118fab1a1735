import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** One message waiting for its acknowledgement. */
export interface OutboxEntry {
  seq: number;
  /** Unix seconds when it was queued. */
  at: number;
  topic: string;
  payload: string;
  /** What the receiver's acknowledgement names it by (a window's start), when it has a name. */
  key?: string;
}

export interface OutboxCounters {
  appended: number;
  acknowledged: number;
  /** Entries thrown away unsent because the outbox was over its byte or age bound. */
  dropped: number;
  /** Half-written last records found on opening (a crash during a write), cut off. */
  tornTails: number;
  /** Records that could not be read back, skipped. */
  corruptRecords: number;
  /**
   * Entries that could not be written to disk (disk full, I/O error) and are held in memory
   * only: still sent, lost only if the process dies before they are acknowledged.
   */
  memoryOnly: number;
  /** Acknowledgements that could not be written down (the entry is sent again after a restart). */
  ackWriteFailures: number;
}

/** What a publisher needs from an outbox: in-order pending entries that survive a restart. */
export interface Outbox {
  open(): void;
  /** Durable (when the outbox syncs and the disk takes it) before it returns. */
  append(topic: string, payload: string, key?: string): OutboxEntry;
  /** Removes an entry for good; false when it was not pending (acknowledged twice, or dropped). */
  ack(seq: number): boolean;
  /** Pending entries, oldest first. */
  pending(): IterableIterator<OutboxEntry>;
  readonly depth: number;
  readonly bytes: number;
  readonly counters: Readonly<OutboxCounters>;
  close(): void;
}

export interface FileOutboxOptions {
  /** A directory of its own in the sensor's data dir; created when missing. */
  dir: string;
  /** Oldest entries are dropped (and counted) beyond this many payload bytes. Default 64 MiB. */
  maxBytes?: number;
  /** Entries older than this are dropped (and counted). Default 7 days. */
  maxAgeSeconds?: number;
  /** A new segment file starts past this size. Default 1 MiB. */
  segmentBytes?: number;
  /** fsync every record (default true). Off only for load generators that do not need durability. */
  sync?: boolean;
  now?: () => number;
}

interface Segment {
  firstSeq: number;
  log: string;
  acks: string;
  bytes: number;
  pending: number;
}

interface Held extends OutboxEntry {
  bytes: number;
  /** Undefined for an entry the disk would not take: it lives in memory only. */
  segment: Segment | undefined;
}

const SEGMENT = /^(\d{16})\.log$/;
const NEWLINE = 0x0a;

/**
 * The sensor's on-disk outbox: append-only segment files of JSON lines, one per queued
 * message, fsync'd before the message is sent; acknowledgements go to a side file per segment,
 * and a segment whose every entry is acknowledged is deleted. A crash can lose an
 * acknowledgement (the message is then sent again, which the hub ignores), never a message.
 *
 * Files: `<seq>.log` (records `{"seq","at","topic","payload"}`), `<seq>.acks` (one seq a line).
 */
export class FileOutbox implements Outbox {
  readonly counters: OutboxCounters = {
    appended: 0,
    acknowledged: 0,
    dropped: 0,
    tornTails: 0,
    corruptRecords: 0,
    memoryOnly: 0,
    ackWriteFailures: 0,
  };
  private readonly entries = new Map<number, Held>();
  private current: { segment: Segment; fd: number } | undefined;
  private nextSeq = 1;
  private heldBytes = 0;
  private opened = false;
  private readonly maxBytes: number;
  private readonly maxAgeSeconds: number;
  private readonly segmentBytes: number;
  private readonly sync: boolean;
  private readonly now: () => number;

  constructor(private readonly options: FileOutboxOptions) {
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.maxAgeSeconds = options.maxAgeSeconds ?? 7 * 24 * 3600;
    this.segmentBytes = options.segmentBytes ?? 1024 * 1024;
    this.sync = options.sync ?? true;
    this.now = options.now ?? (() => Date.now() / 1000);
  }

  get depth(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  /** Reads back what a previous run left unacknowledged. Idempotent. */
  open(): void {
    if (this.opened) return;
    mkdirSync(this.options.dir, { recursive: true });
    const names = readdirSync(this.options.dir)
      .filter((n) => SEGMENT.test(n))
      .sort();
    for (const name of names) this.load(Number(SEGMENT.exec(name)![1]));
    this.opened = true;
    this.enforceBounds();
  }

  private segmentAt(firstSeq: number): Segment {
    const stem = String(firstSeq).padStart(16, '0');
    return {
      firstSeq,
      log: join(this.options.dir, `${stem}.log`),
      acks: join(this.options.dir, `${stem}.acks`),
      bytes: 0,
      pending: 0,
    };
  }

  private load(firstSeq: number): void {
    const segment = this.segmentAt(firstSeq);
    const data = readFileSync(segment.log);
    const end = data.lastIndexOf(NEWLINE) + 1;
    if (end < data.length) {
      this.counters.tornTails++;
      truncateSync(segment.log, end);
    }
    segment.bytes = end;
    const acked = new Set<number>();
    if (existsSync(segment.acks)) {
      for (const line of readFileSync(segment.acks, 'utf8').split('\n'))
        if (line !== '') acked.add(Number(line));
    }
    for (const line of data.subarray(0, end).toString('utf8').split('\n')) {
      if (line === '') continue;
      let entry: OutboxEntry;
      try {
        entry = JSON.parse(line) as OutboxEntry;
        if (
          !Number.isSafeInteger(entry.seq) ||
          typeof entry.at !== 'number' ||
          typeof entry.topic !== 'string' ||
          typeof entry.payload !== 'string' ||
          (entry.key !== undefined && typeof entry.key !== 'string')
        ) {
          throw new TypeError('not an outbox record');
        }
      } catch {
        this.counters.corruptRecords++;
        continue;
      }
      this.nextSeq = Math.max(this.nextSeq, entry.seq + 1);
      if (acked.has(entry.seq) || this.entries.has(entry.seq)) continue;
      const { seq, at, topic, payload, key } = entry;
      this.hold({ seq, at, topic, payload, ...(key === undefined ? {} : { key }) }, segment);
    }
    if (segment.pending === 0) this.removeSegment(segment);
  }

  private hold(entry: OutboxEntry, segment: Segment | undefined): void {
    const bytes = Buffer.byteLength(entry.payload);
    this.entries.set(entry.seq, { ...entry, bytes, segment });
    this.heldBytes += bytes;
    if (segment !== undefined) segment.pending++;
  }

  append(topic: string, payload: string, key?: string): OutboxEntry {
    if (!this.opened) throw new Error('outbox is not open');
    const entry: OutboxEntry = {
      seq: this.nextSeq++,
      at: this.now(),
      topic,
      payload,
      ...(key === undefined ? {} : { key }),
    };
    this.hold(entry, this.writeRecord(entry));
    this.counters.appended++;
    this.enforceBounds();
    return entry;
  }

  /**
   * Writes one record (fsync'd) and returns its segment; undefined when the disk would not take
   * it. A half-written record is cut off again, so the segment stays readable.
   */
  private writeRecord(entry: OutboxEntry): Segment | undefined {
    const line = Buffer.from(`${JSON.stringify(entry)}\n`);
    try {
      if (this.current === undefined || this.current.segment.bytes >= this.segmentBytes) this.roll(entry.seq);
      const { segment, fd } = this.current!;
      try {
        writeSync(fd, line);
        if (this.sync) fsyncSync(fd);
      } catch (error) {
        ftruncateSync(fd, segment.bytes);
        throw error;
      }
      segment.bytes += line.length;
      return segment;
    } catch {
      this.counters.memoryOnly++;
      return undefined;
    }
  }

  private roll(firstSeq: number): void {
    if (this.current !== undefined) {
      closeSync(this.current.fd);
      const previous = this.current.segment;
      this.current = undefined;
      if (previous.pending === 0) this.removeSegment(previous);
    }
    const segment = this.segmentAt(firstSeq);
    const fd = openSync(segment.log, 'a');
    if (this.sync) this.syncDirectory();
    this.current = { segment, fd };
  }

  /** A new file's directory entry must be on disk too, or a power cut can lose the whole file. */
  private syncDirectory(): void {
    const fd = openSync(this.options.dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  ack(seq: number): boolean {
    if (!this.release(seq)) return false;
    this.counters.acknowledged++;
    return true;
  }

  private release(seq: number): boolean {
    const entry = this.entries.get(seq);
    if (entry === undefined) return false;
    this.entries.delete(seq);
    this.heldBytes -= entry.bytes;
    const segment = entry.segment;
    if (segment === undefined) return true;
    segment.pending--;
    if (segment.pending > 0) {
      try {
        appendFileSync(segment.acks, `${seq}\n`);
      } catch {
        this.counters.ackWriteFailures++;
      }
    } else if (this.current?.segment === segment) {
      closeSync(this.current.fd);
      this.current = undefined;
      this.removeSegment(segment);
    } else {
      this.removeSegment(segment);
    }
    return true;
  }

  private removeSegment(segment: Segment): void {
    rmSync(segment.acks, { force: true });
    rmSync(segment.log, { force: true });
  }

  /** Oldest first, but never the newest entry: the outbox always keeps what was just queued. */
  private enforceBounds(): void {
    const oldestAllowed = this.now() - this.maxAgeSeconds;
    for (const entry of this.entries.values()) {
      if (this.entries.size <= 1) break;
      if (this.heldBytes <= this.maxBytes && entry.at >= oldestAllowed) break;
      this.release(entry.seq);
      this.counters.dropped++;
    }
  }

  *pending(): IterableIterator<OutboxEntry> {
    for (const { seq, at, topic, payload, key } of this.entries.values())
      yield { seq, at, topic, payload, ...(key === undefined ? {} : { key }) };
  }

  /** Closes the open segment; pending entries stay on disk for the next `open()`. */
  close(): void {
    if (this.current !== undefined) {
      closeSync(this.current.fd);
      this.current = undefined;
    }
    this.entries.clear();
    this.heldBytes = 0;
    this.opened = false;
  }
}
