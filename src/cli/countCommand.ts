import { existsSync, readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { countPeople, type CountReport, loadCaptures, type LoadedCaptures } from '../app/batch/count.ts';
import { DEFAULT_HALF_LIFE_DAYS, fitCounting } from '../app/batch/fitCounting.ts';
import {
  type CountingConfig,
  CountingConfigError,
  countingParamsOf,
  loadCountingConfig,
  saveCountingConfig,
} from '../config/countingConfig.ts';
import type { Headcount } from '../core/occupancy/headcounts.ts';
import type { Score } from '../core/occupancy/scores.ts';
import { parseTruthCsv, type TruthRow } from '../core/occupancy/truthSeries.ts';
import { formatTable } from '../adapters/export/textTable.ts';
import { ProgressBar } from './progressBar.ts';
import { positiveNumber } from './replayCommand.ts';

interface CountFlags {
  window: number;
  config?: string;
  truth?: string;
  json?: boolean;
  fit?: boolean;
  sensor: string;
  headcount?: Headcount[];
  halfLife: number;
}

class UsageError extends Error {}

function formatTime(t: number): string {
  return new Date(t * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

const round = (x: number) => Number(x.toFixed(3));

/**
 * `--headcount t,N`: N people counted at t, Unix seconds or an ISO 8601 time with its zone
 * (2024-03-14T10:30Z); repeatable, so commander collects them.
 */
export function parseHeadcount(value: string, previous: Headcount[] = []): Headcount[] {
  const comma = value.lastIndexOf(',');
  const when = value.slice(0, comma).trim();
  const count = Number(value.slice(comma + 1).trim());
  if (comma < 0 || when === '' || !Number.isInteger(count) || count < 0) {
    throw new InvalidArgumentError('expected "t,N": a time and a whole number of people, e.g. 1710412200,12');
  }
  let t = Number(when);
  if (!Number.isFinite(t)) {
    // Without a zone, Date.parse reads local time: ambiguous across machines, so refused.
    if (!/(Z|[+-]\d\d:?\d\d)$/i.test(when)) {
      throw new InvalidArgumentError(
        `"${when.slice(0, 40)}": give Unix seconds or a time with its zone, e.g. 2024-03-14T10:30Z`,
      );
    }
    t = Date.parse(when) / 1000;
    if (!Number.isFinite(t)) throw new InvalidArgumentError(`"${when.slice(0, 40)}" is not a time`);
  }
  return [...previous, { t, count }];
}

/** One id for every capture, or one per capture. */
function sensorIdsOf(value: string, captures: number): string | string[] {
  const ids = value.split(',').map((id) => id.trim());
  if (ids.some((id) => id === '')) throw new UsageError(`--sensor "${value}": empty sensor id`);
  if (ids.length === 1) return ids[0]!;
  if (ids.length !== captures) {
    throw new UsageError(
      `--sensor lists ${ids.length} ids for ${captures} captures: give one, or one per capture`,
    );
  }
  return ids;
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of days (0 or more)');
  return n;
}

function readTruth(path: string): TruthRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${path}: ${(error as Error).message}`);
  }
  const parsed = parseTruthCsv(text);
  if (!parsed.ok) {
    const shown = parsed.errors.slice(0, 10).map((e) => `  - ${e}`);
    if (parsed.errors.length > 10) shown.push(`  … ${parsed.errors.length - 10} more`);
    throw new UsageError(`${path}: not a truth CSV ("t,count", t in Unix seconds):\n${shown.join('\n')}`);
  }
  return parsed.rows;
}

function scoreJson(score: Score): Record<string, number | null> {
  return {
    windows: score.windows,
    mae: Number.isFinite(score.mae) ? round(score.mae) : null,
    r: score.r === null ? null : round(score.r),
    coverage: score.coverage === null ? null : round(score.coverage),
  };
}

/** The JSON report: per window, and the score with --truth. Hashed or raw addresses never appear. */
export function countJson(report: CountReport): string {
  const windows = report.windows.map((w) => ({
    start: w.start,
    end: w.end,
    addresses: w.addresses,
    devices: w.devices,
    randomizedDevices: w.randomizedDevices,
    estimate: round(w.estimate),
    low: round(w.low),
    high: round(w.high),
    ...(w.scale === undefined ? {} : { scale: round(w.scale) }),
    ...(w.truth === undefined ? {} : { truth: round(w.truth) }),
  }));
  return JSON.stringify({
    windows,
    ...(report.headcounts === undefined ? {} : { headcounts: report.headcounts }),
    ...(report.score === undefined ? {} : { score: scoreJson(report.score) }),
  });
}

function formatScore(score: Score): string {
  if (score.windows === 0) return 'no window has ground truth';
  const r = score.r === null ? 'n/a' : score.r.toFixed(3);
  const coverage = score.coverage === null ? 'n/a' : `${(score.coverage * 100).toFixed(0)}%`;
  return `${score.windows} windows with truth: mean absolute error ${score.mae.toFixed(2)} people, correlation ${r}, truth inside the interval in ${coverage}`;
}

function countTable(report: CountReport): string {
  const withTruth = report.score !== undefined;
  const calibrated = report.headcounts !== undefined;
  const headers = ['start (UTC)', 'end', 'addresses', 'devices', 'randomized', 'people', 'interval'];
  if (calibrated) headers.push('scale');
  if (withTruth) headers.push('truth');
  const rows = report.windows.map((w) => {
    const row = [
      formatTime(w.start),
      formatTime(w.end).slice(11),
      String(w.addresses),
      String(w.devices),
      String(w.randomizedDevices),
      w.estimate.toFixed(1),
      `${w.low.toFixed(1)}-${w.high.toFixed(1)}`,
    ];
    if (calibrated) row.push((w.scale ?? 1).toFixed(2));
    if (withTruth) row.push(w.truth === undefined ? '' : w.truth.toFixed(1));
    return row;
  });
  return formatTable(headers, rows);
}

function loadConfigOrDefault(path: string | undefined, mustExist: boolean): CountingConfig {
  if (path === undefined) return {};
  if (!mustExist && !existsSync(path)) return {};
  return loadCountingConfig(path);
}

/** Truth that does not cover every window, or headcounts outside the captures: said on stderr. */
function warnAboutInputs(report: CountReport): void {
  const without = report.windowsWithoutTruth ?? 0;
  if (without > 0) {
    process.stderr.write(
      `airtrace count: ${without} of ${report.windows.length} windows have no ground truth (before its first row, ` +
        'or after a break of over an hour in the captures with no row since): left out of the score\n',
    );
  }
  const skipped = report.headcounts?.skipped ?? 0;
  if (skipped > 0) {
    process.stderr.write(`airtrace count: ${skipped} headcount(s) fall outside every window: not used\n`);
  }
}

function reportInputs(captures: LoadedCaptures): void {
  for (const f of captures.failures) process.stderr.write(`airtrace: ${f.path}: ${f.message}\n`);
}

export function countCommand(): Command {
  return new Command('count')
    .summary('estimate people (not MAC addresses) per window, with an interval')
    .description(
      'Reads capture files (pcap, pcapng, btsnoop; - for standard input) as one sensor, groups the ' +
        'rotating addresses of each device (probe-request fingerprint, sequence numbers, timing, SSIDs, ' +
        'RSSI), decides which devices are in the space (RSSI, dwell, fixed equipment, the ignore list) ' +
        'and estimates the people per window with an interval. ' +
        'With --truth it scores the estimates; with --fit it learns the parameters from the captures ' +
        'and the truth and writes them to the --config file (settings already in it, such as the ' +
        'ignore list, are kept).',
    )
    .argument('<captures...>', 'capture files, or - for standard input')
    .option('--window <seconds>', 'window length in seconds', positiveNumber, 600)
    .option('--config <file>', 'counting parameters (JSON); with --fit, the file to write')
    .option(
      '--truth <file>',
      'ground truth CSV "t,count" (t in Unix seconds; a count holds until the next row)',
    )
    .option('--json', 'print JSON instead of the table')
    .option('--fit', 'fit the parameters on the captures and --truth, and write them to --config')
    .option(
      '--sensor <ids>',
      'sensor id of the captures (per-sensor RSSI offsets in the config); several sensors in one room: ' +
        'one id per capture, comma-separated, and each device counts once',
      'local',
    )
    .option(
      '--headcount <t,N>',
      'N people counted at time t (Unix seconds, or ISO 8601 with zone); repeatable. The estimates ' +
        'and intervals of every window are recalibrated from the counts',
      parseHeadcount,
    )
    .option(
      '--half-life <days>',
      'with --fit: a window this many days older than the newest counts half as much (0: all alike)',
      nonNegativeNumber,
      DEFAULT_HALF_LIFE_DAYS,
    )
    .addHelpText(
      'after',
      '\nJSON output: {"windows": [{"start": t, "end": t, "addresses": N, "devices": N, "randomizedDevices": N,\n' +
        '  "estimate": x, "low": x, "high": x}, ...]}; addresses: distinct transmitter addresses heard (what\n' +
        '  unique-MAC counters show). With --headcount each window also has "scale": x (people per unit of\n' +
        '  the model\'s estimate, as the counts moved it) and "headcounts": {"used": N, "skipped": N} is added.\n' +
        '  With --truth each window with truth has "truth": x, and "score": {"windows": N, "mae": x, "r": x,\n' +
        '  "coverage": x} is added (coverage: share of windows whose truth lies in [low, high]).\n' +
        'Truth: a count holds until the next row, but not across a break of over an hour in the captures;\n' +
        '  windows it does not cover are left out of the score and counted in a warning.\n' +
        'Example: airtrace count --fit --truth truth.csv --config counting.json day1.pcap day2.pcap\n' +
        '         airtrace count --config counting.json --window 600 day3.pcap\n' +
        '         airtrace count --headcount 2024-03-14T10:30Z,12 --headcount 1710424800,15 day3.pcap\n' +
        'Exit status: 0 when every input was read to its end, 1 otherwise (the reason is printed).',
    )
    .action(async (files: string[], flags: CountFlags) => {
      try {
        process.exitCode = await runCount(files, flags);
      } catch (error) {
        if (
          error instanceof UsageError ||
          error instanceof CountingConfigError ||
          error instanceof RangeError
        ) {
          process.stderr.write(`airtrace count: ${error.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw error;
      }
    });
}

async function runCount(files: string[], flags: CountFlags): Promise<number> {
  if (flags.fit && (flags.truth === undefined || flags.config === undefined)) {
    throw new UsageError('--fit needs --truth FILE (what to fit to) and --config FILE (where to write)');
  }
  const config = loadConfigOrDefault(flags.config, !flags.fit);
  const truth = flags.truth === undefined ? undefined : readTruth(flags.truth);
  const bar = new ProgressBar();
  let captures: LoadedCaptures;
  try {
    captures = await loadCaptures(files, {
      sensorId: sensorIdsOf(flags.sensor, files.length),
      onProgress: ({ path, bytes, totalBytes }) => bar.update(path, bytes, totalBytes),
    });
  } finally {
    bar.done();
  }
  reportInputs(captures);
  const status = captures.failures.length > 0 ? 1 : 0;
  if (captures.recordings.length === 0) throw new UsageError('no frame with a timestamp in the captures');

  if (flags.fit) {
    const halfLifeDays = flags.halfLife > 0 ? flags.halfLife : Infinity;
    const { config: fitted, fit } = fitCounting(captures, truth!, flags.window, config, { halfLifeDays });
    saveCountingConfig(flags.config!, fitted);
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ written: flags.config, presence: fitted.presence, model: fitted.model, fitted: fitted.fitted })}\n`,
      );
    } else {
      const weights = fit.model.levels
        .map((level, k) => `${level} dBm: ${(fit.model.weights.wifi[k] ?? 0).toFixed(2)}`)
        .join(', ');
      process.stdout.write(
        `fitted on ${fit.cv.windows} windows of ${flags.window} s from ${captures.recordings.length} recording(s), ` +
          `${fit.folds}-fold cross-validation\n` +
          `  hold ${fit.holdSeconds} s (tried ${fit.candidates.map((c) => `${c.holdSeconds} s: ${c.cvMae.toFixed(2)}`).join(', ')})\n` +
          `  people per device by RSSI level: ${weights}\n` +
          `  devices count from ${fit.presenceRssi ?? 'n/a'} dBm; interval ${(fit.model.interval.level * 100).toFixed(0)}%\n` +
          `  cross-validated: ${formatScore(fit.cv)}\n` +
          `written to ${flags.config}\n`,
      );
    }
    return status;
  }

  const params = countingParamsOf(config, captures.hashMac);
  const report = countPeople(captures, params, flags.window, truth, flags.headcount ?? []);
  warnAboutInputs(report);
  if (flags.json) {
    process.stdout.write(`${countJson(report)}\n`);
  } else {
    process.stdout.write(`${countTable(report)}\n`);
    const skipped = Object.entries(captures.skipped).map(([reason, n]) => `${reason}: ${n}`);
    process.stdout.write(
      `\n${captures.frames} frames in ${captures.recordings.length} recording(s), ${report.windows.length} windows of ${flags.window} s` +
        (skipped.length > 0 ? `; skipped ${skipped.join(', ')}` : '') +
        (config.model === undefined ? '; default parameters (fit them with --fit)' : '') +
        '\n',
    );
    if (report.headcounts !== undefined) {
      process.stdout.write(
        `calibrated by ${report.headcounts.used} headcount(s): scale = people per unit of the model's estimate\n`,
      );
    }
    if (report.score !== undefined) process.stdout.write(`${formatScore(report.score)}\n`);
  }
  return status;
}
