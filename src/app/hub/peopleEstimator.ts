import type { WindowSummary } from '../../core/model.ts';
import type { CountingParams } from '../../core/occupancy/countingParams.ts';
import { groupDevices } from '../../core/occupancy/deviceGrouping.ts';
import { BLOCK_SECONDS, estimateWindows, lookbackSeconds } from '../../core/occupancy/peopleEstimate.ts';
import type { Span } from '../../core/occupancy/presence.ts';
import { windowStartOf } from '../../core/window/windowBounds.ts';
import type { WindowPeople } from '../../adapters/storage/store.ts';
import { SightingHistory } from './sightingHistory.ts';

/** A window's people estimate, as stored and served. */
export type EstimateRow = WindowPeople;

/**
 * The hub's people estimates: the same grouping and model as `airtrace count`, over the sensor
 * windows of the recent past kept in memory. Each new window re-estimates the windows still
 * within the hold time, because a device heard again confirms it stayed in between.
 *
 * `airtrace count` estimates a three-hour block of the clock at a time from the sightings of
 * `lookbackSeconds` (6 h) before the block's first window on (see `windowFeatures`), so a
 * window's figure depends on when its block began. The estimator keeps exactly that much: the
 * sightings from the look-back of the block of the oldest window it may still revise. That is up
 * to 3 h + 6 h + the hold, about 9.7 h of windows, and its final estimates equal count's on the
 * same windows (but for the first and last window of a run of data, whose covered seconds start
 * and end with a window here and with a frame there; and for fixed equipment that count sees
 * staying on for `stationarySeconds` after the window, which a live hub cannot know yet).
 */
export class PeopleEstimator {
  private readonly history: SightingHistory;
  private latestStart = -Infinity;
  /** Something arrived since the last `update`. */
  private changed = false;

  constructor(
    private readonly params: CountingParams,
    private readonly windowSeconds: number,
  ) {
    this.history = new SightingHistory(windowSeconds);
  }

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

  /** Sightings held in memory (one per device, sensor and window). */
  get sightingsHeld(): number {
    return this.history.size;
  }

  accept(summary: WindowSummary): void {
    this.changed = true;
    this.history.add(summary);
    if (summary.windowStart <= this.latestStart) return;
    this.latestStart = summary.windowStart;
    const coverage = this.history.coverage();
    const oldest = this.blockFirstWindow(this.firstRevised(), coverage);
    this.history.dropBefore(oldest - lookbackSeconds(this.params) - this.windowSeconds);
  }

  /** Estimates of every window that later data may still change, oldest first. */
  update(): EstimateRow[] {
    this.changed = false;
    const first = this.firstRevised();
    const starts = this.history.startsFrom(first);
    if (starts.length === 0) return [];
    const coverage = this.history.coverage();
    // Each block's first window (as count finds it) decides where its slice of data begins, so
    // it is estimated too, whether or not a sensor window of it is still revisable.
    const spanStarts = new Set(starts);
    for (const block of new Set(starts.map((s) => Math.floor(s / BLOCK_SECONDS))))
      spanStarts.add(this.blockFirstWindow(block * BLOCK_SECONDS, coverage));
    const spans: Span[] = [...spanStarts]
      .sort((a, b) => a - b)
      .map((start) => ({ start, end: start + this.windowSeconds }));
    const sightings = this.history.sightingsFrom(
      spans[0]!.start - lookbackSeconds(this.params) - this.windowSeconds,
    );
    const hold = this.params.presence.holdSeconds;
    const wanted = new Set(starts);
    return estimateWindows(sightings, spans, coverage, this.params)
      .filter((e) => wanted.has(e.start))
      .map((e) => ({
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

  /**
   * The device (group of rotating addresses, as counting groups them) of every address heard in
   * the last `seconds`: address id -> group number. Numbers are only comparable within one call.
   */
  recentDeviceGroups(seconds: number): Map<string, number> {
    const sightings = this.history.sightingsFrom(this.latestStart - seconds);
    const groups = groupDevices(sightings, this.params.grouping, this.params.ignoreDeviceIds);
    const groupOf = new Map<string, number>();
    for (const g of groups) for (const id of g.members) groupOf.set(id, g.id);
    return groupOf;
  }

  /** The oldest window a new window may still revise. */
  private firstRevised(): number {
    return this.latestStart - this.params.presence.holdSeconds - this.windowSeconds;
  }

  /**
   * The first window of the clock block holding `t` that `airtrace count` would estimate: the
   * block's start when data runs across it, else the first window of data in the block.
   */
  private blockFirstWindow(t: number, coverage: readonly Span[]): number {
    const blockStart = Math.floor(t / BLOCK_SECONDS) * BLOCK_SECONDS;
    const run = coverage.find((c) => c.end > blockStart);
    if (run === undefined) return windowStartOf(t, this.windowSeconds);
    return windowStartOf(Math.max(run.start, blockStart), this.windowSeconds);
  }
}
