import type { WindowSummary } from '../../core/model.ts';

export interface WindowRules {
  /** Length of counting windows, seconds. */
  windowSeconds: number;
  /** Length of positioning windows; undefined when the hub does not locate. */
  positioningWindowSeconds: number | undefined;
  /** Wall clock now, Unix seconds. */
  now: number;
  /** How far ahead of the hub's clock a window may start (sensor clocks drift). */
  futureSkewSeconds: number;
  /** Windows starting before this are refused; undefined takes any age (a replay of old recordings). */
  oldestStart: number | undefined;
}

/** A device's frames may straggle this far outside its window. */
const DEVICE_TIME_SLACK_SECONDS = 10;

/**
 * Why the hub refuses a window, or undefined when it takes it: a window must have the site's
 * length, start on its boundary, lie neither in the future (a sensor with a wrong clock would
 * otherwise become "the latest window" for a year) nor before what the hub keeps, and its
 * devices' times must lie in it (one wild timestamp would break every export and chart after).
 */
export function windowProblem(summary: WindowSummary, rules: WindowRules): string | undefined {
  const length = summary.purpose === 'positioning' ? rules.positioningWindowSeconds : rules.windowSeconds;
  if (length === undefined) return undefined; // positioning windows without a site are ignored anyway
  const duration = summary.windowEnd - summary.windowStart;
  if (Math.abs(duration - length) > 1e-6) return `window length ${duration} s, not ${length} s`;
  const offset = summary.windowStart / length - Math.round(summary.windowStart / length);
  if (Math.abs(offset) > 1e-6) return `window start not on a ${length} s boundary`;
  if (summary.windowStart > rules.now + rules.futureSkewSeconds)
    return 'window in the future (check the sensor clock)';
  if (rules.oldestStart !== undefined && summary.windowStart < rules.oldestStart)
    return 'window older than the hub takes (check the sensor clock)';
  const from = summary.windowStart - DEVICE_TIME_SLACK_SECONDS;
  const to = summary.windowEnd + DEVICE_TIME_SLACK_SECONDS;
  for (const d of summary.devices) {
    if (!(d.firstSeen >= from && d.lastSeen <= to && d.firstSeen <= d.lastSeen))
      return "a device's times lie outside its window";
  }
  return undefined;
}
