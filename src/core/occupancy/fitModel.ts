/**
 * Fitting the people model on windows with ground truth (what `airtrace count --fit` does).
 *
 * 1. For each candidate `holdSeconds`, the weights are fitted as a count model (non-negative
 *    Poisson regression, identity link: people in a window are Poisson around the weighted
 *    devices) and judged by their cross-validated mean absolute error over the recordings (each
 *    recording is left out once; with fewer than three, contiguous quarters of the time are).
 *    The best hold wins.
 * 2. The weights are refitted on everything with that hold.
 * 3. The interval comes from the cross-validated residuals (a belt per level of the true count:
 *    intervals.ts). Cross-validated residuals are those of windows the weights did not see, so
 *    the interval reflects the error on new recordings, not the training fit.
 * 4. The headcount prior (headcounts.ts) comes from the same cross-validated windows.
 * Rows carry a weight: recent recordings count more (devices per person drifts with the years:
 * phones randomize more, fewer laptops keep a fixed address), in the fit, the choice of the hold,
 * the intervals and the prior alike.
 * Nothing here ever sees windows outside the rows it is given.
 */

import type { HeadcountPrior, IntervalBelt, PeopleModel } from './countingParams.ts';
import { fitHeadcountPrior } from './headcounts.ts';
import { beltInterval, fitBelt } from './intervals.ts';
import { nonNegativePoisson, predict } from './nonNegativeFit.ts';
import { type Score, scoreEstimates } from './scores.ts';

export interface FitRow {
  /** Time-weighted devices per level (as `WindowPresence`). */
  wifi: readonly number[];
  ble: readonly number[];
  truth: number;
  /** The recording the window came from: cross-validation leaves recordings out. */
  fold: string;
  /** Window start, Unix seconds (the headcount prior groups windows into sessions by it). */
  start: number;
  /** How much the window counts in the fit (recency); 1 when absent. */
  weight?: number;
}

export interface FitCandidate {
  holdSeconds: number;
  /** Windows in time order. */
  rows: readonly FitRow[];
}

export interface FitResult {
  holdSeconds: number;
  model: PeopleModel & {
    headcountPrior: HeadcountPrior;
    interval: PeopleModel['interval'] & { belt: IntervalBelt };
  };
  /** The level at which a device reaches half the weight of a close one: what counts as present. */
  presenceRssi: number | undefined;
  /** Cross-validated score of the chosen hold (with the conformal interval). */
  cv: Score;
  candidates: { holdSeconds: number; cvMae: number }[];
  folds: number;
}

const MIN_FOLDS = 3;
const TIME_BLOCKS = 4;
/**
 * More recordings than this are dealt into this many folds (the k-th recording in time order
 * into fold k mod MAX_FOLDS): ten fits estimate the error about as well as fifty, in a fifth of
 * the time, and each fold still spans the whole period.
 */
const MAX_FOLDS = 10;

function featureRow(r: FitRow): number[] {
  return [...r.wifi, ...r.ble];
}

/** Fold label per row: the recordings, or contiguous time blocks when there are too few. */
function foldsOf(rows: readonly FitRow[]): string[] {
  const labels = rows.map((r) => r.fold);
  const distinct = [...new Set(labels)];
  if (distinct.length > MAX_FOLDS) {
    const firstStart = new Map<string, number>();
    for (const r of rows) firstStart.set(r.fold, Math.min(firstStart.get(r.fold) ?? Infinity, r.start));
    const rank = new Map(
      distinct
        .sort((a, b) => firstStart.get(a)! - firstStart.get(b)!)
        .map((label, i) => [label, i % MAX_FOLDS]),
    );
    return labels.map((label) => `fold-${rank.get(label)}`);
  }
  if (distinct.length >= MIN_FOLDS) return labels;
  return rows.map((_, i) => `block-${Math.floor((i * TIME_BLOCKS) / rows.length)}`);
}

const weightOf = (r: FitRow) => r.weight ?? 1;

function fitWeights(rows: readonly FitRow[]): number[] {
  return nonNegativePoisson(
    rows.map(featureRow),
    rows.map((r) => r.truth),
    rows.map(weightOf),
  );
}

/** Out-of-fold predictions, in row order. */
function crossValidate(rows: readonly FitRow[]): number[] {
  const folds = foldsOf(rows);
  const predictions = new Array<number>(rows.length).fill(0);
  for (const fold of new Set(folds)) {
    const train = rows.filter((_, i) => folds[i] !== fold);
    const b = train.length > 0 ? fitWeights(train) : [];
    rows.forEach((r, i) => {
      if (folds[i] === fold) predictions[i] = Math.max(0, predict(b, featureRow(r)));
    });
  }
  return predictions;
}

/** The k-th smallest (1-based, clamped) of sorted values. */
function orderStatistic(sorted: readonly number[], k: number): number {
  return sorted[Math.min(sorted.length, Math.max(1, k)) - 1]!;
}

/**
 * Split-conformal quantiles of residuals scaled by sqrt(estimate + 1): one pair for every level,
 * kept in the fitted file for tools that read the older form.
 */
export function conformalInterval(
  predictions: readonly number[],
  truths: readonly number[],
  level: number,
): { low: number; high: number } {
  const scores = predictions.map((p, i) => (truths[i]! - p) / Math.sqrt(p + 1)).sort((a, b) => a - b);
  const n = scores.length;
  if (n === 0) return { low: 0, high: 0 };
  const alpha = 1 - level;
  return {
    low: Math.min(0, orderStatistic(scores, Math.floor(((n + 1) * alpha) / 2))),
    high: Math.max(0, orderStatistic(scores, Math.ceil((n + 1) * (1 - alpha / 2)))),
  };
}

/** The weakest level at which a device carries at least half the weight of the strongest. */
export function presenceLevel(levels: readonly number[], weights: readonly number[]): number | undefined {
  const total = weights.reduce((s, w) => s + w, 0);
  if (!(total > 0)) return undefined;
  let cumulative = 0;
  for (let k = levels.length - 1; k >= 0; k--) {
    cumulative += weights[k] ?? 0;
    if (cumulative >= total / 2) return levels[k];
  }
  return levels[0];
}

export function fitPeopleModel(
  candidates: readonly FitCandidate[],
  levels: readonly number[],
  intervalLevel = 0.9,
): FitResult {
  if (candidates.length === 0) throw new RangeError('fitPeopleModel needs at least one candidate');
  let best: { candidate: FitCandidate; predictions: number[]; mae: number } | undefined;
  const tried: FitResult['candidates'] = [];
  for (const candidate of candidates) {
    if (candidate.rows.length === 0) throw new RangeError('no windows with ground truth to fit on');
    const predictions = crossValidate(candidate.rows);
    const rows = candidate.rows;
    const total = rows.reduce((s, r) => s + weightOf(r), 0);
    const mae =
      predictions.reduce((s, p, i) => s + weightOf(rows[i]!) * Math.abs(p - rows[i]!.truth), 0) / total;
    tried.push({ holdSeconds: candidate.holdSeconds, cvMae: mae });
    if (best === undefined || mae < best.mae) best = { candidate, predictions, mae };
  }
  const { candidate, predictions } = best!;
  const rows = candidate.rows;
  const truths = rows.map((r) => r.truth);
  const weights = rows.map(weightOf);
  const b = fitWeights(rows);
  const p = levels.length;
  const interval = {
    level: intervalLevel,
    ...conformalInterval(predictions, truths, intervalLevel),
    belt: fitBelt(predictions, truths, intervalLevel, weights),
  };
  const headcountPrior = fitHeadcountPrior(
    rows.map((r, i) => ({
      fold: r.fold,
      start: r.start,
      estimate: predictions[i]!,
      truth: r.truth,
      weight: weights[i]!,
    })),
  );
  const model = {
    levels: [...levels],
    weights: { wifi: b.slice(0, p), ble: b.slice(p, 2 * p) },
    interval,
    headcountPrior,
  };
  const cv = scoreEstimates(
    predictions.map((estimate, i) => ({
      estimate,
      ...beltInterval(estimate, interval.belt),
      truth: truths[i]!,
    })),
  );
  const wifiLevel = presenceLevel(levels, model.weights.wifi);
  return {
    holdSeconds: candidate.holdSeconds,
    model,
    presenceRssi: wifiLevel ?? presenceLevel(levels, model.weights.ble),
    cv,
    candidates: tried,
    folds: new Set(foldsOf(candidate.rows)).size,
  };
}
