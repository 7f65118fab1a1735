import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { PositioningInputError, positionsOf, readTruthFiles } from '../app/batch/positioningInputs.ts';
import {
  type PositioningEvaluation,
  evaluatePositioning,
  formatTable,
  jsonSummary,
  mergeEvaluations,
} from '../app/batch/positioningEval.ts';
import { writeReport } from '../app/batch/positioningReport.ts';
import { METHOD_NAMES, createMethods, isMethodName } from '../core/positioning/methods.ts';
import { loadSiteAndLogs, methodHelp, warn } from './locateCommand.ts';
import { ProgressBar } from './progressBar.ts';
import { positiveNumber } from './replayCommand.ts';

interface EvalPositioningFlags {
  site: string;
  truth?: string[];
  solvers?: string[];
  window: number;
  json?: boolean;
  report?: string;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function solverList(value: string): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((n) => !isMethodName(n));
  if (names.length === 0 || unknown.length > 0)
    throw new InvalidArgumentError(
      `${unknown.length > 0 ? `unknown solver(s) ${unknown.join(', ')}; ` : ''}known: ${METHOD_NAMES.join(', ')}`,
    );
  return [...new Set(names)];
}

/** `airtrace eval positioning`: every solver's error against the truth, side by side. */
export function evalPositioningCommand(): Command {
  return new Command('positioning')
    .summary("measure every positioning method's error against ground truth")
    .description(
      'Positions the device of each probe log with every method the site supports (or those of --solvers), ' +
        "compares each fix with the truth at the fix's time and prints each method's error in metres " +
        '(median, mean, 90th percentile), the best (lowest median, then p90) marked with *, and how often ' +
        "each fix's 90% circle holds the truth (cover90, about 0.9 when the error bars are calibrated). " +
        'With zones in the site file, it also prints the share of windows assigned the wrong zone (also ' +
        'counting only truths 1 m or more from a zone border) and zone changes per minute, beyond the true ones. ' +
        'The calibration comes from the site file (see airtrace calibrate); calibrating on the same ' +
        'recordings flatters the figures, so evaluate on recordings the calibration did not see. ' +
        "A log named X-Y.log was recorded at that spot; other logs take the device's position from the " +
        '--truth CSV, interpolated at the fix time (rows more than 2 s apart are a gap, unless both are at ' +
        'the same place: a device that stood still needs only its start and end rows). Each log is one ' +
        'recording, holding every sensor. Readings of 0 dBm or more are skipped and counted.',
    )
    .argument('<logs...>', 'probe-log CSV files, one recording each')
    .requiredOption('--site <file>', 'site file (JSON or YAML) with the calibration to evaluate')
    .option(
      '--truth <file>',
      'ground truth CSV "t,x,y" (t in Unix seconds, float; x, y in metres); repeat for several files',
      collect,
    )
    .option(
      '--solvers <names>',
      'comma-separated methods to run (default: all the site supports)',
      solverList,
    )
    .option('--window <seconds>', 'window length in seconds', positiveNumber, 2)
    .option('--json', 'print one JSON object instead of the table')
    .option(
      '--report <dir>',
      'write cdf.svg (error CDF), coverage.svg (90% circles), zones.svg (zone assignments over time, with ' +
        'zones), per-spot.md and per-spot.csv (per log), fixes.csv and summary.json here',
    )
    .addHelpText(
      'after',
      `\nMethods (survey methods need a site calibrated with a survey):\n${methodHelp()}\n` +
        '\nJSON output: {"solvers": {"<name>": {"n": N, "median": m, "mean": m, "p90": m, "coverage90": share}},\n' +
        '  "best": "<name>", "zones"?: {"<name>": {"wrongRate": share, "wrongRateAwayFromBorders": share,\n' +
        '  "changesPerMinute": r, "trueChangesPerMinute": r, "excessChangesPerMinute": r}},\n' +
        '  "skipped": {"noRssi": N, "nonNegativeRssi": N}}\n' +
        '  n: fixes compared with the truth; errors in metres; null where a solver has no fix.\n' +
        'Example: airtrace eval positioning --site site.json --truth truth.csv --report out/ walk1.log walk2.log\n' +
        'Exit status: 0 on success, 1 when the inputs give no fix to compare (the reason is printed).',
    )
    .action(async (files: string[], flags: EvalPositioningFlags) => {
      await runEvalPositioning(files, flags);
    });
}

/** `airtrace eval`, the accuracy harnesses; `positioning` is one of them. */
export function evalCommand(): Command {
  return new Command('eval')
    .summary('measure accuracy against ground truth')
    .description('Accuracy harnesses on your own recordings with ground truth.')
    .addCommand(evalPositioningCommand());
}

async function runEvalPositioning(files: string[], flags: EvalPositioningFlags): Promise<void> {
  const { site, logs } = await loadSiteAndLogs(flags.site, files);
  if (site.floors.length > 1)
    throw new PositioningInputError(
      `${flags.site} has floors; evaluate one floor at a time, with a site file per floor`,
    );
  const floor = site.floors[0]!.site;
  let truth;
  if (flags.truth) {
    truth = await readTruthFiles(flags.truth);
    for (const w of truth.warnings) warn(w);
  }
  // Where each log's device was: its spot (X-Y.log) or the truth; stops here when a log has neither.
  const where = positionsOf(logs.logs, truth?.points);

  const { methods, unavailable } = createMethods(floor, flags.solvers ?? METHOD_NAMES);
  if (flags.solvers && unavailable.length > 0)
    throw new PositioningInputError(
      unavailable.map((u) => `solver ${u.name} is not available for ${flags.site}: ${u.reason}`).join('; '),
    );
  if (unavailable.length > 0)
    warn(
      `skipped ${unavailable.map((u) => u.name).join(', ')}: ${[...new Set(unavailable.map((u) => u.reason))].join('; ')}`,
    );
  const solvers = methods.map((m) => m.name);

  const bar = new ProgressBar();
  const parts: PositioningEvaluation[] = [];
  try {
    let done = 0;
    for (const [i, log] of logs.logs.entries()) {
      bar.update(`evaluating ${log.name}`, done, logs.totalBytes);
      parts.push(
        evaluatePositioning({
          site: floor,
          logs: [{ name: log.name, observations: log.observations, ...(log.spot ? { spot: log.spot } : {}) }],
          truthAt: where[i]!,
          solvers,
          windowSeconds: flags.window,
        }),
      );
      done += log.bytes;
      bar.update(`evaluating ${log.name}`, done, logs.totalBytes);
    }
  } finally {
    bar.done();
  }
  const result = mergeEvaluations(parts);
  result.windowSeconds = flags.window;

  const compared = Object.values(result.solvers).reduce((n, s) => n + s.n, 0);
  if (compared === 0)
    throw new PositioningInputError(
      result.unmatched > 0
        ? "no window of the logs has a truth position at its time: the truth CSV's t (Unix seconds) must cover the logs"
        : 'no fix to compare: every window was refused (too few of the sensors heard the device?)',
    );
  if (result.unmatched > 0)
    warn(`${result.unmatched} window(s) have no truth at their time and are left out of every figure`);
  if (result.skipped.nonNegativeRssi > 0)
    warn(
      `${result.skipped.nonNegativeRssi} reading(s) of 0 dBm or more were skipped (no receiver hears a device that loud)`,
    );

  let reportFiles: string[] = [];
  if (flags.report !== undefined) {
    try {
      reportFiles = await writeReport(resolve(flags.report), result, {
        title: `Position error CDF, ${logs.logs.length} recording(s), ${flags.window} s windows`,
        zoneMethods: solvers.filter((n) => result.zones[n] !== undefined),
      });
    } catch (err) {
      throw new PositioningInputError(`${flags.report}: cannot write the report: ${(err as Error).message}`);
    }
  }

  if (flags.json) process.stdout.write(`${JSON.stringify(jsonSummary(result))}\n`);
  else {
    process.stdout.write(
      `${logs.logs.length} recording(s), ${flags.window} s windows, error in metres (* best); ` +
        `calibration from ${flags.site}\n${formatTable(result)}\n`,
    );
    if (reportFiles.length > 0) process.stdout.write(`report: ${reportFiles.join(', ')}\n`);
  }
  const empty = solvers.filter((n) => result.solvers[n]!.n === 0);
  if (empty.length > 0) warn(`no fix compared with the truth for ${empty.join(', ')}`);
}
