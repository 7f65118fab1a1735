/**
 * The occupancy figures: occupied windows (truth >= 1) and empty ones apart, because a room that
 * is empty two thirds of the time makes any all-window average look good; coverage of the 90%
 * interval per occupancy level; and how fast a room that empties reads empty.
 */
import type { Predicted } from './folds.ts';

export interface OccupiedScore {
  windows: number;
  mae: number;
  bias: number;
  /** Share of windows whose truth lies in the interval. */
  coverage: number;
  /** Unique-MAC counting's MAE on the same windows, when addresses are known. */
  naiveMae?: number;
}

export interface EmptyScore {
  windows: number;
  meanEstimate: number;
  /** Share of empty windows whose estimate is at most 1. */
  atMostOne: number;
}

export interface LevelCoverage {
  label: string;
  windows: number;
  coverage: number;
  bias: number;
}

export interface Summary {
  occupied: OccupiedScore;
  empty: EmptyScore;
  levels: LevelCoverage[];
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length);
const inside = (w: Predicted) => w.truth >= w.low - 1e-9 && w.truth <= w.high + 1e-9;

/** Occupancy levels by true count (window mean). */
export const LEVELS: readonly { label: string; from: number; to: number }[] = [
  { label: '0', from: 0, to: 0.5 },
  { label: '1-5', from: 0.5, to: 5.5 },
  { label: '6-10', from: 5.5, to: 10.5 },
  { label: '11-15', from: 10.5, to: 15.5 },
  { label: '16+', from: 15.5, to: Infinity },
];

export function occupiedScore(windows: readonly Predicted[]): OccupiedScore {
  const occupied = windows.filter((w) => w.truth >= 1);
  const withAddresses = occupied.filter((w) => w.addresses !== undefined);
  return {
    windows: occupied.length,
    mae: mean(occupied.map((w) => Math.abs(w.estimate - w.truth))),
    bias: mean(occupied.map((w) => w.estimate - w.truth)),
    coverage: mean(occupied.map((w) => (inside(w) ? 1 : 0))),
    ...(withAddresses.length === 0
      ? {}
      : { naiveMae: mean(withAddresses.map((w) => Math.abs(w.addresses! - w.truth))) }),
  };
}

export function summarize(windows: readonly Predicted[]): Summary {
  const empty = windows.filter((w) => w.truth < 1);
  return {
    occupied: occupiedScore(windows),
    empty: {
      windows: empty.length,
      meanEstimate: mean(empty.map((w) => w.estimate)),
      atMostOne: mean(empty.map((w) => (w.estimate <= 1 ? 1 : 0))),
    },
    levels: LEVELS.map((level) => {
      const at = windows.filter((w) => w.truth >= level.from && w.truth < level.to);
      return {
        label: level.label,
        windows: at.length,
        coverage: mean(at.map((w) => (inside(w) ? 1 : 0))),
        bias: mean(at.map((w) => w.estimate - w.truth)),
      };
    }),
  };
}

export interface EmptiedScore {
  /** Minutes 10 to 60 minutes after a room emptied, while it stayed empty. */
  minutes: number;
  /** Share of those that read at most 1 person. */
  atMostOne: number;
  meanEstimate: number;
  worst: number;
  /** How many times a room emptied (for 10 minutes or more) in the data. */
  emptyings: number;
}

/**
 * Minutes from 10 to 60 minutes after a room emptied (the last minute with someone in it), for
 * as long as it stays empty: the "a room that empties reads <= 1 within 10 minutes".
 */
export function emptiedScore(minutes: readonly Predicted[], after = 600, until = 3600): EmptiedScore {
  const byDay = new Map<string, Predicted[]>();
  for (const m of minutes) byDay.set(m.day, [...(byDay.get(m.day) ?? []), m]);
  const picked: Predicted[] = [];
  let emptyings = 0;
  for (const list of byDay.values()) {
    list.sort((a, b) => a.start - b.start);
    let lastOccupiedEnd: number | undefined;
    let counted = false;
    for (const m of list) {
      if (m.truth > 0) {
        lastOccupiedEnd = m.end;
        counted = false;
        continue;
      }
      if (lastOccupiedEnd === undefined) continue;
      const since = m.start - lastOccupiedEnd;
      if (since >= after && since < until) {
        picked.push(m);
        if (!counted) emptyings++;
        counted = true;
      }
    }
  }
  return {
    minutes: picked.length,
    atMostOne: mean(picked.map((m) => (m.estimate <= 1 ? 1 : 0))),
    meanEstimate: mean(picked.map((m) => m.estimate)),
    worst: Math.max(0, ...picked.map((m) => m.estimate)),
    emptyings,
  };
}
