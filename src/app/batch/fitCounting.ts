import type { CountingConfig } from '../../config/countingConfig.ts';
import { countingParamsOf } from '../../config/countingConfig.ts';
import { type CountingParams, DEFAULT_MODEL } from '../../core/occupancy/countingParams.ts';
import { windowsOver } from '../../core/occupancy/countWindows.ts';
import { type FitCandidate, type FitResult, fitPeopleModel } from '../../core/occupancy/fitModel.ts';
import { windowFeatures } from '../../core/occupancy/peopleEstimate.ts';
import { type TruthRow, windowTruth } from '../../core/occupancy/truthSeries.ts';
import { coverageOf, type LoadedCaptures } from './count.ts';

/**
 * `airtrace count --fit`: the people model fitted on captures with ground truth. In two steps,
 * so the evaluation can reuse the first per recording: the features of every window with truth
 * for each candidate hold (`fitCandidatesOf`), then the fit itself (`fitFromCandidates`).
 */

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
 * Fits the people model on the captures' windows that have ground truth, each UTC day a fold of
 * the cross-validation, and returns `base` with the fitted values in it (its ignore list and
 * other settings are kept).
 */
export function fitCounting(
  captures: LoadedCaptures,
  truth: readonly TruthRow[],
  windowSeconds: number,
  base: CountingConfig,
  options: FitOptions = {},
): FitOutcome {
  const params = countingParamsOf(base, captures.hashMac);
  const candidates = fitCandidatesOf(captures, truth, windowSeconds, params, options.holdCandidates);
  return fitFromCandidates(
    candidates,
    base,
    { recordings: captures.recordings.map((r) => r.name), windowSeconds },
    options,
  );
}

/**
 * The features of every window of the captures that has truth, for each candidate hold (rows in
 * time order, weight 1: recency is the fit's business).
 */
export function fitCandidatesOf(
  captures: LoadedCaptures,
  truth: readonly TruthRow[],
  windowSeconds: number,
  params: CountingParams,
  holdCandidates: readonly number[] = HOLD_CANDIDATES,
): FitCandidate[] {
  const coverage = coverageOf(captures);
  const spans = windowsOver(coverage, windowSeconds);
  const truths = spans.map((w) => windowTruth(truth, w, coverage));
  return holdCandidates.map((holdSeconds) => {
    const withHold: CountingParams = { ...params, presence: { ...params.presence, holdSeconds } };
    const presence = windowFeatures(captures.sightings, spans, coverage, withHold);
    return {
      holdSeconds,
      rows: presence.flatMap((w, i) => {
        const t = truths[i];
        if (t === undefined) return [];
        return [{ wifi: w.wifi, ble: w.ble, truth: t, fold: foldOf(w.start), start: w.start }];
      }),
    };
  });
}

/** Where the rows came from, for the fitted file's provenance. */
export interface FitProvenance {
  recordings: string[];
  windowSeconds: number;
}

/**
 * Fits on candidates (of one or many recordings, concatenated per hold) and returns `base` with
 * the fitted values in it. Rows are weighted by recency here.
 */
export function fitFromCandidates(
  candidates: readonly FitCandidate[],
  base: CountingConfig,
  provenance: FitProvenance,
  options: FitOptions = {},
): FitOutcome {
  if ((candidates[0]?.rows.length ?? 0) === 0) {
    throw new RangeError(
      'no window of the captures has ground truth: check that the truth file covers them (t in Unix seconds, UTC)',
    );
  }
  const { recordings, windowSeconds } = provenance;
  const halfLife = options.halfLifeDays ?? DEFAULT_HALF_LIFE_DAYS;
  const reference = options.referenceTime ?? Math.max(...candidates[0]!.rows.map((r) => r.start));
  const weighted = candidates.map((c) => ({
    holdSeconds: c.holdSeconds,
    rows: c.rows.map((r) => ({ ...r, weight: recencyWeight(r.start, reference, halfLife) })),
  }));
  const levels = base.model?.levels ?? DEFAULT_MODEL.levels;
  const fit = fitPeopleModel(weighted, levels, options.intervalLevel ?? base.model?.interval.level ?? 0.9);
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
        belt: {
          edges: [...fit.model.interval.belt.edges],
          low: fit.model.interval.belt.low.map((x) => round(x)),
          high: fit.model.interval.belt.high.map((x) => round(x)),
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
      recordings,
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
