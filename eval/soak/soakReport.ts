import type { HistoryPoint } from '../../src/core/history/series.ts';
import type { TruthRow } from '../../src/core/occupancy/truthSeries.ts';
import type { StoreTotals } from '../../src/adapters/storage/store.ts';
import { barChart, lineChart } from '../../src/adapters/export/svgPlots.ts';

export interface SoakDay {
  date: string;
  windows: number;
  span: { start: number; end: number };
  truth: TruthRow[];
  rssMiB: number;
  /** V8 heap in use after collection: flat when nothing leaks, whatever the allocator keeps. */
  heapMiB: number;
  dbMiB: number;
  apiP95: number;
  requests: number;
  /** The machine's one-minute load average at the end of the day (two cores, shared). */
  load: number;
}

export interface DayComparison {
  date: string;
  coverage: number;
  personMinutes: number | null;
  truthMinutes: number;
  peopleMax: number | null;
  wifi: number | null;
}

interface Target {
  what: string;
  value: string;
  met: boolean;
}

const API_TARGET_MS = 50;
const RSS_SPREAD = 0.1;
/** "After day 3": from the end of the fourth day on. */
const RSS_FROM_DAY = 3;

const f1 = (x: number | null) => (x === null || !Number.isFinite(x) ? '–' : x.toFixed(1));

/** The soak's figures as a table, a JSON summary with its targets, and an SVG of the month. */
export function soakReport(input: {
  days: SoakDay[];
  comparison: DayComparison[];
  missing: { date: string; hours: HistoryPoint[] };
  apiP95: number;
  requests: number;
  byEndpoint: { name: string; p95: number; max: number }[];
  retentionDays: number;
  totals: StoreTotals;
}) {
  const { days, comparison, missing } = input;
  const growth = days.map((d, i) => d.dbMiB - (days[i - 1]?.dbMiB ?? 0));
  const steady = days.slice(RSS_FROM_DAY).map((d) => d.rssMiB);
  const rssSpread = steady.length < 2 ? 0 : (Math.max(...steady) - Math.min(...steady)) / Math.min(...steady);
  const missingDay = comparison.find((c) => c.date === missing.date);
  // The day before's recording runs a few minutes past midnight: the hours after those are the gap.
  const silentHours = missing.hours.filter((h) => h.coverage === 0);
  const gapIsGap =
    silentHours.length >= 22 &&
    silentHours.every((h) => h.peopleMean === null && h.wifi === null && h.personMinutes === null);
  const withTruth = comparison.filter((c) => c.personMinutes !== null && c.coverage > 0.5);
  const mae =
    withTruth.reduce((a, c) => a + Math.abs(c.personMinutes! - c.truthMinutes), 0) /
    Math.max(1, withTruth.length);
  const hubTotal = withTruth.reduce((a, c) => a + c.personMinutes!, 0);
  const truthTotal = withTruth.reduce((a, c) => a + c.truthMinutes, 0);
  const perDayGrowth = growth.slice(1);
  const meanGrowth = perDayGrowth.reduce((a, g) => a + g, 0) / Math.max(1, perDayGrowth.length);

  const targets: Target[] = [
    {
      what: `hub RSS flat within ${RSS_SPREAD * 100}% after day ${RSS_FROM_DAY}`,
      value: `spread ${(rssSpread * 100).toFixed(1)}% (${f1(Math.min(...steady))}–${f1(Math.max(...steady))} MiB)`,
      met: rssSpread <= RSS_SPREAD,
    },
    {
      // Over every request of the month; a day's own p95 (of 28 requests) is printed above, with
      // the machine's load beside it.
      what: `API p95 < ${API_TARGET_MS} ms throughout the month`,
      value: `${f1(input.apiP95)} ms over ${input.requests} requests; worst day ${f1(Math.max(...days.map((d) => d.apiP95)))} ms at load ${f1(days.reduce((a, d) => (d.apiP95 > a.apiP95 ? d : a)).load)}`,
      met: input.apiP95 < API_TARGET_MS,
    },
    {
      what: `the missing day ${missing.date} is a gap`,
      value: `${silentHours.length} of ${missing.hours.length} hours without data, all null; day coverage ${f1((missingDay?.coverage ?? 0) * 100)}%`,
      met: gapIsGap,
    },
  ];

  const lines = [
    '',
    `soak: the brno month through the hub as if live (retention ${input.retentionDays} days)`,
    '',
    'day         windows  RSS MiB  heap MiB  DB MiB  +MiB   API p95 ms  load  coverage  person-min  truth  people max',
    ...days.map((d, i) => {
      const c = comparison.find((x) => x.date === d.date);
      return [
        d.date,
        String(d.windows).padStart(7),
        f1(d.rssMiB).padStart(8),
        f1(d.heapMiB).padStart(9),
        f1(d.dbMiB).padStart(7),
        f1(growth[i]!).padStart(5),
        f1(d.apiP95).padStart(12),
        f1(d.load).padStart(5),
        `${f1((c?.coverage ?? 0) * 100)}%`.padStart(9),
        f1(c?.personMinutes ?? null).padStart(11),
        f1(c?.truthMinutes ?? null).padStart(6),
        f1(c?.peopleMax ?? null).padStart(11),
      ].join('  ');
    }),
    '',
    `missing day ${missing.date}: ${missing.hours.map((h) => (h.coverage === 0 ? '.' : '#')).join('')} (# an hour with data)`,
    `API p95 by request: ${input.byEndpoint.map((e) => `${e.name} ${f1(e.p95)} ms (max ${f1(e.max)})`).join(', ')}`,
    `database: ${f1(days.at(-1)!.dbMiB)} MiB after ${days.length} days, ${meanGrowth.toFixed(2)} MiB a day`,
    `person-minutes per day (days with more than half their windows): mean absolute error ${mae.toFixed(1)}, hub ${hubTotal.toFixed(0)} vs truth ${truthTotal.toFixed(0)} in all`,
    `totals: ${input.totals.windows} windows, ${input.totals.wifiDevices} Wi-Fi and ${input.totals.bluetoothDevices} Bluetooth devices kept`,
    '',
    ...targets.map((t) => `${t.met ? 'met    ' : 'MISSED '} ${t.what}: ${t.value}`),
    '',
  ];

  const labels = days.map((d) => d.date.slice(5));
  const dayLabels = comparison.map((c) => c.date.slice(5));
  const svg = [
    lineChart({
      title: 'Process RSS and V8 heap in use after each day (MiB)',
      labels,
      series: [
        { label: 'RSS', values: days.map((d) => d.rssMiB), color: '#2563eb' },
        { label: 'heap', values: days.map((d) => d.heapMiB), color: '#0d9488' },
      ],
    }),
    barChart({
      title: 'Database growth per day (MiB)',
      labels,
      series: [{ label: 'growth', values: growth, color: '#0d9488' }],
    }),
    lineChart({
      title: 'API p95 per day (ms)',
      labels,
      series: [{ label: 'p95', values: days.map((d) => d.apiP95), color: '#9333ea' }],
    }),
    lineChart({
      title: 'Person-minutes per local day: hub vs truth (shaded: no data)',
      labels: dayLabels,
      gaps: comparison.map((c) => c.coverage === 0),
      series: [
        { label: 'hub', values: comparison.map((c) => c.personMinutes), color: '#d97706' },
        {
          label: 'truth',
          values: comparison.map((c) => (c.coverage === 0 ? null : c.truthMinutes)),
          color: '#334155',
          dashed: true,
        },
      ],
    }),
  ];
  const stacked = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="${svg.length * 230}">${svg
    .map((s, i) => `<g transform="translate(0 ${i * 230})">${s}</g>`)
    .join('')}</svg>\n`;

  return {
    text: lines.join('\n'),
    svg: stacked,
    summary: {
      retentionDays: input.retentionDays,
      days: days.map((d, i) => ({
        date: d.date,
        windows: d.windows,
        rssMiB: Number(d.rssMiB.toFixed(1)),
        heapMiB: Number(d.heapMiB.toFixed(1)),
        dbMiB: Number(d.dbMiB.toFixed(2)),
        growthMiB: Number(growth[i]!.toFixed(2)),
        apiP95Ms: Number(d.apiP95.toFixed(1)),
        load: Number(d.load.toFixed(1)),
        requests: d.requests,
      })),
      localDays: comparison,
      meanGrowthMiBPerDay: Number(meanGrowth.toFixed(2)),
      apiP95Ms: Number(input.apiP95.toFixed(1)),
      apiByEndpoint: input.byEndpoint,
      personMinutes: {
        mae: Number(mae.toFixed(1)),
        hub: Math.round(hubTotal),
        truth: Math.round(truthTotal),
      },
      targets,
    },
  };
}
