/**
 * People counting on every shared day of the brno lab with ground truth (datasets.ts): 13 days of
 * 2022, 6 busy days of 2023, 7 days of 2024 recorded by two sensors at once, and a mostly empty
 * month of 2023. 10-minute windows; occupied (truth >= 1) and empty windows apart.
 *
 * - leave-one-day-out: each day is counted by a model fitted (`airtrace count --fit`'s code, its
 *   hold chosen by an inner cross-validation) on all other days, recent days weighted more
 *   (half-life 60 days from the held-out day);
 * - leave-one-period-out: fitted on 2022, tested on 2023-2024; fitted on 2023-2024, tested on 2022;
 * - 2024 with both sensors against each sensor alone (each fitted with 2024 in the same setup);
 * - headcounts: 1, 3 and 5 counts at random occupied times of a held-out day, error on the rest;
 * - interval coverage per true occupancy level; minutes 10 to 60 after a room emptied;
 * - each day alone against the same day after the previous one in one run (bounded memory);
 * - probing-patterns (one phone per file): devices per file.
 * No figure of a day comes from a fit that saw that day's truth.
 *
 *   npm run eval occupancy        (node --import tsx eval/occupancy/run.ts)
 *
 * Progress on stderr; the tables and the JSON summary on stdout; SVG plots (estimate vs truth per
 * period and fold), summary.json and the all-days fit in eval/out/occupancy/.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { countPeople, loadCaptures } from '../../src/app/batch/count.ts';
import { fitFromCandidates, HOLD_CANDIDATES } from '../../src/app/batch/fitCounting.ts';
import { type CountingConfig, countingParamsOf } from '../../src/config/countingConfig.ts';
import { BRNO_LAB_COMPUTERS, repoRoot } from './brnoTruth.ts';
import {
  dayCount,
  loadSharedDays,
  type Period,
  PERIODS,
  type SensorSet,
  sharedDataMissing,
} from './datasets.ts';
import {
  type DayFeatures,
  dayFeatures,
  type FoldResult,
  leaveOneDayOut,
  leavePeriodsOut,
  type Predicted,
  WINDOW_SECONDS,
} from './folds.ts';
import { headcountTrials } from './headcountEval.ts';
import { identityCheck } from './identity.ts';
import { emptiedScore, summarize, type Summary } from './metrics.ts';
import { daySvg, daysSvg, type PlotDay } from './plot.ts';
import { StepProgress } from './progress.ts';
import {
  emptiedLine,
  fmt,
  headcountTable,
  levelTable,
  SUMMARY_HEADER,
  summaryRow,
  table,
  targetLines,
  TARGETS,
} from './report.ts';

const HALF_LIFE_DAYS = 60;
const OUT_DIR = join(repoRoot, 'eval/out/occupancy');
const PROBING_DIR = resolve(repoRoot, '../shared/data/wifi/probing-patterns');
const base: CountingConfig = { ignore: BRNO_LAB_COMPUTERS };

function periodRows(windows: readonly Predicted[]): { name: string; summary: Summary }[] {
  return [
    { name: 'all days', summary: summarize(windows) },
    ...PERIODS.map((p) => ({ name: p, summary: summarize(windows.filter((w) => w.period === p)) })),
  ];
}

function plotDays(windows: readonly Predicted[], period?: Period): PlotDay[] {
  const days = [
    ...new Set(windows.filter((w) => period === undefined || w.period === period).map((w) => w.day)),
  ];
  return days.map((day) => {
    const ws = windows.filter((w) => w.day === day).sort((a, b) => a.start - b.start);
    return { day, windows: ws, mae: ws.reduce((s, w) => s + Math.abs(w.estimate - w.truth), 0) / ws.length };
  });
}

function writePlots(lodo: readonly Predicted[], lopo22: FoldResult, lopo2324: FoldResult): string[] {
  const written: string[] = [];
  const write = (name: string, svg: string) => {
    writeFileSync(join(OUT_DIR, name), svg);
    written.push(name);
  };
  for (const p of PERIODS) {
    write(
      `lodo-${p}.svg`,
      daysSvg(
        plotDays(lodo, p),
        `brno lab ${p}, leave-one-day-out: estimate and 90% interval vs truth, 10-minute windows`,
      ),
    );
  }
  const busy = (ws: readonly Predicted[]) => ws.filter((w) => w.period !== '2023-month');
  write(
    'lopo-fit-2022.svg',
    daysSvg(plotDays(busy(lopo22.windows)), 'fitted on 2022 only, tested on 2023 and 2024'),
  );
  write(
    'lopo-fit-2023-2024.svg',
    daysSvg(plotDays(lopo2324.windows), 'fitted on 2023-2024 only, tested on 2022'),
  );
  return written;
}

async function probingPatterns(key: Uint8Array) {
  const files = readdirSync(PROBING_DIR)
    .filter((f) => f.endsWith('.pcap'))
    .sort();
  const perFile: { file: string; devices: number; sessions: number }[] = [];
  for (const file of files) {
    const captures = await loadCaptures([join(PROBING_DIR, file)], { siteKey: key });
    const [w] = countPeople(captures, countingParamsOf({}, captures.hashMac), 1e9).windows;
    perFile.push({ file, devices: w!.devices, sessions: captures.recordings[0]!.runs.length });
  }
  return perFile;
}

function features(days: Awaited<ReturnType<typeof loadSharedDays>>) {
  const twoSensorDays = days.filter((d) => d.sensors.length > 1);
  const bar = new StepProgress('window features per day and hold', days.length + 2 * twoSensorDays.length);
  const of = (set: SensorSet) => (d: (typeof days)[number]) => {
    const f = dayFeatures(d, set, base);
    bar.step(`${d.day} ${set}`);
    return f;
  };
  const both = days.map(of('both'));
  const alone = (set: SensorSet) => both.map((f) => (f.day.sensors.length > 1 ? of(set)(f.day) : f));
  const p1 = alone('p1');
  const p2 = alone('p2');
  bar.finish();
  return { both, p1, p2 };
}

async function main(): Promise<void> {
  const missing = sharedDataMissing();
  if (missing !== undefined) {
    process.stderr.write(
      `eval occupancy: skipped. It needs the recordings at ${missing}\n` +
        '(../shared/data is present where airtrace is developed and in CI, not in a fresh clone).\n',
    );
    return;
  }
  const started = performance.now();
  mkdirSync(OUT_DIR, { recursive: true });
  const key = new Uint8Array(randomBytes(32));
  const loading = new StepProgress('loading the shared days', dayCount());
  const days = await loadSharedDays(key, (day) => loading.step(day));
  loading.finish();
  const { both, p1, p2 } = features(days);

  const lodoBar = new StepProgress('leave-one-day-out', both.length);
  const lodo = leaveOneDayOut(both, base, HALF_LIFE_DAYS, (d) => lodoBar.step(d));
  lodoBar.finish();
  const lodoWindows = [...lodo.values()].flatMap((f) => f.windows);
  const lodoMinutes = [...lodo.values()].flatMap((f) => f.minutes);

  const periodsBar = new StepProgress('leave-one-period-out', 2);
  const lopo22 = leavePeriodsOut(both, ['2022'], base, HALF_LIFE_DAYS);
  periodsBar.step('fit 2022');
  const lopo2324 = leavePeriodsOut(both, ['2023', '2024', '2023-month'], base, HALF_LIFE_DAYS);
  periodsBar.step('fit 2023-2024');
  periodsBar.finish();

  const is2024 = (d: DayFeatures) => d.day.period === '2024';
  const sensorsBar = new StepProgress('2024, each sensor alone', 2 * both.filter(is2024).length);
  const alone = (set: readonly DayFeatures[]) =>
    [...leaveOneDayOut(set, base, HALF_LIFE_DAYS, (d) => sensorsBar.step(d), is2024).values()].flatMap(
      (f) => f.windows,
    );
  const p1Windows = alone(p1);
  const p2Windows = alone(p2);
  sensorsBar.finish();

  const headcounts = headcountTrials(lodo, days);
  const emptied = emptiedScore(lodoMinutes);
  const identity = identityCheck(days, base);
  const probing = existsSync(PROBING_DIR) ? await probingPatterns(key) : [];
  const allDays = fitFromCandidates(
    HOLD_CANDIDATES.map((holdSeconds, h) => ({ holdSeconds, rows: both.flatMap((d) => d.windows[h]!.rows) })),
    base,
    { recordings: days.map((d) => d.day), windowSeconds: WINDOW_SECONDS },
    { halfLifeDays: HALF_LIFE_DAYS },
  );
  writeFileSync(join(OUT_DIR, 'fitted-all-days.json'), `${JSON.stringify(allDays.config, null, 2)}\n`);

  const lodoRows = periodRows(lodoWindows);
  const lopoRows = [
    { name: 'fit 2022 -> 2023-2024', summary: summarize(lopo22.windows) },
    ...(['2023', '2024', '2023-month'] as const).map((p) => ({
      name: `  ${p}`,
      summary: summarize(lopo22.windows.filter((w) => w.period === p)),
    })),
    { name: 'fit 2023-2024 -> 2022', summary: summarize(lopo2324.windows) },
  ];
  const sensorRows = [
    { name: '2024 both sensors', summary: summarize(lodoWindows.filter((w) => w.period === '2024')) },
    { name: '2024 p1 alone', summary: summarize(p1Windows) },
    { name: '2024 p2 alone', summary: summarize(p2Windows) },
  ];
  const headcount3 = headcounts.trials.find((t) => t.k === 3)?.after;
  const plots = writePlots(lodoWindows, lopo22, lopo2324);
  if (headcounts.example !== undefined) {
    const e = headcounts.example;
    const ws = [...e.windows].sort((a, b) => a.start - b.start);
    const mae = ws.reduce((s, w) => s + Math.abs(w.estimate - w.truth), 0) / ws.length;
    writeFileSync(
      join(OUT_DIR, 'headcounts-example.svg'),
      daySvg(
        { day: e.day, windows: ws, mae, counts: e.counts },
        `${e.day}, held out (fitted on the other days), calibrated by 3 headcounts`,
      ),
    );
    plots.push('headcounts-example.svg');
  }

  const out = process.stdout;
  const seconds = (performance.now() - started) / 1000;
  out.write(
    `\nbrno lab, ${days.length} shared days, 10-minute windows (2024: both sensors), ${fmt(seconds, 0)} s\n\n`,
  );
  out.write('leave-one-day-out (recency half-life 60 days)\n');
  out.write(
    `${table(
      SUMMARY_HEADER,
      lodoRows.map((r) => summaryRow(r.name, r.summary)),
    )}\n\n`,
  );
  out.write('leave-one-period-out\n');
  out.write(
    `${table(
      SUMMARY_HEADER,
      lopoRows.map((r) => summaryRow(r.name, r.summary)),
    )}\n\n`,
  );
  out.write('two sensors in one room against each alone (leave-one-day-out on the 2024 days)\n');
  out.write(
    `${table(
      SUMMARY_HEADER,
      sensorRows.map((r) => summaryRow(r.name, r.summary)),
    )}\n\n`,
  );
  out.write(`${levelTable([...lodoRows.slice(0, 4), ...lopoRows.slice(0, 1)])}\n\n`);
  out.write('headcounts at random occupied times of a held-out day (seeded), error on the rest of the day\n');
  out.write(`${headcountTable(headcounts.trials)}\n\n`);
  out.write(`${emptiedLine(emptied)}\n`);
  out.write(
    `bounded memory: ${identity.identical} of ${identity.separated} days separated from the one before give identical ` +
      `estimates alone and after it; ${identity.contiguous} contiguous days: ${identity.differingWindows} of ` +
      `${identity.comparedWindows} windows differ, none later than ${fmt(identity.latestDifferenceHours, 1)} h into the day\n`,
  );
  if (probing.length > 0) {
    const right = probing.filter((p) => p.devices === p.sessions).length;
    out.write(`probing-patterns: one device per phone session in ${right} of ${probing.length} files\n`);
  }
  const m = allDays.config.model!;
  out.write(
    `all days fitted (not used above; the default model): hold ${allDays.fit.holdSeconds} s, wifi weights ` +
      `[${m.wifi.join(', ')}] at [${m.levels.join(', ')}] dBm\n\ntargets (issue 12)\n`,
  );
  for (const line of targetLines(lodoRows[0]!.summary, lopoRows[0]!.summary.occupied, headcount3)) {
    out.write(`  ${line}\n`);
  }
  const summary = {
    days: days.map((d) => ({ period: d.period, day: d.day, sensors: d.sensors })),
    seconds: Number(seconds.toFixed(1)),
    halfLifeDays: HALF_LIFE_DAYS,
    targets: TARGETS,
    leaveOneDayOut: Object.fromEntries(lodoRows.map((r) => [r.name, r.summary])),
    holdsChosen: Object.fromEntries([...lodo].map(([day, f]) => [day, f.holdSeconds])),
    leaveOnePeriodOut: Object.fromEntries(lopoRows.map((r) => [r.name.trim(), r.summary])),
    sensors2024: Object.fromEntries(sensorRows.map((r) => [r.name, r.summary])),
    headcounts: headcounts.trials,
    roomEmpties: emptied,
    boundedMemory: identity,
    probingPatterns: probing,
    allDaysFit: allDays.config,
  };
  writeFileSync(join(OUT_DIR, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  // Every held-out window with the model that estimated it, for anyone who wants to look closer.
  writeFileSync(
    join(OUT_DIR, 'leave-one-day-out.json'),
    JSON.stringify(
      [...lodo].map(([day, f]) => ({ day, holdSeconds: f.holdSeconds, model: f.model, windows: f.windows })),
    ),
  );
  out.write(
    `\n${JSON.stringify({ leaveOneDayOut: summary.leaveOneDayOut['all days'], headcounts: headcounts.trials })}\n`,
  );
  process.stderr.write(`wrote ${plots.join(', ')}, summary.json and fitted-all-days.json to ${OUT_DIR}\n`);
}

await main();
