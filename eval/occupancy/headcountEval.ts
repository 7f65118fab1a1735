/**
 * Headcount calibration on held-out days: for each day that is busy enough, k people counts are
 * taken at random occupied times (seeded), the day's leave-one-day-out estimates are calibrated
 * with them (core calibrateWithHeadcounts, the fold model's own prior), and the error is measured
 * on the rest of that day: the occupied windows that hold no headcount.
 */
import { calibrateWithHeadcounts, type Headcount } from '../../src/core/occupancy/headcounts.ts';
import type { TruthRow } from '../../src/core/occupancy/truthSeries.ts';
import type { FoldResult, Predicted } from './folds.ts';
import { occupiedScore, type OccupiedScore } from './metrics.ts';
import type { SharedDay } from './datasets.ts';

export const HEADCOUNT_KS: readonly number[] = [1, 3, 5];
export const DRAWS_PER_DAY = 20;
/** A day needs this many occupied windows to hold out k counts and keep most of it to score. */
const MIN_OCCUPIED = 6;

/** A small deterministic generator: the same draws on every run. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The true count at an instant: the last row at or before t. */
export function truthAt(rows: readonly TruthRow[], t: number): number | undefined {
  let found: number | undefined;
  for (const r of rows) {
    if (r.t > t) break;
    found = r.count;
  }
  return found;
}

export interface HeadcountTrial {
  k: number;
  /** The rest of the held-out days, without and with the counts (the same windows). */
  before: OccupiedScore;
  after: OccupiedScore;
  days: number;
  draws: number;
}

export interface ExampleDay {
  day: string;
  counts: Headcount[];
  windows: Predicted[];
}

export function headcountTrials(
  folds: ReadonlyMap<string, FoldResult>,
  days: readonly SharedDay[],
  seed = 20240314,
): { trials: HeadcountTrial[]; example: ExampleDay | undefined } {
  const random = seeded(seed);
  const trials: HeadcountTrial[] = [];
  let example: ExampleDay | undefined;
  for (const k of HEADCOUNT_KS) {
    const before: Predicted[] = [];
    const after: Predicted[] = [];
    let usedDays = 0;
    for (const day of days) {
      const fold = folds.get(day.day);
      if (fold === undefined) continue;
      const windows = fold.windows.filter((w) => w.day === day.day).sort((a, b) => a.start - b.start);
      const occupied = windows.filter((w) => w.truth >= 1);
      if (occupied.length < Math.max(MIN_OCCUPIED, 2 * k)) continue;
      usedDays++;
      for (let draw = 0; draw < DRAWS_PER_DAY; draw++) {
        const chosen = new Set<Predicted>();
        while (chosen.size < k) chosen.add(occupied[Math.floor(random() * occupied.length)]!);
        const counts: Headcount[] = [...chosen].map((w) => {
          const t = w.start + random() * (w.end - w.start);
          return { t, count: truthAt(day.truth, t) ?? w.truth };
        });
        const calibrated = calibrateWithHeadcounts(
          windows,
          counts,
          fold.model.headcountPrior!,
          fold.model.interval.level,
        ).windows;
        const rest = (w: Predicted) => w.truth >= 1 && !chosen.has(w);
        windows.forEach((w, i) => {
          if (!rest(w)) return;
          before.push(w);
          after.push(calibrated[i]!);
        });
        if (k === 3 && draw === 0 && (example === undefined || day.period === '2024')) {
          example = { day: day.day, counts, windows: calibrated };
        }
      }
    }
    trials.push({
      k,
      before: occupiedScore(before),
      after: occupiedScore(after),
      days: usedDays,
      draws: DRAWS_PER_DAY,
    });
  }
  return { trials, example };
}
