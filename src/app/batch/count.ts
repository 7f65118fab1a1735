import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { readCaptureStream } from '../../adapters/capture/captureSource.ts';
import { createNodeMacHasher } from '../../adapters/identity/nodeMacHasher.ts';
import { vendorOfDevice } from '../../core/identity/vendor.ts';
import type { Observation, WindowSummary } from '../../core/model.ts';
import type { CountingParams } from '../../core/occupancy/countingParams.ts';
import { addToRuns, distinctAddresses, windowsOver } from '../../core/occupancy/countWindows.ts';
import {
  calibrateWithHeadcounts,
  DEFAULT_HEADCOUNT_PRIOR,
  type Headcount,
} from '../../core/occupancy/headcounts.ts';
import {
  estimatesFromPresence,
  type WindowEstimate,
  windowFeatures,
} from '../../core/occupancy/peopleEstimate.ts';
import { mergeSpans, type Span } from '../../core/occupancy/presence.ts';
import { type Score, scoreEstimates } from '../../core/occupancy/scores.ts';
import { type Sighting, sightingFromDeviceWindow, sortSightings } from '../../core/occupancy/sighting.ts';
import { type TruthRow, windowTruth } from '../../core/occupancy/truthSeries.ts';
import { Windower } from '../../core/window/windower.ts';

/**
 * `airtrace count`: capture files in, people per window out, optionally scored against ground
 * truth or used to fit the counting parameters.
 *
 * Frames go through the sensor's own windower (60 s windows, every address replaced by a keyed
 * hash with a key made for this run), so counting works from exactly what the hub stores per
 * sighting. Raw addresses exist only inside `loadCaptures`, in memory.
 */

/** Sighting granularity: the hub's default window. */
export const SIGHTING_SECONDS = 60;

export interface Recording {
  /** The file name, for messages and the fit's provenance (no directories). */
  name: string;
  /** First and last frame. */
  span: Span;
  /** When it was recording: split where no frame came for over DATA_BREAK_SECONDS. */
  runs: Span[];
}

export interface LoadedCaptures {
  /** All sightings of all inputs, sorted by first frame. */
  sightings: Sighting[];
  recordings: Recording[];
  /** The run's keyed hash, for the ignore list. */
  hashMac: (mac: string) => string;
  frames: number;
  skipped: Record<string, number>;
  /** Inputs that could not be read to their end. */
  failures: { path: string; message: string }[];
}

export interface LoadOptions {
  /** The sensor that recorded the captures: one for all, or one per path (several in one room). */
  sensorId?: string | readonly string[];
  /** Default: a random key for this run (ids are then comparable within the run only). */
  siteKey?: Uint8Array;
  onProgress?: (progress: { path: string; bytes: number; totalBytes: number | undefined }) => void;
  stdin?: AsyncIterable<Uint8Array>;
}

function addSkip(skipped: Record<string, number>, reason: string, n = 1): void {
  skipped[reason] = (skipped[reason] ?? 0) + n;
}

/**
 * Reads every capture (pcap, pcapng, btsnoop; '-' is standard input) once. Each input gets its
 * own windower, so inputs may be given in any order and may overlap in time (several files
 * replayed as one stream keep their real timestamps).
 */
export async function loadCaptures(
  paths: readonly string[],
  options: LoadOptions = {},
): Promise<LoadedCaptures> {
  const hashMac = createNodeMacHasher(options.siteKey ?? new Uint8Array(randomBytes(32)));
  const sightings: Sighting[] = [];
  const recordings: Recording[] = [];
  const failures: LoadedCaptures['failures'] = [];
  const skipped: Record<string, number> = {};
  let frames = 0;
  for (const [index, path] of paths.entries()) {
    const sensorId =
      typeof options.sensorId === 'string' ? options.sensorId : (options.sensorId?.[index] ?? 'local');
    const summaries: WindowSummary[] = [];
    const windower = new Windower({
      windowSeconds: SIGHTING_SECONDS,
      hashMac,
      // Only BLE needs a name (the advertised company links rotated addresses); no IEEE registry.
      vendorOf: (q) => (q.medium === 'ble' ? vendorOfDevice(q, {}) : null),
      onWindow: (summary) => summaries.push(summary),
    });
    let first = Infinity;
    let last = -Infinity;
    const runs: Span[] = [];
    const onObservation = (o: Observation) => {
      if (!Number.isFinite(o.t)) {
        addSkip(skipped, 'no-timestamp');
        return;
      }
      if (o.rssi !== undefined && o.rssi >= 0) {
        // A received level of 0 dBm or more is a radio-header bug; the frame still names a device.
        delete o.rssi;
        addSkip(skipped, 'implausible-rssi');
      }
      if (o.t < first) first = o.t;
      if (o.t > last) last = o.t;
      addToRuns(runs, o.t);
      windower.add(o);
    };
    let chunks: AsyncIterable<Uint8Array>;
    let totalBytes: number | undefined;
    try {
      if (path === '-') {
        chunks = options.stdin ?? process.stdin;
      } else {
        totalBytes = statSync(path).size;
        chunks = createReadStream(path, { highWaterMark: 1 << 16 });
      }
      const result = await readCaptureStream(chunks, {
        sensorId,
        onObservation,
        onProgress: (bytes) => options.onProgress?.({ path, bytes, totalBytes }),
      });
      frames += result.counters.frames;
      for (const [reason, n] of Object.entries(result.counters.skipped)) addSkip(skipped, reason, n);
      if (result.fatal !== undefined) failures.push({ path, message: result.fatal });
    } catch (error) {
      failures.push({ path, message: (error as Error).message });
    }
    windower.flush();
    if (windower.counters.late > 0) addSkip(skipped, 'late', windower.counters.late);
    for (const s of summaries)
      for (const d of s.devices) sightings.push(sightingFromDeviceWindow(s.sensorId, d));
    if (first <= last)
      recordings.push({
        name: path === '-' ? 'stdin' : basename(path),
        span: { start: first, end: last },
        runs: mergeSpans(runs),
      });
  }
  return { sightings: sortSightings(sightings), recordings, hashMac, frames, skipped, failures };
}

export interface CountedWindow extends WindowEstimate {
  /** Distinct addresses heard (naive unique-MAC counting), for comparison. */
  addresses: number;
  /** Ground truth, when given and defined for the window. */
  truth?: number;
  /** With headcounts: people per unit of the model's estimate, as the headcounts moved it. */
  scale?: number;
}

export interface CountReport {
  windows: CountedWindow[];
  /** Against ground truth: windows without truth are left out. */
  score?: Score;
  /**
   * With truth: windows it does not cover (before its first row, or after a break in the data
   * with no row since). Reported so a truth file that ends early is noticed, not extended.
   */
  windowsWithoutTruth?: number;
  /** With headcounts: how many informed the estimates, and how many fell outside every window. */
  headcounts?: { used: number; skipped: number };
}

/** When any input was recording: breaks of over DATA_BREAK_SECONDS in every input are gaps. */
export function coverageOf(captures: Pick<LoadedCaptures, 'recordings'>): Span[] {
  return mergeSpans(captures.recordings.flatMap((r) => r.runs));
}

/**
 * Per-window people estimates of the loaded captures, calibrated by headcounts when given (see
 * core/occupancy/headcounts.ts), and scored when truth is given.
 */
export function countPeople(
  captures: LoadedCaptures,
  params: CountingParams,
  windowSeconds: number,
  truth?: readonly TruthRow[],
  headcounts: readonly Headcount[] = [],
): CountReport {
  const coverage = coverageOf(captures);
  const spans = windowsOver(coverage, windowSeconds);
  const presence = windowFeatures(captures.sightings, spans, coverage, params);
  const addresses = distinctAddresses(captures.sightings, spans);
  let windows: CountedWindow[] = estimatesFromPresence(presence, params.model).map((w, i) => {
    const counted: CountedWindow = { ...w, addresses: addresses[i]! };
    const t = truth === undefined ? undefined : windowTruth(truth, w, coverage);
    if (t !== undefined) counted.truth = t;
    return counted;
  });
  const report: CountReport = { windows };
  if (headcounts.length > 0) {
    const prior = params.model.headcountPrior ?? DEFAULT_HEADCOUNT_PRIOR;
    const calibration = calibrateWithHeadcounts(windows, headcounts, prior, params.model.interval.level);
    windows = calibration.windows.map(({ scaleSd: _, ...w }) => w);
    report.windows = windows;
    report.headcounts = { used: calibration.used, skipped: calibration.skipped };
  }
  if (truth === undefined) return report;
  report.score = scoreEstimates(
    windows.flatMap((w) => (w.truth === undefined ? [] : [{ ...w, truth: w.truth }])),
  );
  report.windowsWithoutTruth = windows.filter((w) => w.truth === undefined).length;
  return report;
}
