import { Command, Option } from 'commander';
import { parseSiteKey } from '../adapters/identity/siteKeyFile.ts';
import { formatTable } from '../adapters/export/textTable.ts';
import {
  type LoadedLogs,
  type LoadedSite,
  type LocateReport,
  METHOD_PREFERENCE,
  PositioningInputError,
  defaultMethod,
  deviceHasher,
  loadPositioningSite,
  locateLogs,
  readPositioningLogs,
  unknownProbes,
} from '../app/batch/positioningInputs.ts';
import { METHOD_NAMES, METHOD_SUMMARIES, type MethodName } from '../core/positioning/methods.ts';
import { ProgressBar } from './progressBar.ts';
import { positiveNumber } from './replayCommand.ts';

/** Short device ids in tables, as the replay tables show them. */
const SHORT_ID = 12;

export function warn(message: string): void {
  for (const line of message.split('\n')) process.stderr.write(`airtrace: warning: ${line}\n`);
}

/** The site file and the logs, with their warnings on stderr and a progress bar on a terminal. */
export async function loadSiteAndLogs(
  sitePath: string,
  paths: readonly string[],
): Promise<{ site: LoadedSite; logs: LoadedLogs }> {
  const site = await loadPositioningSite(sitePath);
  for (const w of site.warnings) warn(`${sitePath}: ${w}`);
  const bar = new ProgressBar();
  let logs: LoadedLogs;
  try {
    logs = await readPositioningLogs(paths, ({ label, bytes, totalBytes }) =>
      bar.update(label, bytes, totalBytes),
    );
  } finally {
    bar.done();
  }
  for (const w of logs.warnings) warn(w);
  const unknown = unknownProbes(logs.logs, site.floors);
  const heard = new Set(logs.logs.flatMap((l) => l.observations.map((o) => o.sensorId)));
  if (heard.size > 0 && unknown.length === heard.size)
    throw new PositioningInputError(
      `none of the logs' probes (ProbeMac) is a sensor of ${sitePath}: the logs have ${unknown.join(', ')}`,
    );
  if (unknown.length > 0)
    warn(
      `${unknown.length} probe(s) in the logs are not in ${sitePath}; their lines are left out: ${unknown.join(', ')}`,
    );
  return { site, logs };
}

function formatTime(t: number, withMilliseconds: boolean): string {
  return new Date(t * 1000)
    .toISOString()
    .replace('T', ' ')
    .slice(0, withMilliseconds ? 23 : 19);
}

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

/** The `--json` shape: `{"fixes": [{"t", "end", "device", "x", "y", "sensors", "spread"?, "radius90"?, ...}], "refused": {reason: N}}`. */
export function locateJson(report: LocateReport): string {
  const fixes = report.fixes.map((f) => ({
    t: f.start,
    end: f.end,
    device: f.device,
    x: round(f.x),
    y: round(f.y),
    sensors: f.sensors,
    ...(f.spread === undefined ? {} : { spread: round(f.spread) }),
    ...(f.radius90 === undefined ? {} : { radius90: round(f.radius90) }),
    ...(f.predicted ? { predicted: true } : {}),
    ...(f.floor === undefined ? {} : { floor: f.floor }),
    ...(f.zone === undefined ? {} : { zone: f.zone }),
  }));
  return JSON.stringify({ method: report.method, fixes, refused: report.refused });
}

function locateTable(report: LocateReport): string {
  const ms = !Number.isInteger(report.windowSeconds);
  const floors = report.fixes.some((f) => f.floor !== undefined);
  const zones = report.fixes.some((f) => f.zone !== undefined);
  const headers = ['start (UTC)', 'device', 'x (m)', 'y (m)', 'sensors', 'spread (m)', '90% radius (m)'];
  if (floors) headers.push('floor');
  if (zones) headers.push('zone');
  const rows = report.fixes.map((f) => {
    const row = [
      formatTime(f.start, ms),
      f.device.slice(0, SHORT_ID),
      f.x.toFixed(2),
      f.y.toFixed(2),
      String(f.sensors),
      f.spread === undefined ? '' : f.spread.toFixed(2) + (f.predicted ? ' (predicted)' : ''),
      f.radius90 === undefined ? '' : f.radius90.toFixed(2),
    ];
    if (floors) row.push(f.floor ?? '');
    if (zones) row.push(f.zone ?? '');
    return row;
  });
  return formatTable(headers, rows);
}

export function methodHelp(): string {
  const width = Math.max(...METHOD_NAMES.map((n) => n.length));
  return METHOD_NAMES.map((n) => `  ${n.padEnd(width)}  ${METHOD_SUMMARIES[n]}`).join('\n');
}

interface LocateFlags {
  site: string;
  method?: MethodName;
  window: number;
  siteKey?: string;
  json?: boolean;
}

export function locateCommand(): Command {
  return new Command('locate')
    .summary('position every device per window from probe logs and a site file')
    .description(
      'Reads probe logs (the multi-probe CSV: Timestamp(us),ProbeMac,SourceMac,...,RSSI,Channel,SSID) ' +
        'and the site file (sensors at known positions, the floor, and what airtrace calibrate fitted), ' +
        'groups the lines into windows per device, and prints where each device was in each window. ' +
        'Logs are read together, so logs of different sensors over the same time combine. ' +
        'Devices are shown by the keyed hash of their MAC, never the MAC itself.',
    )
    .argument('<logs...>', 'probe-log CSV files')
    .requiredOption('--site <file>', 'site file (JSON or YAML): sensors, bounds, calibration')
    .addOption(
      new Option(
        '--method <name>',
        `positioning method (default: the best the site supports: ${METHOD_PREFERENCE.slice(0, 3).join(', then ')}, ...)`,
      ).choices(METHOD_NAMES),
    )
    .option('--window <seconds>', 'window length in seconds', positiveNumber, 2)
    .option(
      '--site-key <hex>',
      'site key for device ids, to match the ids of replay and the hub (default: a random key, ids good for this run only)',
    )
    .option('--json', 'print one JSON object instead of the table')
    .addHelpText(
      'after',
      `\nMethods (survey methods need a site calibrated with a survey):\n${methodHelp()}\n` +
        '\nJSON output: {"method": name, "fixes": [{"t": windowStart, "end": windowEnd, "device": id, "x": m, "y": m,\n' +
        '  "sensors": N, "spread"?: m, "radius90"?: m, "predicted"?: true, "floor"?: id, "zone"?: name}],\n' +
        '  "refused": {reason: N}}\n' +
        '  t and end in Unix seconds; device is HMAC-SHA-256(site key, MAC), 32 hex digits.\n' +
        '  spread: one sigma; radius90: the circle that holds the device 9 times in 10 (calibrated by\n' +
        '  airtrace calibrate on 2+ recordings). zone: the site zone the device is in, with hysteresis:\n' +
        '  it changes only once another zone is 75% likely, so a device at a doorway does not flap.\n' +
        'Example: airtrace locate --site site.json --window 2 morning.log\n' +
        'Exit status: 0 on success, 1 when the site file or a log cannot be used (the reason is printed).',
    )
    .action(async (files: string[], flags: LocateFlags) => {
      await runLocate(files, flags);
    });
}

async function runLocate(files: string[], flags: LocateFlags): Promise<void> {
  const siteKey = flags.siteKey === undefined ? undefined : parseSiteKey(flags.siteKey, '--site-key');
  const { site, logs } = await loadSiteAndLogs(flags.site, files);
  const method = flags.method ?? defaultMethod(site.floors);
  const bar = new ProgressBar();
  let report: LocateReport;
  try {
    report = locateLogs(site, logs.logs, {
      method,
      windowSeconds: flags.window,
      hashMac: deviceHasher(siteKey),
      onProgress: (done, total) =>
        bar.update(`locating (${method})`, (done / total) * logs.totalBytes, logs.totalBytes),
    });
  } finally {
    bar.done();
  }
  if (flags.json) {
    process.stdout.write(`${locateJson(report)}\n`);
    return;
  }
  if (report.fixes.length > 0) process.stdout.write(`${locateTable(report)}\n\n`);
  const refused = Object.entries(report.refused).map(([reason, n]) => `${reason} ${n}`);
  const why =
    flags.method !== undefined
      ? ''
      : site.floors.some((f) => (f.site.survey?.length ?? 0) > 0)
        ? ' (the default for a site with a survey)'
        : ' (the default for a site without a survey)';
  process.stdout.write(
    `${report.fixes.length} fixes for ${report.devices} device(s) in ${report.windows} windows of ${flags.window} s, ` +
      `method ${method}${why}` +
      (refused.length > 0 ? `; no fix: ${refused.join(', ')}` : '') +
      '\n',
  );
}
