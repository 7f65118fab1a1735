import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Observation, WindowSummary } from '../../core/model.ts';
import { checkObservation } from '../../core/window/plausibleObservation.ts';
import { addToRuns } from '../../core/occupancy/countWindows.ts';
import { mergeSpans, type Span } from '../../core/occupancy/presence.ts';
import { addCounters, emptyCounters, readCaptureStream } from '../../adapters/capture/captureSource.ts';
import { createSensorWindower } from '../sensor/sensorWindower.ts';

export interface CaptureInput {
  /** A path, or '-' for standard input. */
  path: string;
  /** The sensor that recorded it; default: the pipeline's `sensorId`. */
  sensorId?: string;
}

export interface CapturePipelineOptions {
  windowSeconds: number;
  /** Sensor of the inputs that name none. */
  sensorId: string;
  /** Without one, a random key: ids are then only comparable within this run. */
  siteKey?: Uint8Array;
  onWindow: (summary: WindowSummary) => void;
  onProgress?: (progress: { path: string; bytes: number; totalBytes: number | undefined }) => void;
  stdin?: AsyncIterable<Uint8Array>;
  /** Called after each input is read (replay waits for its store here). */
  afterInput?: () => Promise<void>;
}

/** One input as read: its first and last frame, for coverage and fit folds. */
export interface Recording {
  /** The file name (no directories), or 'stdin'. */
  name: string;
  sensorId: string;
  span: { start: number; end: number };
  /** When it was recording: split where no frame came for over an hour (a sensor that was off). */
  runs: { start: number; end: number }[];
}

export interface CaptureReport {
  frames: number;
  framesWithRssi: number;
  /** Bad input by reason, including frames that arrived after their window closed ('late'). */
  skipped: Record<string, number>;
  /** Inputs that could not be read to the end, with the reason in words. */
  failures: { path: string; message: string }[];
  recordings: Recording[];
}

/** How far into a file its first frame time is looked for when ordering the inputs. */
const PEEK_BYTES = 1 << 20;

function addSkip(skipped: Record<string, number>, reason: string, n = 1): void {
  skipped[reason] = (skipped[reason] ?? 0) + n;
}

/** Time of the first frame in the first MiB of a file; undefined when there is none (or it is stdin). */
async function firstFrameTime(path: string): Promise<number | undefined> {
  if (path === '-') return undefined;
  let first: number | undefined;
  try {
    await readCaptureStream(createReadStream(path, { start: 0, end: PEEK_BYTES - 1 }), {
      sensorId: '',
      onObservation: (o) => {
        if (first === undefined && Number.isFinite(o.t)) first = o.t;
      },
    });
  } catch {
    return undefined; // the real read reports it
  }
  return first;
}

export interface InputReport {
  frames: number;
  framesWithRssi: number;
  skipped: Record<string, number>;
  /** Why the input could not be read to its end. */
  failure?: string;
  /** First and last frame time; undefined when no frame had a time. */
  span?: { start: number; end: number };
  /** Stretches with frames, split at silences of over an hour. */
  runs: { start: number; end: number }[];
}

/**
 * Reads one input to its end and hands over its observations after the boundary checks every
 * observation gets (`checkObservation`), counting what they found.
 */
export async function readCaptureInput(
  input: CaptureInput & { sensorId: string },
  onObservation: (o: Observation) => void,
  options: Pick<CapturePipelineOptions, 'onProgress' | 'stdin'> = {},
): Promise<InputReport> {
  const counters = emptyCounters();
  let first = Infinity;
  let last = -Infinity;
  const runs: Span[] = [];
  let failure: string | undefined;
  try {
    const totalBytes = input.path === '-' ? undefined : statSync(input.path).size;
    const chunks =
      input.path === '-'
        ? (options.stdin ?? process.stdin)
        : createReadStream(input.path, { highWaterMark: 1 << 18 });
    const result = await readCaptureStream(chunks, {
      sensorId: input.sensorId,
      // A recording given to a batch command must hold a record; a live capture may be quiet.
      requireRecords: true,
      onObservation: (o) => {
        const flaw = checkObservation(o);
        if (flaw !== undefined) addSkip(counters.skipped, flaw);
        if (flaw === 'no-timestamp') return;
        if (o.t < first) first = o.t;
        if (o.t > last) last = o.t;
        addToRuns(runs, o.t);
        onObservation(o);
      },
      onProgress: (bytes) => options.onProgress?.({ path: input.path, bytes, totalBytes }),
    });
    addCounters(counters, result.counters);
    failure = result.fatal;
  } catch (error) {
    failure = (error as Error).message;
  }
  return {
    frames: counters.frames,
    framesWithRssi: counters.framesWithRssi,
    skipped: counters.skipped,
    ...(failure === undefined ? {} : { failure }),
    ...(first <= last ? { span: { start: first, end: last } } : {}),
    runs: mergeSpans(runs),
  };
}

/**
 * Capture files in, windows out: the sensor's own pipeline (read, decode, check, window, hash)
 * for everything that reads recordings (`replay`, `count`, the demo), so the same bytes always
 * give the same devices and windows. Each sensor's inputs are read in the order of their first
 * frame, as one continuous recording (frames older than a window already closed are 'late'); an
 * input that starts before the sensor's recording so far has ended is recorded as another sensor
 * (`<sensor>#2`, ...), so overlapping recordings add up instead of cutting each other short.
 */
export async function runCapturePipeline(
  inputs: readonly CaptureInput[],
  options: CapturePipelineOptions,
): Promise<CaptureReport> {
  const windower = createSensorWindower({
    windowSeconds: options.windowSeconds,
    ...(options.siteKey === undefined ? {} : { siteKey: options.siteKey }),
    onWindow: options.onWindow,
  });
  const total = emptyCounters();
  const failures: CaptureReport['failures'] = [];
  const recordings: Recording[] = [];
  const starts = await Promise.all(inputs.map((input) => firstFrameTime(input.path)));
  const order = inputs
    .map((input, i) => ({ input, start: starts[i] ?? -Infinity, i }))
    .sort((a, b) => a.start - b.start || a.i - b.i);

  // Where each sensor's recording has got to, and how many overlapping recordings it has had.
  const recordedUntil = new Map<string, number>();
  const overlaps = new Map<string, number>();
  for (const { input, start } of order) {
    const named = input.sensorId ?? options.sensorId;
    let sensorId = named;
    if (start < (recordedUntil.get(named) ?? -Infinity)) {
      // A recording that overlaps one already read is another listener at the same time (a
      // second sniffer, another session): kept apart like a second sensor, never cut as late.
      const n = (overlaps.get(named) ?? 1) + 1;
      overlaps.set(named, n);
      sensorId = `${named}#${n}`;
    }
    const read = await readCaptureInput({ path: input.path, sensorId }, (o) => windower.add(o), options);
    total.frames += read.frames;
    total.framesWithRssi += read.framesWithRssi;
    for (const [reason, n] of Object.entries(read.skipped)) addSkip(total.skipped, reason, n);
    if (read.failure !== undefined) failures.push({ path: input.path, message: read.failure });
    if (read.span !== undefined) {
      recordings.push({
        name: input.path === '-' ? 'stdin' : basename(input.path),
        sensorId,
        span: read.span,
        runs: read.runs,
      });
      recordedUntil.set(named, Math.max(recordedUntil.get(named) ?? -Infinity, read.span.end));
    }
    await options.afterInput?.();
  }
  windower.flush();
  if (windower.counters.late > 0) addSkip(total.skipped, 'late', windower.counters.late);
  return {
    frames: total.frames,
    framesWithRssi: total.framesWithRssi,
    skipped: total.skipped,
    failures,
    recordings,
  };
}
