import type { Point2 } from './geometry.ts';

/**
 * Ground truth: where the device really was, as a CSV with a header `t,x,y` (t in Unix seconds,
 * x and y in metres). A fix is compared with the truth interpolated at the fix's time, but never
 * across a gap: two tracks recorded an hour apart are not joined by a straight line. Two rows at
 * the same place are the exception: the device stood there in between, however far apart the
 * rows are, so a static recording is just its start and end rows.
 */

export interface TruthPoint {
  t: number;
  x: number;
  y: number;
}

export interface TruthParse {
  points: TruthPoint[];
  /** Data lines that were not three finite numbers, by line number (1-based). */
  skipped: number[];
}

/** A CSV field as a number; blank is not zero. */
function toNumber(field: string | undefined): number {
  return field === undefined || field.trim() === '' ? NaN : Number(field);
}

/** Parses the truth CSV; columns are found by header name, extra columns are ignored. */
export function parseTruthCsv(text: string): TruthParse {
  const lines = text.split(/\r?\n/);
  let cols = { t: 0, x: 1, y: 2 };
  let start = 0;
  const first =
    lines[0]
      ?.trim()
      .toLowerCase()
      .split(',')
      .map((s) => s.trim()) ?? [];
  if (first.includes('t') && first.includes('x') && first.includes('y')) {
    cols = { t: first.indexOf('t'), x: first.indexOf('x'), y: first.indexOf('y') };
    start = 1;
  }
  const points: TruthPoint[] = [];
  const skipped: number[] = [];
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split(',');
    const p = { t: toNumber(f[cols.t]), x: toNumber(f[cols.x]), y: toNumber(f[cols.y]) };
    if ([p.t, p.x, p.y].every(Number.isFinite)) points.push(p);
    else skipped.push(i + 1);
  }
  points.sort((a, b) => a.t - b.t);
  return { points, skipped };
}

export function formatTruthCsv(points: readonly TruthPoint[]): string {
  return `t,x,y\n${points.map((p) => `${p.t},${p.x},${p.y}`).join('\n')}\n`;
}

export interface TruthLookupOptions {
  /** Largest gap between two truth points at different places to interpolate across, seconds (default 2). */
  maxGapSeconds?: number;
  /** How far before the first or after the last point a time may lie, seconds (default 0.5). */
  edgeSeconds?: number;
}

/** Rows this close (metres) are the same place: the device stood still between them. */
export const STILL_TOLERANCE = 0.01;

/** True when the truth may be interpolated from a to b: close in time, or the same place (standing still). */
export function joinable(a: TruthPoint, b: TruthPoint, maxGapSeconds: number): boolean {
  return b.t - a.t <= maxGapSeconds || Math.hypot(b.x - a.x, b.y - a.y) <= STILL_TOLERANCE;
}

/** A function that gives the true position at a time, or undefined where the truth says nothing. */
export function truthLookup(
  sortedPoints: readonly TruthPoint[],
  options: TruthLookupOptions = {},
): (t: number) => Point2 | undefined {
  const maxGap = options.maxGapSeconds ?? 2;
  const edge = options.edgeSeconds ?? 0.5;
  const pts = sortedPoints;
  return (t) => {
    if (pts.length === 0) return undefined;
    let lo = 0;
    let hi = pts.length - 1;
    if (t <= pts[0]!.t) return pts[0]!.t - t <= edge ? { x: pts[0]!.x, y: pts[0]!.y } : undefined;
    if (t >= pts[hi]!.t) return t - pts[hi]!.t <= edge ? { x: pts[hi]!.x, y: pts[hi]!.y } : undefined;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (pts[mid]!.t <= t) lo = mid;
      else hi = mid;
    }
    const a = pts[lo]!;
    const b = pts[hi]!;
    if (!joinable(a, b, maxGap)) return undefined;
    const f = b.t === a.t ? 0 : (t - a.t) / (b.t - a.t);
    return { x: a.x + f * (b.x - a.x), y: a.y + f * (b.y - a.y) };
  };
}

/**
 * The truth at a time, where one CSV may hold several recordings: the points are split where
 * they pause longer than the interpolation limit (unless the device stood still in between,
 * see `joinable`), and each recording keeps the tolerance at its ends that it would have in a
 * file of its own.
 */
export function recordingsTruthLookup(
  sortedPoints: readonly TruthPoint[],
  options: TruthLookupOptions = {},
): (t: number) => Point2 | undefined {
  const maxGap = options.maxGapSeconds ?? 2;
  const segments: { start: number; at: (t: number) => Point2 | undefined }[] = [];
  let from = 0;
  for (let i = 1; i <= sortedPoints.length; i++) {
    if (i < sortedPoints.length && joinable(sortedPoints[i - 1]!, sortedPoints[i]!, maxGap)) continue;
    const segment = sortedPoints.slice(from, i);
    segments.push({ start: segment[0]!.t, at: truthLookup(segment, options) });
    from = i;
  }
  return (t) => {
    // The last recording that starts at or before t, else the first one (t may lie just before it).
    let lo = -1;
    let hi = segments.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (segments[mid]!.start <= t) lo = mid;
      else hi = mid;
    }
    return (lo >= 0 ? segments[lo]!.at(t) : undefined) ?? segments[lo + 1]?.at(t);
  };
}
