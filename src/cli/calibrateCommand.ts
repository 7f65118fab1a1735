import { Command, Option } from 'commander';
import { formatTable } from '../adapters/export/textTable.ts';
import { type Site, saveSite } from '../config/site.ts';
import {
  PositioningInputError,
  calibrationRecordings,
  readTruthFiles,
} from '../app/batch/positioningInputs.ts';
import { calibrateSite } from '../app/batch/calibrate.ts';
import type { CalibrationMode, FittedPathLoss } from '../core/positioning/calibration.ts';
import { normaliseSensorId } from '../core/positioning/probeLogLine.ts';
import type { RssiStatistic } from '../core/positioning/positioningSite.ts';
import type { SiteCalibration } from '../core/positioning/siteCalibration.ts';
import { loadSiteAndLogs, warn } from './locateCommand.ts';
import { positiveNumber } from './replayCommand.ts';

interface CalibrateFlags {
  site: string;
  truth?: string[];
  out?: string;
  mode: CalibrationMode;
  statistic: RssiStatistic;
  window: number;
  survey: boolean;
  tune: boolean;
  json?: boolean;
}

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function fitJson(f: FittedPathLoss) {
  return { rssiAt1m: round(f.rssiAt1m), n: round(f.n, 3), sigmaDb: round(f.sigmaDb), samples: f.samples };
}

/** The `--json` shape, see the help text. */
function calibrationJson(site: Site, c: SiteCalibration, written: string): string {
  const sensors: Record<string, unknown> = {};
  for (const s of site.sensors) {
    const id = normaliseSensorId(s.id);
    const f = c.fit.sensors[id];
    const survey = c.surveySigmaDb.get(id);
    sensors[s.id] = f
      ? { ...fitJson(f), ...(survey === undefined ? {} : { surveySigmaDb: round(survey) }) }
      : null;
  }
  return JSON.stringify({
    mode: c.fit.mode,
    statistic: c.statistic,
    global: fitJson(c.fit.global),
    sensors,
    surveyPoints: c.survey.length,
    tuning: c.tuning ?? null,
    warnings: c.fit.warnings,
    written,
  });
}

function calibrationTable(site: Site, c: SiteCalibration): string {
  const rows = site.sensors.map((s) => {
    const id = normaliseSensorId(s.id);
    const f = c.fit.sensors[id];
    const survey = c.surveySigmaDb.get(id);
    return f
      ? [
          s.id,
          s.label ?? '',
          String(f.samples),
          f.rssiAt1m.toFixed(1),
          f.n.toFixed(2),
          f.sigmaDb.toFixed(1),
          survey === undefined ? '' : survey.toFixed(1),
        ]
      : [s.id, s.label ?? '', '0', '-', '-', '-', 'not heard: figures unchanged'];
  });
  const g = c.fit.global;
  rows.push([
    'site (fallback)',
    '',
    String(g.samples),
    g.rssiAt1m.toFixed(1),
    g.n.toFixed(2),
    g.sigmaDb.toFixed(1),
    '',
  ]);
  return formatTable(
    ['sensor', 'label', 'samples', 'RSSI@1m (dBm)', 'n', 'residual RMS (dB)', 'survey residual (dB)'],
    rows,
    40,
  );
}

export function calibrateCommand(): Command {
  return new Command('calibrate')
    .summary('fit the path loss per sensor from recordings at known positions')
    .description(
      'Reads probe logs recorded while a device was at known positions and fits the path-loss model ' +
        'RSSI = RSSI@1m - 10 n log10(d) per sensor, by least squares on the true distances. ' +
        'A log named X-Y.log (metres, e.g. 3.5-2.log) was recorded at that spot; other logs take the ' +
        "device's position from the --truth CSV, interpolated at each window's middle. " +
        'Prints the fitted figures and each fit residual (RMS, dB), and writes them into the site file ' +
        '(or into --out), keeping everything else in it; the recordings are also kept as a survey, ' +
        'which the survey methods of locate and eval positioning use (a previous survey is replaced).',
    )
    .argument('<logs...>', 'probe-log CSV files recorded at known positions')
    .requiredOption('--site <file>', 'site file (JSON or YAML) to calibrate; written back unless --out')
    .option(
      '--truth <file>',
      'ground truth CSV "t,x,y" (t in Unix seconds, float; x, y in metres); repeat for several files',
      collect,
    )
    .option('--out <file>', 'write the calibrated site here instead of over --site (.json, .yaml or .yml)')
    .addOption(
      new Option(
        '--mode <mode>',
        'how sensors share parameters: one n for the site and RSSI@1m per sensor (shared-exponent, best on ' +
          'the BOUN tracks), both per sensor, or one pair for all',
      )
        .choices(['shared-exponent', 'per-sensor', 'global'])
        .default('shared-exponent'),
    )
    .addOption(
      new Option('--statistic <name>', 'window RSSI statistic to fit; locate reads windows the same way')
        .choices(['upper', 'median', 'mean'])
        .default('upper'),
    )
    .option('--window <seconds>', 'window length in seconds (use the one you locate with)', positiveNumber, 2)
    .option('--no-survey', 'fit the path loss only; leave any survey in the site file as it is')
    .option(
      '--no-tune',
      "skip tuning on held-out recordings (the walking speed of the grid filters and each method's " +
        '90% radius factor; it needs 2+ recordings and runs every method once per recording)',
    )
    .option('--json', 'print one JSON object instead of the table')
    .addHelpText(
      'after',
      '\nJSON output: {"mode": m, "statistic": s, "global": FIT, "sensors": {"<site id>": FIT | null},\n' +
        '  "surveyPoints": N, "tuning": TUNING | null, "warnings": [text], "written": path}\n' +
        '  FIT = {"rssiAt1m": dBm, "n": exponent, "sigmaDb": residual RMS, "samples": N, "surveySigmaDb"?: dB};\n' +
        '  null for a sensor no recording reached (its figures stay as they were).\n' +
        '  TUNING = {"radius90Scale": {"<method>": factor}, "speedSigma": {"pathLoss"?: m/s, "survey"?: m/s}}:\n' +
        '  learned by holding out each recording in turn (null with one recording or --no-tune).\n' +
        'Examples: airtrace calibrate --site site.json 3.5-2.log 7-4.5.log 12-9.log\n' +
        '          airtrace calibrate --site site.json --truth walk.csv --out site.calibrated.json walk.log\n' +
        'Exit status: 0 when the site was written, 1 otherwise (the reason is printed).',
    )
    .action(async (files: string[], flags: CalibrateFlags) => {
      await runCalibrate(files, flags);
    });
}

async function runCalibrate(files: string[], flags: CalibrateFlags): Promise<void> {
  const { site, logs } = await loadSiteAndLogs(flags.site, files);
  if (site.floors.length > 1)
    throw new PositioningInputError(
      `${flags.site} has floors; calibrate one floor at a time, with a site file per floor`,
    );
  let truth;
  if (flags.truth) {
    truth = await readTruthFiles(flags.truth);
    for (const w of truth.warnings) warn(w);
  }
  const recordings = calibrationRecordings(logs.logs, truth?.points, flags.window);
  const unplaced = recordings.reduce((n, r) => n + r.windows.filter((w) => !r.truthAt(w.t)).length, 0);
  const windows = recordings.reduce((n, r) => n + r.windows.length, 0);
  if (windows > 0 && unplaced === windows)
    throw new PositioningInputError(
      "no window of the logs has a truth position at its time: the truth CSV's t (Unix seconds) must cover the logs",
    );
  if (unplaced > 0) warn(`${unplaced} of ${windows} windows have no truth at their time and are left out`);
  const outcome = calibrateSite(site.site, recordings, {
    mode: flags.mode,
    statistic: flags.statistic,
    survey: flags.survey,
    tune: flags.tune,
    fittedAt: new Date().toISOString(),
  });
  if (!outcome.ok) throw new PositioningInputError(`calibration failed: ${outcome.error}`);
  const out = flags.out ?? flags.site;
  try {
    await saveSite(out, outcome.site);
  } catch (err) {
    throw new PositioningInputError(`${out}: cannot write the site file: ${(err as Error).message}`);
  }
  const c = outcome.calibration;
  if (flags.json) {
    process.stdout.write(`${calibrationJson(site.site, c, out)}\n`);
    return;
  }
  process.stdout.write(
    `calibrated on ${recordings.length} recording(s), ${windows - unplaced} windows of ${flags.window} s; ` +
      `mode ${c.fit.mode}, statistic ${c.statistic}\n\n${calibrationTable(site.site, c)}\n`,
  );
  for (const w of c.fit.warnings) process.stdout.write(`note: ${w}\n`);
  if (c.tuning) {
    const speeds = Object.entries(c.tuning.speedSigma ?? {}).map(([k, v]) => `${k} ${v} m/s`);
    const scales = Object.entries(c.tuning.radius90Scale ?? {}).map(([k, v]) => `${k} ${v.toFixed(2)}`);
    process.stdout.write(
      `tuned on held-out recordings: walking speed ${speeds.join(', ') || '-'}; ` +
        `90% radius = spread x ${scales.join(', ') || '-'}\n`,
    );
  } else if (flags.tune && recordings.length < 2)
    process.stdout.write('not tuned: it needs 2 or more recordings (each is held out in turn)\n');
  process.stdout.write((flags.survey ? `survey: ${c.survey.length} points\n` : '') + `written to ${out}\n`);
}
