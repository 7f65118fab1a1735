/**
 * People counting on real recordings with ground truth.
 *
 * brno (13 days of a probe-request sniffer in a university lab; truth: people in the lab), 10-minute
 * windows, leave-one-day-out: for each day, `airtrace count --fit` runs on the other 12 days
 * (choosing its hold time by cross-validation inside those 12) and the held-out day is counted
 * with what it wrote. No figure of a day comes from parameters that saw that day. Side by side:
 * - naive: distinct MAC addresses per window (what most open tools show);
 * - linear: a straight line on distinct MACs, least squares on the same 12 days, with a 90%
 *   interval from its training residuals;
 * - airtrace.
 * The truth goes through the real path: brnoTruth.ts writes the `t,count` CSV from the brno CSVs
 * (joined on the frame index, not the local-time column), and it is read back like `--truth`.
 * The lab's own computers (brno/README.md) are the config's ignore list. Days: the 13 of
 * ../shared/data/README.md; 2023-04-17 has no truth listed and is left out.
 *
 * probing-patterns (11 captures of one phone each): devices per file with the default parameters,
 * one window over the whole file; and all files as one stream with their real timestamps.
 *
 *   node --import tsx eval/occupancy/run.ts [--day YYYY-MM-DD]
 *
 * Progress on stderr; a table and the JSON summary on stdout; plots and summary.json in
 * eval/out/occupancy/. Reads each capture once.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type CountedWindow,
  countPeople,
  loadCaptures,
  type LoadedCaptures,
} from '../../src/app/batch/count.ts';
import { fitCounting } from '../../src/app/batch/fitCounting.ts';
import { type CountingConfig, countingParamsOf } from '../../src/config/countingConfig.ts';
import { type Score, scoreEstimates } from '../../src/core/occupancy/scores.ts';
import { sortSightings } from '../../src/core/occupancy/sighting.ts';
import { parseTruthCsv } from '../../src/core/occupancy/truthSeries.ts';
import { BRNO_DAYS, BRNO_DIR, BRNO_LAB_COMPUTERS, brnoPcap, repoRoot, writeBrnoTruth } from './brnoTruth.ts';
import { daySvg, daysSvg, type PlotDay } from './plot.ts';

const WINDOW_SECONDS = 600;
const TARGET = { mae: 1.5, r: 0.9, coverage: 0.8 };
const PROBING_DIR = resolve(repoRoot, '../shared/data/wifi/probing-patterns');
const OUT_DIR = join(repoRoot, 'eval/out/occupancy');

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

function merge(parts: readonly LoadedCaptures[]): LoadedCaptures {
  return {
    sightings: sortSightings(parts.flatMap((p) => p.sightings)),
    recordings: parts.flatMap((p) => p.recordings),
    hashMac: parts[0]!.hashMac,
    frames: parts.reduce((s, p) => s + p.frames, 0),
    skipped: {},
    failures: parts.flatMap((p) => p.failures),
  };
}

interface Line {
  a: number;
  b: number;
  low: number;
  high: number;
}

/** Least squares y = a + b x, with the 5% and 95% quantiles of its residuals. */
function fitLine(x: readonly number[], y: readonly number[]): Line {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  const a = my - b * mx;
  const residuals = x.map((v, i) => y[i]! - (a + b * v)).sort((p, q) => p - q);
  const q = (p: number) => residuals[Math.min(n - 1, Math.max(0, Math.round(p * (n - 1))))]!;
  return { a, b, low: q(0.05), high: q(0.95) };
}

interface MethodScores {
  naive: Score;
  linear: Score;
  airtrace: Score;
}

interface DayResult extends MethodScores {
  day: string;
  holdSeconds: number;
  presenceRssi: number | undefined;
  windows: (CountedWindow & { truth: number; linear: number })[];
}

const fmt = (x: number | null | undefined, digits = 2) =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);

function scoreJson(s: Score) {
  return {
    windows: s.windows,
    mae: Number(fmt(s.mae, 3)),
    r: s.r === null ? null : Number(fmt(s.r, 3)),
    coverage: s.coverage === null ? null : Number(fmt(s.coverage, 3)),
  };
}

function table(results: readonly DayResult[], pooled: MethodScores, meanMae: MethodScores): string {
  const header = [
    'day',
    'windows',
    'naive MAE',
    'linear MAE',
    'airtrace MAE',
    'linear r',
    'airtrace r',
    'linear cov',
    'airtrace cov',
    'hold s',
    'presence dBm',
  ];
  const row = (name: string, windows: number, s: MethodScores, hold = '', presence = '') => [
    name,
    String(windows),
    fmt(s.naive.mae, 1),
    fmt(s.linear.mae),
    fmt(s.airtrace.mae),
    fmt(s.linear.r, 3),
    fmt(s.airtrace.r, 3),
    fmt(s.linear.coverage),
    fmt(s.airtrace.coverage),
    hold,
    presence,
  ];
  const rows = [
    ...results.map((r) =>
      row(r.day, r.airtrace.windows, r, String(r.holdSeconds), String(r.presenceRssi ?? '')),
    ),
    row('all windows', pooled.airtrace.windows, pooled),
    row('mean of days', results.length, meanMae),
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function evaluateBrno(key: Uint8Array, plotDay: string) {
  mkdirSync(OUT_DIR, { recursive: true });
  const truthPath = join(OUT_DIR, 'brno-truth.csv');
  progress(`brno: writing the ground truth of ${BRNO_DAYS.length} days to ${truthPath} ...`);
  await writeBrnoTruth(truthPath, BRNO_DAYS);
  const parsed = parseTruthCsv(readFileSync(truthPath, 'utf8'));
  if (!parsed.ok) throw new Error(`${truthPath}: ${parsed.errors.join('; ')}`);
  const truth = parsed.rows;

  const days: LoadedCaptures[] = [];
  for (const day of BRNO_DAYS) {
    const captures = await loadCaptures([brnoPcap(day)], { siteKey: key });
    if (captures.failures.length > 0) throw new Error(`${day}: ${captures.failures[0]!.message}`);
    days.push(captures);
    progress(`  ${day}: ${captures.frames} frames, ${captures.sightings.length} sightings`);
  }
  const base: CountingConfig = { ignore: BRNO_LAB_COMPUTERS };
  // Unique MACs and truth per window of each day (parameters do not matter for these two).
  const baseline = days.map((d) =>
    countPeople(d, countingParamsOf(base, d.hashMac), WINDOW_SECONDS, truth).windows.filter(
      (w) => w.truth !== undefined,
    ),
  );

  const results: DayResult[] = [];
  for (let i = 0; i < days.length; i++) {
    const day = BRNO_DAYS[i]!;
    const started = performance.now();
    const train = merge(days.filter((_, j) => j !== i));
    const { config, fit } = fitCounting(train, truth, WINDOW_SECONDS, base);
    const report = countPeople(days[i]!, countingParamsOf(config, train.hashMac), WINDOW_SECONDS, truth);
    const trainWindows = baseline.filter((_, j) => j !== i).flat();
    const line = fitLine(
      trainWindows.map((w) => w.addresses),
      trainWindows.map((w) => w.truth!),
    );
    const windows = report.windows.flatMap((w) => {
      if (w.truth === undefined) return [];
      return [{ ...w, truth: w.truth, linear: Math.max(0, line.a + line.b * w.addresses) }];
    });
    const result: DayResult = {
      day,
      holdSeconds: fit.holdSeconds,
      presenceRssi: fit.presenceRssi,
      windows,
      naive: scoreEstimates(windows.map((w) => ({ estimate: w.addresses, truth: w.truth }))),
      linear: scoreEstimates(
        windows.map((w) => ({
          estimate: w.linear,
          low: Math.max(0, w.linear + line.low),
          high: w.linear + line.high,
          truth: w.truth,
        })),
      ),
      airtrace: scoreEstimates(windows),
    };
    results.push(result);
    progress(
      `fold ${day}: fitted on the other ${days.length - 1} days (hold ${fit.holdSeconds} s, inner cross-validated MAE ${fit.cv.mae.toFixed(2)}); ` +
        `held-out MAE ${result.airtrace.mae.toFixed(2)} [${((performance.now() - started) / 1000).toFixed(1)} s]`,
    );
  }

  const all = results.flatMap((r) => r.windows);
  const pooled: MethodScores = {
    naive: scoreEstimates(all.map((w) => ({ estimate: w.addresses, truth: w.truth }))),
    linear: scoreEstimates(
      results.flatMap((r) => r.windows.map((w) => ({ estimate: w.linear, truth: w.truth }))),
    ),
    airtrace: scoreEstimates(all),
  };
  // Linear coverage, pooled, with each fold's own interval.
  const linearCovered = results.reduce((s, r) => s + (r.linear.coverage ?? 0) * r.linear.windows, 0);
  pooled.linear = { ...pooled.linear, coverage: linearCovered / pooled.linear.windows };
  const mean = (pick: (r: DayResult) => Score): Score => ({
    windows: results.length,
    mae: results.reduce((s, r) => s + pick(r).mae, 0) / results.length,
    r: null,
    coverage: results.reduce((s, r) => s + (pick(r).coverage ?? 0), 0) / results.length,
  });
  const meanMae: MethodScores = {
    naive: { ...mean((r) => r.naive), coverage: null },
    linear: mean((r) => r.linear),
    airtrace: mean((r) => r.airtrace),
  };

  // For reference only (the defaults of countingParams.ts): the fit on all 13 days.
  const everything = fitCounting(merge(days), truth, WINDOW_SECONDS, base);

  const plotDays: PlotDay[] = results.map((r) => ({ day: r.day, windows: r.windows, mae: r.airtrace.mae }));
  const chosen = plotDays.find((d) => d.day === plotDay) ?? plotDays[0]!;
  writeFileSync(
    join(OUT_DIR, 'day.svg'),
    daySvg(chosen, `brno lab, ${chosen.day}: people, estimate (fitted on the other 12 days) vs truth`),
  );
  writeFileSync(
    join(OUT_DIR, 'days.svg'),
    daysSvg(plotDays, 'brno lab, leave-one-day-out: estimate and 90% interval vs truth, 10-minute windows'),
  );
  return { results, pooled, meanMae, allDays: everything };
}

async function evaluateProbing(key: Uint8Array) {
  const files = readdirSync(PROBING_DIR)
    .filter((f) => f.endsWith('.pcap'))
    .sort();
  const wholeFile = 1e9; // one window over any capture of this century
  const perFile: { file: string; devices: number; addresses: number }[] = [];
  for (const file of files) {
    const captures = await loadCaptures([join(PROBING_DIR, file)], { siteKey: key });
    const report = countPeople(captures, countingParamsOf({}, captures.hashMac), wholeFile, undefined);
    const w = report.windows[0]!;
    perFile.push({ file, devices: w.devices, addresses: w.addresses });
  }
  const together = await loadCaptures(
    files.map((f) => join(PROBING_DIR, f)),
    { siteKey: key },
  );
  const t = countPeople(together, countingParamsOf({}, together.hashMac), wholeFile, undefined).windows[0]!;
  return { perFile, together: { files: files.length, devices: t.devices, addresses: t.addresses } };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dayAt = args.indexOf('--day');
  const plotDay = dayAt >= 0 ? (args[dayAt + 1] ?? '') : '2022-11-08';
  if (!existsSync(BRNO_DIR) || !existsSync(PROBING_DIR)) {
    progress(
      `eval occupancy: skipped. It needs the recordings at ${BRNO_DIR} and ${PROBING_DIR}\n` +
        '(../shared/data is present where airtrace is developed and in CI, not in a fresh clone).',
    );
    return;
  }
  const key = new Uint8Array(randomBytes(32));
  const brno = await evaluateBrno(key, plotDay);
  progress('probing-patterns: one window per file, then all files as one stream ...');
  const probing = await evaluateProbing(key);

  const out = process.stdout;
  out.write(
    `\nbrno lab, ${BRNO_DAYS.length} days, ${WINDOW_SECONDS / 60}-minute windows, leave-one-day-out\n\n`,
  );
  out.write(`${table(brno.results, brno.pooled, brno.meanMae)}\n\n`);
  const a = brno.pooled.airtrace;
  const pass = a.mae <= TARGET.mae && (a.r ?? 0) >= TARGET.r && (a.coverage ?? 0) >= TARGET.coverage;
  out.write(
    `airtrace, all held-out windows: MAE ${fmt(a.mae)} (target <= ${TARGET.mae}), r ${fmt(a.r, 3)} (>= ${TARGET.r}), ` +
      `coverage ${fmt(a.coverage)} (>= ${TARGET.coverage}): ${pass ? 'PASS' : 'FAIL'}\n`,
  );
  const e = brno.allDays;
  out.write(
    `reference, fitted on all 13 days (not used above): hold ${e.fit.holdSeconds} s, presence ${e.fit.presenceRssi} dBm, ` +
      `wifi weights [${e.config.model!.wifi.join(', ')}] at [${e.config.model!.levels.join(', ')}] dBm, ` +
      `interval [${e.config.model!.interval.low}, ${e.config.model!.interval.high}]\n`,
  );
  out.write('\nprobing-patterns, default parameters, one window per file (truth: 1 device per file)\n\n');
  for (const p of probing.perFile)
    out.write(`  ${p.file.padEnd(34)} devices ${p.devices}   (distinct MACs ${p.addresses})\n`);
  const exactlyOne = probing.perFile.filter((p) => p.devices === 1).length;
  const togetherOk = Math.abs(probing.together.devices - probing.together.files) <= 2;
  out.write(
    `  exactly 1 device: ${exactlyOne} of ${probing.perFile.length} files (target >= 10): ${exactlyOne >= 10 ? 'PASS' : 'FAIL'}\n` +
      `  all ${probing.together.files} files as one stream: ${probing.together.devices} devices ` +
      `(distinct MACs ${probing.together.addresses}; target ${probing.together.files} +- 2): ${togetherOk ? 'PASS' : 'FAIL'}\n`,
  );

  const summary = {
    brno: {
      windowSeconds: WINDOW_SECONDS,
      days: brno.results.map((r) => ({
        day: r.day,
        holdSeconds: r.holdSeconds,
        presenceRssi: r.presenceRssi ?? null,
        naive: scoreJson(r.naive),
        linear: scoreJson(r.linear),
        airtrace: scoreJson(r.airtrace),
      })),
      pooled: {
        naive: scoreJson(brno.pooled.naive),
        linear: scoreJson(brno.pooled.linear),
        airtrace: scoreJson(brno.pooled.airtrace),
      },
      meanOfDays: {
        naive: scoreJson(brno.meanMae.naive),
        linear: scoreJson(brno.meanMae.linear),
        airtrace: scoreJson(brno.meanMae.airtrace),
      },
      target: TARGET,
      pass,
      allDaysFit: {
        presence: e.config.presence,
        model: e.config.model,
        crossValidated: e.config.fitted?.crossValidated,
      },
    },
    probingPatterns: { ...probing, exactlyOne, pass: exactlyOne >= 10 && togetherOk },
  };
  writeFileSync(join(OUT_DIR, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  out.write(`\n${JSON.stringify(summary)}\n`);
  progress(`wrote ${join(OUT_DIR, 'day.svg')}, days.svg, summary.json and brno-truth.csv`);
}

await main();
