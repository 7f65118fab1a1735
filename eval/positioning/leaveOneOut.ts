/**
 * Leave-one-recording-out evaluation: calibrate on all recordings but one, evaluate on that one,
 * for each in turn, and pool the errors. The held-out recording never informs its own figures.
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
import type { RssiStatistic } from '../../src/core/positioning/positioningSite.ts';
import { windowObservations } from '../../src/core/positioning/readings.ts';
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
export function calibrateOn(
  site: Site,
  training: readonly Recording[],
  options: { windowSeconds?: number; mode?: CalibrationMode; statistic?: RssiStatistic } = {},
): CalibratedSite {
  const recordings = training.map((r) => ({
    windows: windowObservations(r.observations, { windowSeconds: options.windowSeconds ?? 2 }),
    truthAt: truthLookup(r.truth),
  }));
  const outcome = calibrateSite(site, recordings, {
    ...(options.mode ? { mode: options.mode } : {}),
    ...(options.statistic ? { statistic: options.statistic } : {}),
  });
  if (!outcome.ok) throw new Error(`calibration failed: ${outcome.error}`);
  const { fit } = outcome.calibration;
  return { site: outcome.site, n: fit.global.n, sigmaDb: fit.global.sigmaDb };
}

export interface LeaveOneOutOptions {
  solvers?: readonly string[];
  statistic?: RssiStatistic;
  windowSeconds?: number;
  tuning?: MethodTuning;
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
      { windowSeconds, ...(options.statistic ? { statistic: options.statistic } : {}) },
    );
    options.onFold?.(test, calibrated);
    return evaluatePositioning({
      site: positioningSites(calibrated.site)[0]!.site,
      logs: [{ name: test.name, observations: test.observations }],
      truth: test.truth,
      windowSeconds,
      ...(options.solvers ? { solvers: options.solvers } : {}),
      ...(options.tuning ? { tuning: options.tuning } : {}),
    });
  });
  return mergeEvaluations(folds);
}
