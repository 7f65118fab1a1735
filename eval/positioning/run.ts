/**
 * Positioning accuracy on the BOUN tracks, leave-one-track-out: for each of the six walked
 * tracks, calibrate (path loss per sensor, plus the survey for the survey-based methods) on the
 * other five, then position the held-out track with every method and compare with its truth. No
 * figure ever sees its own test track. The document's method runs with its default parameters
 * and no calibration, as the baseline.
 *
 *   node --import tsx eval/positioning/run.ts [--json] [--out DIR] [--sensitivity]
 *
 * Reads ../shared/data/positioning/boun (converted first into probe logs, truth CSVs and a site
 * file under eval/out/boun, then read back through the real importers); prints a table and the
 * JSON summary on stdout, progress on stderr, and writes the CDF plot and per-track tables into
 * eval/out/positioning/. `--sensitivity` also re-runs the survey methods with each setting
 * moved away from its default, one at a time, so nobody has to take the defaults on trust.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { readProbeLog } from '../../src/adapters/capture/probeLog.ts';
import { evaluatePositioning, formatTable, jsonSummary } from '../../src/app/batch/positioningEval.ts';
import { writeReport } from '../../src/app/batch/positioningReport.ts';
import { type Site, formatSiteIssues, loadSite, positioningSites } from '../../src/config/site.ts';
import type { ErrorSummary } from '../../src/core/positioning/errorMetrics.ts';
import type { MethodTuning } from '../../src/core/positioning/methods.ts';
import { DOCUMENT_DEFAULTS } from '../../src/core/positioning/pathLoss.ts';
import type { RssiStatistic } from '../../src/core/positioning/positioningSite.ts';
import { type BounConversion, DEFAULT_BOUN_DIR, convertBoun, repoRoot } from './bounToLogs.ts';
import { type Recording, calibrateOn, leaveOneOut, readRecordings } from './leaveOneOut.ts';

const WINDOW_SECONDS = 2;
const TARGET = { median: 1.5, p90: 3.0 };

function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** The fingerprint sample: one static spot recorded months before the tracks, calibrated on all six. */
async function evaluateSpots(site: Site, recordings: readonly Recording[], spots: BounConversion['spots']) {
  const calibrated = positioningSites(
    calibrateOn(site, recordings, { windowSeconds: WINDOW_SECONDS }).site,
  )[0]!.site;
  const logs = [];
  for (const s of spots) {
    const log = await readProbeLog(s.log);
    if (log.spot) logs.push({ name: basename(s.log), observations: log.observations, spot: log.spot });
  }
  return logs.length > 0
    ? evaluatePositioning({ site: calibrated, logs, windowSeconds: WINDOW_SECONDS })
    : undefined;
}

const SENSITIVITY: { label: string; tuning?: MethodTuning; statistic?: RssiStatistic }[] = [
  { label: 'defaults (speed 0.75 m/s, kernel 1 m, shrinkage 1, cell 0.5 m, upper quartile, lag 1)' },
  { label: 'speed sigma 0.5 m/s', tuning: { speedSigma: 0.5 } },
  { label: 'speed sigma 1.0 m/s', tuning: { speedSigma: 1 } },
  { label: 'survey kernel 0.5 m', tuning: { surveyBandwidth: 0.5 } },
  { label: 'survey kernel 2 m', tuning: { surveyBandwidth: 2 } },
  { label: 'survey shrinkage 3', tuning: { surveyShrinkage: 3 } },
  { label: 'cell 0.25 m', tuning: { cell: 0.25 } },
  { label: 'smoother lag 2', tuning: { lag: 2 } },
  { label: 'median RSSI', statistic: 'median' },
  { label: 'mean RSSI', statistic: 'mean' },
];

function sensitivity(site: Site, recordings: readonly Recording[]): string {
  const solvers = ['grid-filter', 'survey-filter', 'survey-smoother'];
  const f = (s: ErrorSummary | undefined) =>
    s?.median == null ? '-' : `${s.median.toFixed(2)} / ${s.p90!.toFixed(2)}`;
  const rows = SENSITIVITY.map(({ label, tuning, statistic }) => {
    progress(`sensitivity: ${label}`);
    const r = leaveOneOut(site, recordings, {
      windowSeconds: WINDOW_SECONDS,
      solvers,
      ...(tuning ? { tuning } : {}),
      ...(statistic ? { statistic } : {}),
    });
    return `| ${label} | ${solvers.map((n) => f(r.solvers[n])).join(' | ')} |`;
  });
  return [
    'Leave-one-track-out median / p90 error (m) with one setting moved from its default.',
    '',
    `| setting | ${solvers.join(' | ')} |`,
    `|---|${solvers.map(() => '---:').join('|')}|`,
    ...rows,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const outIndex = args.indexOf('--out');
  const outDir = resolve(
    outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1]! : join(repoRoot, 'eval/out/positioning'),
  );
  if (!existsSync(DEFAULT_BOUN_DIR)) {
    progress(
      `eval positioning: skipped. It needs the BOUN recordings at ${DEFAULT_BOUN_DIR}\n` +
        '(../shared/data is present where airtrace is developed and in CI, not in a fresh clone).',
    );
    return;
  }
  progress(`converting ${DEFAULT_BOUN_DIR} into probe logs, truth and a site file ...`);
  const conversion = await convertBoun();
  const loaded = await loadSite(conversion.site);
  if (!loaded.ok) throw new Error(`the converted site file is invalid:\n${formatSiteIssues(loaded.errors)}`);
  const site = loaded.site;

  const recordings = await readRecordings(conversion.tracks);
  for (const r of recordings)
    progress(`  ${r.name}: ${r.observations.length} observations, ${r.truth.length} truth points`);
  const result = leaveOneOut(site, recordings, {
    windowSeconds: WINDOW_SECONDS,
    onFold: (test, c) =>
      progress(
        `fold ${test.name}: calibrated on the other ${recordings.length - 1} tracks ` +
          `(shared n = ${c.n.toFixed(2)}, global residual ${c.sigmaDb.toFixed(1)} dB)`,
      ),
  });
  const spots = await evaluateSpots(site, recordings, conversion.spots);

  const files = await writeReport(outDir, result, {
    title: 'BOUN tracks, leave-one-track-out: position error CDF',
  });
  if (spots)
    files.push(
      ...(await writeReport(join(outDir, 'spot'), spots, { title: 'BOUN fingerprint spot (static)' })),
    );
  if (args.includes('--sensitivity')) {
    const path = join(outDir, 'sensitivity.md');
    await writeFile(path, sensitivity(site, recordings));
    files.push(path);
  }
  progress(`report: ${files.join(', ')}`);

  const summary = jsonSummary(result);
  if (json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    const d = DOCUMENT_DEFAULTS;
    process.stdout.write(
      `BOUN tracks, leave-one-track-out, ${WINDOW_SECONDS} s windows, error in metres (* best).\n` +
        `document = the document's method uncalibrated (P0 ${d.p0} dBm, Fm ${d.fadeMargin} dB, n ${d.n}); ` +
        'the others calibrated on the other five tracks.\n',
    );
    process.stdout.write(`${formatTable(result)}\n`);
    if (spots)
      process.stdout.write(
        `\nstatic spot 10.36-10.95 (recorded months earlier, calibrated on all six tracks)\n${formatTable(spots)}\n`,
      );
    process.stdout.write(`\n${JSON.stringify(summary)}\n`);
  }
  const best = result.best ? result.solvers[result.best] : undefined;
  const met =
    best?.median != null && best.p90 != null && best.median <= TARGET.median && best.p90 <= TARGET.p90;
  progress(
    `target (best median <= ${TARGET.median} m, p90 <= ${TARGET.p90} m): ${met ? 'met' : 'NOT met'} by ${result.best ?? 'none'}` +
      (best ? ` (median ${best.median?.toFixed(2)}, p90 ${best.p90?.toFixed(2)})` : ''),
  );
  if (!met) process.exitCode = 1;
}

await main();
