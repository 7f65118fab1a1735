import { randomBytes } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { readCaptureStream } from '../../adapters/capture/captureSource.ts';
import { type CountingConfig, countingParamsOf } from '../../config/countingConfig.ts';
import { createNodeMacHasher } from '../../adapters/identity/nodeMacHasher.ts';
import { vendorOfDevice } from '../../core/identity/vendor.ts';
import type { Observation, WindowSummary } from '../../core/model.ts';
import type { CountingParams } from '../../core/occupancy/countingParams.ts';
import { addToRuns, distinctAddresses, windowsOver } from '../../core/occupancy/countWindows.ts';
import { groupDevices } from '../../core/occupancy/deviceGrouping.ts';
import { type FitCandidate, type FitResult, fitPeopleModel } from '../../core/occupancy/fitModel.ts';
import {
  calibrateWithHeadcounts,
  DEFAULT_HEADCOUNT_PRIOR,
  type Headcount,
} from '../../core/occupancy/headcounts.ts';
import {
  estimatesFromPresence,
  presencesOf,
  type WindowEstimate,
} from '../../core/occupancy/peopleEstimate.ts';
import { mergeSpans, type Span, windowPresence } from '../../core/occupancy/presence.ts';
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
  const groups = groupDevices(captures.sightings, params.grouping, params.ignoreDeviceIds);
  const presence = windowPresence(
    presencesOf(groups, params, coverage),
    spans,
    coverage,
    params.model.levels.length,
  );
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

export const HOLD_CANDIDATES: readonly number[] = [600, 900, 1500, 2400];

/**
 * Recency: a window `halfLifeDays` older than the reference time counts half as much in the fit.
 * Devices per person drifts (2022: 1.5 devices per person in the brno lab, 2024: about 1), so
 * last season's recordings should shape the model more than those of years ago.
 */
export const DEFAULT_HALF_LIFE_DAYS = 60;

export interface FitOptions {
  holdCandidates?: readonly number[];
  intervalLevel?: number;
  /** Recency weighting (Infinity: every window alike). */
  halfLifeDays?: number;
  /** The time recency is measured from (default: the newest window with truth). */
  referenceTime?: number;
}

/** A window's weight in the fit: 1/2 per `halfLifeDays` away from the reference time. */
export function recencyWeight(t: number, referenceTime: number, halfLifeDays: number): number {
  if (!Number.isFinite(halfLifeDays)) return 1;
  return 0.5 ** (Math.abs(referenceTime - t) / (halfLifeDays * 86_400));
}

/** The cross-validation fold of a window: its UTC day (two sensors' files of one day are one fold). */
function foldOf(start: number): string {
  return new Date(start * 1000).toISOString().slice(0, 10);
}

export interface FitOutcome {
  config: CountingConfig;
  fit: FitResult;
}

/**
 * Fits the people model on the captures' windows that have ground truth, each capture file a
 * fold of the cross-validation, and returns `base` with the fitted values in it (its ignore list
 * and other settings are kept).
 */
export function fitCounting(
  captures: LoadedCaptures,
  truth: readonly TruthRow[],
  windowSeconds: number,
  base: CountingConfig,
  options: FitOptions = {},
): FitOutcome {
  const params = countingParamsOf(base, captures.hashMac);
  const coverage = coverageOf(captures);
  const spans = windowsOver(coverage, windowSeconds);
  const groups = groupDevices(captures.sightings, params.grouping, params.ignoreDeviceIds);
  const truths = spans.map((w) => windowTruth(truth, w, coverage));
  const halfLife = options.halfLifeDays ?? DEFAULT_HALF_LIFE_DAYS;
  const withTruth = spans.filter((_, i) => truths[i] !== undefined);
  const reference = options.referenceTime ?? withTruth.at(-1)?.start ?? 0;
  const candidates: FitCandidate[] = (options.holdCandidates ?? HOLD_CANDIDATES).map((holdSeconds) => {
    const withHold: CountingParams = { ...params, presence: { ...params.presence, holdSeconds } };
    const presence = windowPresence(
      presencesOf(groups, withHold, coverage),
      spans,
      coverage,
      params.model.levels.length,
    );
    return {
      holdSeconds,
      rows: presence.flatMap((w, i) => {
        const t = truths[i];
        if (t === undefined) return [];
        const weight = recencyWeight(w.start, reference, halfLife);
        return [{ wifi: w.wifi, ble: w.ble, truth: t, fold: foldOf(w.start), start: w.start, weight }];
      }),
    };
  });
  if ((candidates[0]?.rows.length ?? 0) === 0) {
    throw new RangeError(
      'no window of the captures has ground truth: check that the truth file covers them (t in Unix seconds, UTC)',
    );
  }
  const fit = fitPeopleModel(
    candidates,
    params.model.levels,
    options.intervalLevel ?? params.model.interval.level,
  );
  const round = (x: number, digits = 4) => Number(x.toFixed(digits));
  const config: CountingConfig = {
    ...base,
    schema: 1,
    presence: {
      ...base.presence,
      holdSeconds: fit.holdSeconds,
      ...(fit.presenceRssi === undefined ? {} : { presenceRssi: fit.presenceRssi }),
    },
    model: {
      levels: [...fit.model.levels],
      wifi: fit.model.weights.wifi.map((w) => round(w)),
      ble: fit.model.weights.ble.map((w) => round(w)),
      interval: {
        level: fit.model.interval.level,
        low: round(fit.model.interval.low),
        high: round(fit.model.interval.high),
        bins: {
          edges: [...fit.model.interval.bins.edges],
          low: fit.model.interval.bins.low.map((x) => round(x)),
          high: fit.model.interval.bins.high.map((x) => round(x)),
        },
      },
      headcountPrior: {
        driftSd: round(fit.model.headcountPrior.driftSd),
        driftSeconds: fit.model.headcountPrior.driftSeconds,
        sessionSd: round(fit.model.headcountPrior.sessionSd),
        sessionSeconds: fit.model.headcountPrior.sessionSeconds,
        countSd: round(fit.model.headcountPrior.countSd),
      },
    },
    fitted: {
      recordings: captures.recordings.map((r) => r.name),
      windowSeconds,
      halfLifeDays: Number.isFinite(halfLife) ? halfLife : null,
      referenceTime: reference,
      windows: candidates[0]!.rows.length,
      folds: fit.folds,
      holdCandidates: fit.candidates.map((c) => ({ holdSeconds: c.holdSeconds, cvMae: round(c.cvMae) })),
      crossValidated: {
        windows: fit.cv.windows,
        mae: round(fit.cv.mae),
        r: fit.cv.r === null ? null : round(fit.cv.r),
        coverage: fit.cv.coverage === null ? null : round(fit.cv.coverage),
      },
    },
  };
  return { config, fit };
}
