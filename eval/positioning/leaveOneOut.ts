/**
 * Leave-one-recording-out evaluation: calibrate on all recordings but one, evaluate on that one,
 * for each in turn, and pool the errors. The held-out recording never informs its own figures:
 * not the path loss, not the survey, not the walking speed or the error-bar factors that the
 * calibration tunes on its own recordings (each held out in turn, see heldOutTuning.ts).
 */
import { readFile } from 'node:fs/promises';
import { readProbeLog } from '../../src/adapters/capture/probeLog.ts';
import { calibrateSite } from '../../src/app/batch/calibrate.ts';
import {
  type PositioningEvaluation,
  evaluatePositioning,
  mergeEvaluations,
} from '../../src/app/batch/positioningEval.ts';
import { type Site, positioningSites } from '../../src/config/site.ts';
import type { Observation } from '../../src/core/model.ts';
import type { CalibrationMode } from '../../src/core/positioning/calibration.ts';
import type { MethodTuning } from '../../src/core/positioning/methods.ts';
import type { RssiStatistic, SiteTuning } from '../../src/core/positioning/positioningSite.ts';
import type { Point2 } from '../../src/core/positioning/geometry.ts';
import { type ReadingWindow, windowObservations } from '../../src/core/positioning/readings.ts';
import type { ZoneModelOptions } from '../../src/core/positioning/zoneTracker.ts';
import { type TruthPoint, parseTruthCsv, truthLookup } from '../../src/core/positioning/truth.ts';

export interface Recording {
  name: string;
  observations: Observation[];
  truth: TruthPoint[];
}

export interface CalibratedSite {
  site: Site;
  /** Site-wide exponent and residual of the fit. */
  n: number;
  sigmaDb: number;
  /** What the calibration tuned on its own recordings (walking speed, error-bar factors). */
  tuning: SiteTuning | undefined;
}

/** Reads recordings through the real importers: a probe log and its truth CSV each. */
export async function readRecordings(
  files: readonly { name: string; log: string; truth: string }[],
): Promise<Recording[]> {
  const out: Recording[] = [];
  for (const f of files) {
    const log = await readProbeLog(f.log);
    if (log.fatal) throw new Error(log.fatal);
    out.push({
      name: f.name,
      observations: log.observations,
      truth: parseTruthCsv(await readFile(f.truth, 'utf8')).points,
    });
  }
  return out;
}

/** Fits the path loss per sensor and gathers a survey from recordings at known positions. */
/**
 * A few known spots, as a new site would be calibrated: `count` places spread over the training
 * walks (farthest-point sampling of their true positions), each the three windows (6 s) around
 * it, as one recording per spot. The walker moves about 2 m in that time; each window keeps its
 * own true position. No survey is kept: this is the no-survey case.
 */
export function spotRecordings(
  training: readonly Recording[],
  count: number,
  windowSeconds = 2,
): { windows: ReadingWindow[]; truthAt: (t: number) => Point2 | undefined }[] {
  const candidates = training.flatMap((r) => {
    const truthAt = truthLookup(r.truth);
    const windows = windowObservations(r.observations, { windowSeconds });
    return windows.flatMap((w, i) => {
      const p = truthAt(w.t);
      return p ? [{ p, around: windows.slice(Math.max(0, i - 1), i + 2), truthAt }] : [];
    });
  });
  if (candidates.length === 0) return [];
  // Start from the candidate nearest the middle of them all, then always the farthest from those chosen.
  const cx = candidates.reduce((s, c) => s + c.p.x, 0) / candidates.length;
  const cy = candidates.reduce((s, c) => s + c.p.y, 0) / candidates.length;
  const distance = (a: Point2, b: Point2) => Math.hypot(a.x - b.x, a.y - b.y);
  let first = candidates[0]!;
  for (const c of candidates)
    if (distance(c.p, { x: cx, y: cy }) < distance(first.p, { x: cx, y: cy })) first = c;
  const chosen = [first];
  while (chosen.length < Math.min(count, candidates.length)) {
    let best = candidates[0]!;
    let bestD = -1;
    for (const c of candidates) {
      const d = Math.min(...chosen.map((k) => distance(k.p, c.p)));
      if (d > bestD) {
        bestD = d;
        best = c;
      }
    }
    chosen.push(best);
  }
  return chosen.map((c) => ({ windows: c.around, truthAt: c.truthAt }));
}

export function calibrateOn(
  site: Site,
  training: readonly Recording[],
  options: {
    windowSeconds?: number;
    mode?: CalibrationMode;
    statistic?: RssiStatistic;
    /** Calibrate from this many known spots instead of the whole walks, without a survey. */
    spots?: number;
  } = {},
): CalibratedSite {
  const recordings =
    options.spots === undefined
      ? training.map((r) => ({
          windows: windowObservations(r.observations, { windowSeconds: options.windowSeconds ?? 2 }),
          truthAt: truthLookup(r.truth),
        }))
      : spotRecordings(training, options.spots, options.windowSeconds ?? 2);
  const outcome = calibrateSite(site, recordings, {
    ...(options.mode ? { mode: options.mode } : {}),
    ...(options.statistic ? { statistic: options.statistic } : {}),
    ...(options.spots === undefined ? {} : { survey: false }),
  });
  if (!outcome.ok) throw new Error(`calibration failed: ${outcome.error}`);
  const { fit } = outcome.calibration;
  return {
    site: outcome.site,
    n: fit.global.n,
    sigmaDb: fit.global.sigmaDb,
    tuning: outcome.calibration.tuning,
  };
}

export interface LeaveOneOutOptions {
  solvers?: readonly string[];
  statistic?: RssiStatistic;
  windowSeconds?: number;
  tuning?: MethodTuning;
  /** Calibrate each fold from this many known spots of its training walks, without a survey. */
  spots?: number;
  zoneOptions?: ZoneModelOptions;
  onFold?: (test: Recording, calibrated: CalibratedSite) => void;
}

export function leaveOneOut(
  site: Site,
  recordings: readonly Recording[],
  options: LeaveOneOutOptions = {},
): PositioningEvaluation {
  const windowSeconds = options.windowSeconds ?? 2;
  const folds = recordings.map((test) => {
    const calibrated = calibrateOn(
      site,
      recordings.filter((r) => r !== test),
      {
        windowSeconds,
        ...(options.statistic ? { statistic: options.statistic } : {}),
        ...(options.spots === undefined ? {} : { spots: options.spots }),
      },
    );
    options.onFold?.(test, calibrated);
    return evaluatePositioning({
      site: positioningSites(calibrated.site)[0]!.site,
      logs: [{ name: test.name, observations: test.observations }],
      truth: test.truth,
      windowSeconds,
      ...(options.solvers ? { solvers: options.solvers } : {}),
      ...(options.tuning ? { tuning: options.tuning } : {}),
      ...(options.zoneOptions ? { zoneOptions: options.zoneOptions } : {}),
    });
  });
  return mergeEvaluations(folds);
}
