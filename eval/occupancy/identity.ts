/**
 * Bounded memory on the shared days: each day counted alone and after the day before it in the
 * same run (the 2023-02-21 read 10.1 alone and 14.5 after 2023-02-07). Days more than the
 * grouping's memory apart must give identical estimates; contiguous days (the month's captures
 * run from midnight to midnight) may differ only while devices heard before midnight are around.
 */
import { coverageOf } from '../../src/app/batch/count.ts';
import { type CountingConfig, countingParamsOf } from '../../src/config/countingConfig.ts';
import { windowsOver } from '../../src/core/occupancy/countWindows.ts';
import { estimateWindows } from '../../src/core/occupancy/peopleEstimate.ts';
import { sortSightings } from '../../src/core/occupancy/sighting.ts';
import type { SharedDay } from './datasets.ts';
import { WINDOW_SECONDS } from './folds.ts';

export interface IdentityCheck {
  /** Pairs of days more than the memory apart, and how many gave identical estimates. */
  separated: number;
  identical: number;
  /** Contiguous pairs: windows compared, and those that differ in the first hours. */
  contiguous: number;
  differingWindows: number;
  comparedWindows: number;
  /** Latest a differing window starts after its day's first frame, hours. */
  latestDifferenceHours: number;
}

export function identityCheck(days: readonly SharedDay[], base: CountingConfig): IdentityCheck {
  const sorted = [...days].sort((a, b) => a.time - b.time);
  const result: IdentityCheck = {
    separated: 0,
    identical: 0,
    contiguous: 0,
    differingWindows: 0,
    comparedWindows: 0,
    latestDifferenceHours: 0,
  };
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1]!;
    const day = sorted[i]!;
    const params = countingParamsOf(base, day.captures.hashMac);
    const coverage = coverageOf(day.captures);
    const spans = windowsOver(coverage, WINDOW_SECONDS);
    const alone = estimateWindows(day.captures.sightings, spans, coverage, params);
    const batch = estimateWindows(
      sortSightings([...before.captures.sightings, ...day.captures.sightings]),
      spans,
      [...coverageOf(before.captures), ...coverage],
      params,
    );
    const differ = alone.flatMap((w, j) => (w.estimate === batch[j]!.estimate ? [] : [w.start]));
    const gap = day.time - Math.max(...before.captures.recordings.map((r) => r.span.end));
    if (gap > params.grouping.memorySeconds) {
      result.separated++;
      if (differ.length === 0) result.identical++;
    } else {
      result.contiguous++;
      result.comparedWindows += spans.length;
      result.differingWindows += differ.length;
      for (const start of differ) {
        result.latestDifferenceHours = Math.max(result.latestDifferenceHours, (start - day.time) / 3600);
      }
    }
  }
  return result;
}
