import { BtsnoopStreamReader } from '../../core/frames/ble/btsnoop.ts';
import { decodeHciEvent } from '../../core/frames/ble/hciEvents.ts';
import { observationFromReport } from '../../core/frames/bleObservation.ts';
import { CaptureStreamReader } from '../../core/frames/captureReader.ts';
import { decodeRecord } from '../../core/frames/recordDecoder.ts';
import type { Observation } from '../../core/model.ts';

export interface SourceCounters {
  frames: number;
  framesWithRssi: number;
  /** Frames decoded, whether or not they name a device. */
  decoded: number;
  /** Frames that carry no transmitter address (ACK, CTS): counted, but no device. */
  withoutTransmitter: number;
  /** Bad input by reason: records that could not be decoded, damaged stream parts. */
  skipped: Record<string, number>;
  bytes: number;
}

export interface SourceResult {
  counters: SourceCounters;
  /** The stream could not be read on: a clear sentence for the user, never a stack trace. */
  fatal?: string;
}

export interface SourceOptions {
  sensorId: string;
  onObservation: (o: Observation) => void;
  onProgress?: (bytes: number) => void;
  /**
   * A file or stdin given to a batch command must hold at least one record that decodes: an
   * empty input, one that ends inside its header or holds no record is then fatal. A live
   * capture leaves this off: a quiet scan may end with no frame at all.
   */
  requireRecords?: boolean;
}

export function emptyCounters(): SourceCounters {
  return { frames: 0, framesWithRssi: 0, decoded: 0, withoutTransmitter: 0, skipped: {}, bytes: 0 };
}

export function addCounters(total: SourceCounters, part: SourceCounters): void {
  total.frames += part.frames;
  total.framesWithRssi += part.framesWithRssi;
  total.decoded += part.decoded;
  total.withoutTransmitter += part.withoutTransmitter;
  total.bytes += part.bytes;
  for (const [reason, n] of Object.entries(part.skipped))
    total.skipped[reason] = (total.skipped[reason] ?? 0) + n;
}

interface StreamReader {
  push(chunk: Uint8Array): void;
  end(): void;
  readonly failed: boolean;
}

const BTSNOOP_MAGIC = [0x62, 0x74, 0x73, 0x6e, 0x6f, 0x6f, 0x70, 0x00]; // "btsnoop\0"

function isBtsnoop(head: Uint8Array): boolean {
  return BTSNOOP_MAGIC.every((byte, i) => head[i] === byte);
}

/**
 * Reads a capture byte stream (a file, stdin, dumpcap's stdout) to its end: pcap, pcapng or a
 * btsnoop HCI log, told apart by their first bytes. Every record is decoded, bad ones are
 * counted by reason, and only a stream that cannot be read on stops it.
 */
export async function readCaptureStream(
  chunks: AsyncIterable<Uint8Array>,
  options: SourceOptions,
): Promise<SourceResult> {
  const counters = emptyCounters();
  let fatal: string | undefined;
  let lastProblem: string | undefined;
  const skip = (reason: string) => {
    counters.skipped[reason] = (counters.skipped[reason] ?? 0) + 1;
  };
  const onProblem = (problem: { fatal: boolean; reason: string; message: string }) => {
    skip(problem.reason);
    lastProblem = problem.message;
    if (problem.fatal) fatal ??= problem.message;
  };
  const pcapReader = (): StreamReader =>
    new CaptureStreamReader({
      onRecord(record) {
        counters.frames++;
        const outcome = decodeRecord(record, options.sensorId);
        if (outcome.kind !== 'skipped') counters.decoded++;
        if (outcome.kind === 'observation') {
          if (outcome.observation.rssi !== undefined) counters.framesWithRssi++;
          options.onObservation(outcome.observation);
        } else if (outcome.kind === 'no-transmitter') {
          counters.withoutTransmitter++;
          if (outcome.hasRssi) counters.framesWithRssi++;
        } else {
          skip(outcome.reason);
        }
      },
      onProblem,
    });
  const btsnoopReader = (): StreamReader =>
    new BtsnoopStreamReader({
      onRecord(record) {
        counters.frames++;
        counters.decoded++;
        if (record.hciEvent === undefined) return;
        let withRssi = false;
        for (const report of decodeHciEvent(record.hciEvent)) {
          const observation = observationFromReport(report, record.t, options.sensorId);
          if (observation === undefined) continue;
          if (observation.rssi !== undefined) withRssi = true;
          options.onObservation(observation);
        }
        if (withRssi) counters.framesWithRssi++;
      },
      onProblem,
    });

  let reader: StreamReader | undefined;
  let head = new Uint8Array(0);
  for await (const chunk of chunks) {
    counters.bytes += chunk.length;
    if (reader === undefined) {
      // The format is known from the first 8 bytes, which may arrive in several chunks.
      const joined = new Uint8Array(head.length + chunk.length);
      joined.set(head);
      joined.set(chunk, head.length);
      if (joined.length < BTSNOOP_MAGIC.length) {
        head = joined;
        continue;
      }
      reader = isBtsnoop(joined) ? btsnoopReader() : pcapReader();
      reader.push(joined);
    } else {
      reader.push(chunk);
    }
    options.onProgress?.(counters.bytes);
    if (reader.failed) break;
  }
  reader ??= pcapReader();
  if (head.length > 0 && counters.bytes === head.length) reader.push(head);
  if (!reader.failed) reader.end();
  if (fatal === undefined && counters.frames > 0 && counters.decoded === 0) {
    // Every record was bad: the input is damaged or of a kind we do not read, which is worth a
    // clear failure rather than an empty result.
    const reasons = Object.entries(counters.skipped).map(([reason, n]) => `${reason}: ${n}`);
    fatal = `none of its ${counters.frames} records could be decoded (${reasons.join(', ')})`;
  }
  if (fatal === undefined && options.requireRecords && counters.frames === 0)
    fatal = noRecordMessage(counters.bytes, lastProblem);
  return fatal === undefined ? { counters } : { counters, fatal };
}

/** Why an input gave no record at all, in words: empty, cut inside its header, or header only. */
function noRecordMessage(bytes: number, lastProblem: string | undefined): string {
  if (bytes === 0) return 'the input is empty: not a capture';
  if (lastProblem !== undefined) return `no record could be read: ${lastProblem}`;
  return `no record could be read: the capture holds its header only (${bytes} bytes)`;
}
