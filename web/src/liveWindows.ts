import type { ApiWindow } from './api.ts';

/** The live chart keeps the last hour before the newest window. */
export const LIVE_SPAN_SECONDS = 3600;

/**
 * A window as it came over the stream. A model estimate is not replaced by a plain devices /
 * ratio one for the same window: the model's revision comes as a `people` event.
 */
function newer(old: ApiWindow | undefined, w: ApiWindow): ApiWindow {
  if (old === undefined || old.estimateMethod !== 'model' || w.estimateMethod === 'model') return w;
  const { estimate, low, high, estimateMethod, final } = old;
  return { ...w, estimate, low, high, estimateMethod, final };
}

/** Adds or replaces a window and keeps the last hour before the newest one, in order. */
export function mergeLive(windows: ApiWindow[], w: ApiWindow): ApiWindow[] {
  const merged = windows.filter((x) => x.windowStart !== w.windowStart);
  merged.push(
    newer(
      windows.find((x) => x.windowStart === w.windowStart),
      w,
    ),
  );
  merged.sort((a, b) => a.windowStart - b.windowStart);
  const end = merged[merged.length - 1]!.windowEnd;
  return merged.filter((x) => x.windowStart >= end - LIVE_SPAN_SECONDS);
}

/** Revised estimates of windows already shown (a range in the past gains no new windows). */
export function replaceWindows(windows: ApiWindow[], revised: ApiWindow[]): ApiWindow[] {
  const byStart = new Map(revised.map((w) => [w.windowStart, w]));
  return windows.map((w) => byStart.get(w.windowStart) ?? w);
}
