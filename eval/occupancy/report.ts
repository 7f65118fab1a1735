/** The occupancy evaluation's tables and target lines, as text. */
import type { HeadcountTrial } from './headcountEval.ts';
import type { EmptiedScore, OccupiedScore, Summary } from './metrics.ts';

/** The targets (issue 12), on the shared days. */
export const TARGETS = {
  lodoMae: 2.0,
  lodoBias: 0.5,
  lodoCoverage: 0.85,
  emptyMean: 0.1,
  lopoMae: 3.0,
  headcount3Mae: 1.5,
};

export const fmt = (x: number | undefined, digits = 2): string =>
  x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export const SUMMARY_HEADER = [
  '',
  'occupied',
  'MAE',
  'bias',
  '90% cov',
  'unique-MAC MAE',
  'empty',
  'empty mean',
  'empty <= 1',
];

export function summaryRow(name: string, s: Summary): string[] {
  return [
    name,
    String(s.occupied.windows),
    fmt(s.occupied.mae),
    fmt(s.occupied.bias),
    fmt(s.occupied.coverage),
    fmt(s.occupied.naiveMae, 1),
    String(s.empty.windows),
    fmt(s.empty.meanEstimate, 3),
    fmt(s.empty.atMostOne),
  ];
}

export function levelTable(rows: readonly { name: string; summary: Summary }[]): string {
  const labels = rows[0]?.summary.levels.map((l) => l.label) ?? [];
  return table(
    ['90% interval coverage by true count', ...labels.map((l) => `${l} (n)`)],
    rows.map(({ name, summary }) => [
      name,
      ...summary.levels.map((l) => `${fmt(l.coverage)} (${l.windows})`),
    ]),
  );
}

export function headcountTable(trials: readonly HeadcountTrial[]): string {
  return table(
    [
      'headcounts',
      'days',
      'draws/day',
      'rest: windows',
      'MAE before',
      'MAE after',
      'bias after',
      '90% cov after',
    ],
    trials.map((t) => [
      String(t.k),
      String(t.days),
      String(t.draws),
      String(t.after.windows),
      fmt(t.before.mae),
      fmt(t.after.mae),
      fmt(t.after.bias),
      fmt(t.after.coverage),
    ]),
  );
}

export function emptiedLine(e: EmptiedScore): string {
  return (
    `room empties: ${e.emptyings} times; minutes 10-60 min after: ${e.minutes}, ` +
    `reading <= 1 in ${fmt(e.atMostOne * 100, 0)}% (mean ${fmt(e.meanEstimate)}, worst ${fmt(e.worst, 1)})`
  );
}

const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

export function targetLines(
  lodo: Summary,
  lopo2022: OccupiedScore,
  headcount3: OccupiedScore | undefined,
): string[] {
  const t = TARGETS;
  const o = lodo.occupied;
  return [
    `leave-one-day-out, occupied: MAE ${fmt(o.mae)} (<= ${t.lodoMae}) ${verdict(o.mae <= t.lodoMae)}; ` +
      `bias ${fmt(o.bias)} (|bias| <= ${t.lodoBias}) ${verdict(Math.abs(o.bias) <= t.lodoBias)}; ` +
      `90% coverage ${fmt(o.coverage)} (>= ${t.lodoCoverage}) ${verdict(o.coverage >= t.lodoCoverage)}`,
    `leave-one-day-out, empty: mean estimate ${fmt(lodo.empty.meanEstimate, 3)} (<= ${t.emptyMean}) ` +
      verdict(lodo.empty.meanEstimate <= t.emptyMean),
    `fit on 2022, test on 2023-2024, occupied: MAE ${fmt(lopo2022.mae)} (<= ${t.lopoMae}) ` +
      verdict(lopo2022.mae <= t.lopoMae),
    headcount3 === undefined
      ? 'headcounts: no day busy enough'
      : `3 headcounts on a held-out day, rest of the day, occupied: MAE ${fmt(headcount3.mae)} ` +
        `(<= ${t.headcount3Mae}) ${verdict(headcount3.mae <= t.headcount3Mae)}`,
  ];
}
