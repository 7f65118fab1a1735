import { CaptureStreamReader, type CaptureProblem } from '../../core/frames/captureReader.ts';
import { decodeRecord } from '../../core/frames/recordDecoder.ts';
import type { Observation } from '../../core/model.ts';

export interface SourceCounters {
  frames: number;
  framesWithRssi: number;
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
}

export function emptyCounters(): SourceCounters {
  return { frames: 0, framesWithRssi: 0, withoutTransmitter: 0, skipped: {}, bytes: 0 };
}

/**
 * Reads a capture byte stream (a file, stdin, dumpcap's stdout) to its end: every record is
 * decoded, bad ones are counted by reason, and only a stream that cannot be read on stops it.
 */
export async function readCaptureStream(
  chunks: AsyncIterable<Uint8Array>,
  options: SourceOptions,
): Promise<SourceResult> {
  const counters = emptyCounters();
  let fatal: string | undefined;
  const skip = (reason: string) => {
    counters.skipped[reason] = (counters.skipped[reason] ?? 0) + 1;
  };
  const reader = new CaptureStreamReader({
    onRecord(record) {
      counters.frames++;
      const outcome = decodeRecord(record, options.sensorId);
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
    onProblem(problem: CaptureProblem) {
      skip(problem.reason);
      if (problem.fatal) fatal ??= problem.message;
    },
  });
  for await (const chunk of chunks) {
    counters.bytes += chunk.length;
    reader.push(chunk);
    options.onProgress?.(counters.bytes);
    if (reader.failed) break;
  }
  if (!reader.failed) reader.end();
  return fatal === undefined ? { counters } : { counters, fatal };
}
