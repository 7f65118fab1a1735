/**
 * The windows a count reports on, and the naive figure it is compared with.
 */

import { windowStartOf } from '../window/windowBounds.ts';
import { mergeSpans, type Span } from './presence.ts';
import type { Sighting } from './sighting.ts';

/** More windows than this is a mistake in the window length, not a report anyone reads. */
export const MAX_WINDOWS = 1_000_000;

/**
 * A capture in which no frame arrives for longer than this was not recording (the sensor was off
 * or moved): the silence is a break in the data, not an empty room, and gets no windows.
 */
export const DATA_BREAK_SECONDS = 3600;

/** Adds a frame's time to a capture's runs of data (frames in time order, mostly). */
export function addToRuns(runs: Span[], t: number, breakSeconds = DATA_BREAK_SECONDS): void {
  const last = runs.at(-1);
  if (last !== undefined && t >= last.start - breakSeconds && t - last.end <= breakSeconds) {
    if (t > last.end) last.end = t;
    if (t < last.start) last.start = t;
    return;
  }
  runs.push({ start: t, end: t });
}

/**
 * Clock-aligned windows of `windowSeconds` that overlap data: a window between two recordings
 * (the night between two capture days) has no data and so no estimate.
 */
export function windowsOver(coverage: readonly Span[], windowSeconds: number): Span[] {
  if (!(windowSeconds > 0)) throw new RangeError('windowSeconds must be positive');
  const merged = mergeSpans(coverage);
  const count = merged.reduce((n, c) => n + Math.ceil((c.end - c.start) / windowSeconds) + 1, 0);
  if (count > MAX_WINDOWS) {
    throw new RangeError(
      `${windowSeconds} s windows over this data would be ${count} windows: choose longer windows`,
    );
  }
  const starts = new Set<number>();
  for (const c of merged) {
    const last = Math.max(c.start, c.end - 1e-9);
    for (let s = windowStartOf(c.start, windowSeconds); s <= last; s += windowSeconds) starts.add(s);
  }
  return [...starts].sort((a, b) => a - b).map((start) => ({ start, end: start + windowSeconds }));
}

/**
 * Naive unique-MAC counting: distinct addresses heard in each window (by first frame of the
 * sighting), with no grouping and no filtering; what most open tools display as "people".
 */
export function distinctAddresses(sightings: readonly Sighting[], windows: readonly Span[]): number[] {
  const sets = windows.map(() => new Set<string>());
  for (const s of sightings) {
    let lo = 0;
    let hi = windows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (windows[mid]!.end <= s.firstSeen) lo = mid + 1;
      else hi = mid;
    }
    if (lo < windows.length && windows[lo]!.start <= s.firstSeen) sets[lo]!.add(s.deviceId);
  }
  return sets.map((s) => s.size);
}
