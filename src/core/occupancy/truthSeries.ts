/**
 * Ground-truth people counts: a CSV with a header `t,count` (t in Unix seconds). A count holds
 * from its t until the next row's (the last one without end); a window's true count is the
 * time-weighted mean over the part of the window that both the truth and the data cover.
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
 */
export function windowTruth(
  rows: readonly TruthRow[],
  window: Span,
  coverage: readonly Span[],
): number | undefined {
  if (rows.length === 0) return undefined;
  let weighted = 0;
  let seconds = 0;
  for (const c of coverage) {
    const a = Math.max(window.start, c.start, rows[0]!.t);
    const b = Math.min(window.end, c.end);
    if (b <= a) continue;
    // Last row at or before a.
    let lo = 0;
    let hi = rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (rows[mid]!.t <= a) lo = mid;
      else hi = mid - 1;
    }
    for (let i = lo; i < rows.length && rows[i]!.t < b; i++) {
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
