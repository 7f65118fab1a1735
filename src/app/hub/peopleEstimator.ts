import type { WindowSummary } from '../../core/model.ts';
import type { CountingParams } from '../../core/occupancy/countingParams.ts';
import { estimateWindows } from '../../core/occupancy/peopleEstimate.ts';
import { mergeSpans, type Span } from '../../core/occupancy/presence.ts';
import { sightingsFromSummaries } from '../../core/occupancy/sighting.ts';
import type { WindowPeople } from '../../adapters/storage/store.ts';

/** A window's people estimate, as stored and served. */
export type EstimateRow = WindowPeople;

/**
 * The hub's people estimates: the same grouping and model as `airtrace count`, over the
 * sensor windows of the recent past kept in memory. Each new window re-estimates the windows
 * still within the hold time, because a device heard again confirms it stayed in between.
 */
export class PeopleEstimator {
  private readonly recent = new Map<string, WindowSummary>();
  private latestStart = -Infinity;
  /** Something arrived since the last `update`. */
  private changed = false;

  constructor(
    private readonly params: CountingParams,
    private readonly windowSeconds: number,
  ) {}

  /** Seconds of history the estimate of one window looks back over, and ahead of it. */
  get horizonSeconds(): number {
    return this.params.presence.holdSeconds + this.params.grouping.linkGapSeconds + this.windowSeconds;
  }

  /** Start of the newest window accepted so far. */
  get latestWindowStart(): number {
    return this.latestStart;
  }

  get dirty(): boolean {
    return this.changed;
  }

  accept(summary: WindowSummary): void {
    this.changed = true;
    this.recent.set(`${summary.sensorId}\u0000${summary.windowStart}`, summary);
    this.latestStart = Math.max(this.latestStart, summary.windowStart);
    const keepFrom = this.latestStart - this.horizonSeconds - this.params.presence.holdSeconds;
    for (const [key, s] of this.recent) if (s.windowStart < keepFrom) this.recent.delete(key);
  }

  /** Estimates of every window that later data may still change, oldest first. */
  update(): EstimateRow[] {
    this.changed = false;
    if (this.recent.size === 0) return [];
    const summaries = [...this.recent.values()];
    const hold = this.params.presence.holdSeconds;
    const starts = [...new Set(summaries.map((s) => s.windowStart))]
      .filter((start) => start >= this.latestStart - hold - this.windowSeconds)
      .sort((a, b) => a - b);
    const spans: Span[] = starts.map((start) => ({ start, end: start + this.windowSeconds }));
    const coverage = mergeSpans(summaries.map((s) => ({ start: s.windowStart, end: s.windowEnd })));
    const estimates = estimateWindows(sightingsFromSummaries(summaries), spans, coverage, this.params);
    return estimates.map((e) => ({
      windowStart: e.start,
      windowEnd: e.end,
      devices: e.devices,
      randomizedDevices: e.randomizedDevices,
      estimate: e.estimate,
      low: e.low,
      high: e.high,
      final: this.latestStart - e.end >= hold,
    }));
  }
}
