import { randomBytes } from 'node:crypto';
import { createNodeMacHasher } from '../../adapters/identity/nodeMacHasher.ts';
import type { CountingParams } from '../../core/occupancy/countingParams.ts';
import { distinctAddresses, windowsOver } from '../../core/occupancy/countWindows.ts';
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
import { runCapturePipeline, type Recording } from './capturePipeline.ts';

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

export type { Recording } from './capturePipeline.ts';

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

/**
 * Reads every capture (pcap, pcapng, btsnoop; '-' is standard input) once, through the same
 * capture pipeline as `replay` and the demo, into per-window sightings.
 */
export async function loadCaptures(
  paths: readonly string[],
  options: LoadOptions = {},
): Promise<LoadedCaptures> {
  const siteKey = options.siteKey ?? new Uint8Array(randomBytes(32));
  const sightings: Sighting[] = [];
  const report = await runCapturePipeline(
    paths.map((path, index) => ({
      path,
      sensorId:
        typeof options.sensorId === 'string' ? options.sensorId : (options.sensorId?.[index] ?? 'local'),
    })),
    {
      windowSeconds: SIGHTING_SECONDS,
      sensorId: 'local',
      siteKey,
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      onWindow: (summary) => {
        for (const d of summary.devices) sightings.push(sightingFromDeviceWindow(summary.sensorId, d));
      },
    },
  );
  return {
    sightings: sortSightings(sightings),
    recordings: report.recordings,
    hashMac: createNodeMacHasher(siteKey),
    frames: report.frames,
    skipped: report.skipped,
    failures: report.failures,
  };
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
