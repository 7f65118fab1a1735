/**
 * Cross-validation folds over the shared days: each day's window features are computed once per
 * candidate hold (grouping keeps no memory across days, so a day's features do not depend on
 * which others are in a run), and every fold fits on the training days' rows exactly as
 * `airtrace count --fit` does (fitFromCandidates), then predicts the test days' windows.
 */
import { fitCandidatesOf, fitFromCandidates, HOLD_CANDIDATES } from '../../src/app/batch/fitCounting.ts';
import { type CountingConfig, countingParamsOf } from '../../src/config/countingConfig.ts';
import type { PeopleModel } from '../../src/core/occupancy/countingParams.ts';
import { distinctAddresses, windowsOver } from '../../src/core/occupancy/countWindows.ts';
import type { FitCandidate, FitRow } from '../../src/core/occupancy/fitModel.ts';
import { modelEstimate, modelInterval } from '../../src/core/occupancy/peopleEstimate.ts';
import { capturesFor, dayCoverage, type Period, type SensorSet, type SharedDay } from './datasets.ts';

export const WINDOW_SECONDS = 600;
/** The room-empties check looks at minutes. */
export const MINUTE_SECONDS = 60;

export interface DayFeatures {
  day: SharedDay;
  set: SensorSet;
  /** Per candidate hold, the 10-minute windows with truth. */
  windows: FitCandidate[];
  /** Per candidate hold, the minutes with truth. */
  minutes: FitCandidate[];
  /** Distinct transmitter addresses per 10-minute window start (unique-MAC counting). */
  addresses: Map<number, number>;
}

export function dayFeatures(day: SharedDay, set: SensorSet, base: CountingConfig): DayFeatures {
  const captures = capturesFor(day, set);
  const params = countingParamsOf(base, captures.hashMac);
  const spans = windowsOver(dayCoverage(captures), WINDOW_SECONDS);
  const counts = distinctAddresses(captures.sightings, spans);
  return {
    day,
    set,
    windows: fitCandidatesOf(captures, day.truth, WINDOW_SECONDS, params, HOLD_CANDIDATES),
    minutes: fitCandidatesOf(captures, day.truth, MINUTE_SECONDS, params, HOLD_CANDIDATES),
    addresses: new Map(spans.map((s, i) => [s.start, counts[i]!])),
  };
}

/** One window's estimate next to its truth. */
export interface Predicted {
  period: Period;
  day: string;
  start: number;
  end: number;
  truth: number;
  estimate: number;
  low: number;
  high: number;
  /** Distinct addresses (10-minute windows only). */
  addresses?: number;
}

export interface FoldResult {
  holdSeconds: number;
  model: PeopleModel;
  windows: Predicted[];
  minutes: Predicted[];
}

function concat(days: readonly DayFeatures[], pick: (d: DayFeatures) => FitCandidate[]): FitCandidate[] {
  return HOLD_CANDIDATES.map((holdSeconds, h) => ({
    holdSeconds,
    rows: days.flatMap((d) => pick(d)[h]!.rows),
  }));
}

function predict(
  day: DayFeatures,
  rows: readonly FitRow[],
  model: PeopleModel,
  seconds: number,
): Predicted[] {
  return rows.map((r) => {
    const estimate = modelEstimate(r, model);
    const addresses = seconds === WINDOW_SECONDS ? day.addresses.get(r.start) : undefined;
    return {
      period: day.day.period,
      day: day.day.day,
      start: r.start,
      end: r.start + seconds,
      truth: r.truth,
      estimate,
      ...modelInterval(estimate, model),
      ...(addresses === undefined ? {} : { addresses }),
    };
  });
}

/**
 * Fits on `train` (recency measured from `referenceTime`) and predicts every window and minute
 * of `test`. Nothing of a test day reaches the fit.
 */
export function runFold(
  train: readonly DayFeatures[],
  test: readonly DayFeatures[],
  base: CountingConfig,
  referenceTime: number,
  halfLifeDays: number,
): FoldResult {
  const { fit } = fitFromCandidates(
    concat(train, (d) => d.windows),
    base,
    { recordings: train.map((d) => d.day.day), windowSeconds: WINDOW_SECONDS },
    { referenceTime, halfLifeDays },
  );
  const h = HOLD_CANDIDATES.indexOf(fit.holdSeconds);
  return {
    holdSeconds: fit.holdSeconds,
    model: fit.model,
    windows: test.flatMap((d) => predict(d, d.windows[h]!.rows, fit.model, WINDOW_SECONDS)),
    minutes: test.flatMap((d) => predict(d, d.minutes[h]!.rows, fit.model, MINUTE_SECONDS)),
  };
}

/** Leave-one-day-out over `days` (only the days `testIf` accepts are held out). */
export function leaveOneDayOut(
  days: readonly DayFeatures[],
  base: CountingConfig,
  halfLifeDays: number,
  onFold: (day: string) => void,
  testIf: (d: DayFeatures) => boolean = () => true,
): Map<string, FoldResult> {
  const results = new Map<string, FoldResult>();
  for (const test of days.filter(testIf)) {
    const train = days.filter((d) => d !== test);
    results.set(test.day.day, runFold(train, [test], base, test.day.time, halfLifeDays));
    onFold(test.day.day);
  }
  return results;
}

/** Fit on the periods `fitOn`, test on all others; recency measured from the newest training day. */
export function leavePeriodsOut(
  days: readonly DayFeatures[],
  fitOn: readonly Period[],
  base: CountingConfig,
  halfLifeDays: number,
): FoldResult {
  const train = days.filter((d) => fitOn.includes(d.day.period));
  const test = days.filter((d) => !fitOn.includes(d.day.period));
  return runFold(train, test, base, Math.max(...train.map((d) => d.day.time)), halfLifeDays);
}
