/**
 * Ground-truth people counts: a CSV with a header `t,count` (t in Unix seconds). A count holds
 * from its t until the next row's, or until the data breaks (see `windowTruth`); a window's true
 * count is the time-weighted mean over the part of the window that both the truth and the data
 * cover.
 */

import type { Span } from './presence.ts';

export interface TruthRow {
  t: number;
  count: number;
}

export type TruthParse = { ok: true; rows: TruthRow[] } | { ok: false; errors: string[] };

/** Parses the truth CSV; every bad line is reported (by number), none is skipped silently. */
export function parseTruthCsv(text: string): TruthParse {
  const lines = text.split(/\r?\n/);
  const errors: string[] = [];
  const header = (lines[0] ?? '')
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '');
  if (header !== 't,count')
    errors.push(`line 1: the header must be "t,count", found "${(lines[0] ?? '').slice(0, 40)}"`);
  const rows: TruthRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(',');
    const t = Number(cells[0]);
    const count = Number(cells[1]);
    if (cells.length !== 2 || cells[0]!.trim() === '' || cells[1]!.trim() === '') {
      errors.push(`line ${i + 1}: expected two values "t,count", found "${line.slice(0, 40)}"`);
    } else if (!Number.isFinite(t)) {
      errors.push(`line ${i + 1}: t "${cells[0]}" is not a number of Unix seconds`);
    } else if (!Number.isFinite(count) || count < 0) {
      errors.push(`line ${i + 1}: count "${cells[1]}" is not a number of people (0 or more)`);
    } else {
      rows.push({ t, count });
    }
  }
  if (errors.length === 0 && rows.length === 0) errors.push('no rows after the header');
  if (errors.length > 0) return { ok: false, errors };
  rows.sort((a, b) => a.t - b.t);
  return { ok: true, rows };
}

/**
 * Time-weighted mean of the truth over `window` intersected with `coverage` (sorted, disjoint
 * spans); undefined when no covered second of the window has a truth value.
 *
 * A count holds from its row until the next row, but not across a break in the data: a row holds
 * into a span of `coverage` only if no earlier span ended after it. A truth file whose last row
 * says "8 people" at the end of one recording does not say anything about the next recording,
 * an hour or a week later; a row written while the sensor was off (just before a span) holds.
 */
export function windowTruth(
  rows: readonly TruthRow[],
  window: Span,
  coverage: readonly Span[],
): number | undefined {
  if (rows.length === 0) return undefined;
  let weighted = 0;
  let seconds = 0;
  let previousEnd = -Infinity;
  for (const c of coverage) {
    const floor = previousEnd;
    previousEnd = c.end;
    const a = Math.max(window.start, c.start);
    const b = Math.min(window.end, c.end);
    if (b <= a) continue;
    // First row after the previous span's end, then the last such row at or before a.
    const first = firstRowAfter(rows, floor);
    if (first >= rows.length) continue;
    let i = Math.max(first, lastRowAtOrBefore(rows, a));
    for (; i < rows.length && rows[i]!.t < b; i++) {
      const from = Math.max(a, rows[i]!.t);
      const to = Math.min(b, rows[i + 1]?.t ?? Infinity);
      if (to > from) {
        weighted += rows[i]!.count * (to - from);
        seconds += to - from;
      }
    }
  }
  return seconds > 0 ? weighted / seconds : undefined;
}

/** Index of the first row with t > x (rows.length when none). */
function firstRowAfter(rows: readonly TruthRow[], x: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.t <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the last row with t <= x (0 when none: the loop then starts where truth starts). */
function lastRowAtOrBefore(rows: readonly TruthRow[], x: number): number {
  return Math.max(0, firstRowAfter(rows, x) - 1);
}
