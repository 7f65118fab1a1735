import type { TruthRow } from '../../src/core/occupancy/truthSeries.ts';

/**
 * Person-minutes of the truth over [from, to) within the recording's span: each count holds from
 * its row until the next (the last one until the recording ends).
 */
export function truthPersonMinutes(
  rows: readonly TruthRow[],
  span: { start: number; end: number },
  from: number,
  to: number,
): number {
  let seconds = 0;
  for (let i = 0; i < rows.length; i++) {
    const a = Math.max(rows[i]!.t, span.start, from);
    const b = Math.min(rows[i + 1]?.t ?? span.end, span.end, to);
    if (b > a) seconds += rows[i]!.count * (b - a);
  }
  return seconds / 60;
}
