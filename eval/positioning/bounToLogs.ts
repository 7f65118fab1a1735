/**
 * Converts the BOUN position-annotated BLE recordings into what airtrace reads from a real site:
 * probe logs in the positioning document's format, ground-truth CSVs and a site file. The
 * evaluation then goes through the real importer, exactly as a user's recordings would.
 *
 *   node --import tsx eval/positioning/bounToLogs.ts [DATA_DIR] [OUT_DIR]
 *
 * DATA_DIR defaults to ../shared/data/positioning/boun, OUT_DIR to eval/out/boun. It writes
 *   tracks/<name>.log, tracks/<name>.truth.csv  one per walked track (6)
 *   truth.csv                                   all tracks' truth in one file
 *   spots/<x>-<y>.log                           the fingerprint sample, recorded at one known spot
 *   site.json                                   the 12 sensors, the area and four zones
 *   site-furnished.json                         the same with the desks of the floor plan as obstacles
 *
 * Dataset facts used (see its cnf_README.md and trk_README.md): sensors and their 3-D positions
 * in cnf_tetam.dev (`Dongles:{mac: [[x, y, z], colour, alias]}`), the area in cnf_tetam.par
 * (`limits`), track lines `ts,sensor,beacon,rssi,x,y,z,<3x3 orientation>`, fingerprint lines
 * `ts,sensor,beacon,rssi`. The beacon was carried at chest height (track z is 1.79-1.84 m), so
 * the site file says deviceZ 1.8. BLE advertising channels are not recorded: Channel stays empty.
 * The zones split the area into four quadrants at x = 10.33 and y = 8.82 (its middle), as the
 * zone targets of issue 13 do: SW, NW, SE, NE with x to the east and y to the north.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { normalizeMac } from '../../src/core/identity/mac.ts';
import { PROBE_LOG_HEADER, formatProbeLogLine } from '../../src/core/positioning/probeLogLine.ts';
import { type TruthPoint, formatTruthCsv } from '../../src/core/positioning/truth.ts';
import { readBounDeskBlocks } from './bounFloorPlan.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_BOUN_DIR = resolve(repoRoot, '../shared/data/positioning/boun');
export const DEFAULT_BOUN_OUT = resolve(repoRoot, 'eval/out/boun');

export interface BounSensor {
  id: string;
  x: number;
  y: number;
  z: number;
  label: string;
}

export interface BounRow {
  t: number;
  sensor: string;
  beacon: string;
  rssi: number;
  /** Present on track lines only. */
  position?: { x: number; y: number; z: number };
}

/** `Dongles:{...}` and `Beacons:{...}` lines of cnf_tetam.dev. */
export function parseBounDevices(text: string): { sensors: BounSensor[]; beacons: string[] } {
  const section = (name: string): Record<string, [number[], number, string]> => {
    const m = new RegExp(`^${name}:(\\{.*\\})\\s*$`, 'm').exec(text);
    return m ? (JSON.parse(m[1]!) as Record<string, [number[], number, string]>) : {};
  };
  const sensors = Object.entries(section('Dongles')).map(([id, [pos, , label]]) => ({
    id,
    x: pos[0]!,
    y: pos[1]!,
    z: pos[2]!,
    label,
  }));
  return { sensors, beacons: Object.keys(section('Beacons')) };
}

/** The `limits` of cnf_tetam.par: `[xmin, ymin, xmax, ymax]` in metres. */
export function parseBounLimits(text: string): [number, number, number, number] {
  const m = /"limits"\s*:\s*\[([^\]]*)\]/.exec(text);
  const v = m ? m[1]!.split(',').map(Number) : [];
  if (v.length !== 4 || !v.every(Number.isFinite)) throw new Error('cnf_tetam.par has no usable "limits"');
  return [v[0]!, v[1]!, v[2]!, v[3]!];
}

/** One mbd line (track or fingerprint); undefined for anything else. */
export function parseBounLine(line: string): BounRow | undefined {
  const f = line.trim().split(',');
  if (f.length < 4) return undefined;
  const row: BounRow = { t: Number(f[0]), sensor: f[1]!, beacon: f[2]!, rssi: Number(f[3]) };
  if (!Number.isFinite(row.t) || !Number.isFinite(row.rssi)) return undefined;
  if (f.length >= 7) {
    const [x, y, z] = [Number(f[4]), Number(f[5]), Number(f[6])];
    if ([x, y, z].every(Number.isFinite)) row.position = { x, y, z };
  }
  return row;
}

/** A BOUN row as a probe-log line: the sensor is the probe, the beacon the source. */
export function bounRowToProbeLog(row: BounRow): string {
  return formatProbeLogLine({
    timestampUs: row.t * 1e6,
    probe: row.sensor,
    source: normalizeMac(row.beacon) ?? row.beacon,
    frameType: 'adv-ind',
    rssi: row.rssi,
  });
}

/** Truth points from track rows: one per distinct timestamp, in time order. */
export function bounTruth(rows: readonly BounRow[]): TruthPoint[] {
  const seen = new Set<number>();
  const out: TruthPoint[] = [];
  for (const r of rows) {
    if (!r.position || seen.has(r.t)) continue;
    seen.add(r.t);
    out.push({ t: r.t, x: r.position.x, y: r.position.y });
  }
  return out.sort((a, b) => a.t - b.t);
}

/** The four quadrants of the area, split at x = 10.33 and y = 8.82. */
export function bounZones(
  bounds: readonly [number, number, number, number],
  split: { x: number; y: number } = { x: 10.33, y: 8.82 },
): { name: string; polygon: [number, number][] }[] {
  const [x0, y0, x1, y1] = bounds;
  const box = (a: number, b: number, c: number, d: number): [number, number][] => [
    [a, b],
    [c, b],
    [c, d],
    [a, d],
  ];
  return [
    { name: 'SW', polygon: box(x0, y0, split.x, split.y) },
    { name: 'NW', polygon: box(x0, split.y, split.x, y1) },
    { name: 'SE', polygon: box(split.x, y0, x1, split.y) },
    { name: 'NE', polygon: box(split.x, split.y, x1, y1) },
  ];
}

export interface BounConversion {
  site: string;
  /** The same site with the floor plan's desks as obstacles. */
  furnishedSite: string;
  truth: string;
  tracks: { name: string; log: string; truth: string; frames: number; seconds: number }[];
  spots: { log: string; frames: number }[];
}

function parseLines(text: string): BounRow[] {
  return text.split('\n').flatMap((l) => parseBounLine(l) ?? []);
}

export async function convertBoun(
  dataDir = DEFAULT_BOUN_DIR,
  outDir = DEFAULT_BOUN_OUT,
): Promise<BounConversion> {
  const { sensors } = parseBounDevices(await readFile(join(dataDir, 'cnf_tetam.dev'), 'utf8'));
  const bounds = parseBounLimits(await readFile(join(dataDir, 'cnf_tetam.par'), 'utf8'));
  await mkdir(join(outDir, 'tracks'), { recursive: true });
  await mkdir(join(outDir, 'spots'), { recursive: true });

  const site = {
    sensors: sensors.map((s) => ({ id: s.id, label: s.label, x: s.x, y: s.y, z: s.z })),
    bounds,
    deviceZ: 1.8,
    zones: bounZones(bounds),
  };
  const sitePath = join(outDir, 'site.json');
  await writeFile(sitePath, `${JSON.stringify(site, null, 2)}\n`);
  const desks = await readBounDeskBlocks(join(dataDir, 'map_tetam_sensors.png'));
  const furnished = {
    ...site,
    obstacles: desks.map(([x0, y0, x1, y1], i) => ({
      name: `desk block ${i + 1}`,
      polygon: [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
      ],
    })),
  };
  const furnishedPath = join(outDir, 'site-furnished.json');
  await writeFile(furnishedPath, `${JSON.stringify(furnished, null, 2)}\n`);

  const tracks: BounConversion['tracks'] = [];
  const allTruth: TruthPoint[] = [];
  const trackFiles = (await readdir(dataDir)).filter((f) => /^trk_.*\.mbd$/.test(f)).sort();
  for (const file of trackFiles) {
    const name = file
      .replace(/^trk_/, '')
      .replace(/_all_sensors\.mbd$/, '')
      .replace(/\.mbd$/, '');
    const rows = parseLines(await readFile(join(dataDir, file), 'utf8')).sort((a, b) => a.t - b.t);
    const log = join(outDir, 'tracks', `${name}.log`);
    const truthPath = join(outDir, 'tracks', `${name}.truth.csv`);
    await writeFile(log, `${PROBE_LOG_HEADER}\n${rows.map(bounRowToProbeLog).join('\n')}\n`);
    const truth = bounTruth(rows);
    await writeFile(truthPath, formatTruthCsv(truth));
    allTruth.push(...truth);
    tracks.push({
      name,
      log,
      truth: truthPath,
      frames: rows.length,
      seconds: truth.length > 0 ? truth[truth.length - 1]!.t - truth[0]!.t : 0,
    });
  }
  const truthPath = join(outDir, 'truth.csv');
  await writeFile(truthPath, formatTruthCsv(allTruth.sort((a, b) => a.t - b.t)));

  // The fingerprint sample: files sensorNN_<x>_<y>_<z>.mbd, all at one spot.
  const spots: BounConversion['spots'] = [];
  const hstDir = join(dataDir, 'hst_set_1_sample');
  const hstFiles = (await readdir(hstDir).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.mbd'))
    .sort();
  const bySpot = new Map<string, BounRow[]>();
  for (const file of hstFiles) {
    const m = /^sensor\d+_(-?[\d.]+)_(-?[\d.]+)_(-?[\d.]+)\.mbd$/.exec(basename(file));
    if (!m) continue;
    const key = `${m[1]}-${m[2]}`;
    const rows = parseLines(await readFile(join(hstDir, file), 'utf8'));
    bySpot.set(key, [...(bySpot.get(key) ?? []), ...rows]);
  }
  for (const [key, rows] of bySpot) {
    rows.sort((a, b) => a.t - b.t);
    const log = join(outDir, 'spots', `${key}.log`);
    await writeFile(log, `${PROBE_LOG_HEADER}\n${rows.map(bounRowToProbeLog).join('\n')}\n`);
    spots.push({ log, frames: rows.length });
  }
  return { site: sitePath, furnishedSite: furnishedPath, truth: truthPath, tracks, spots };
}

async function main(): Promise<void> {
  const [dataDir = DEFAULT_BOUN_DIR, outDir = DEFAULT_BOUN_OUT] = process.argv.slice(2);
  const conversion = await convertBoun(resolve(dataDir), resolve(outDir)).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        process.stderr.write(
          `The BOUN recordings are not at ${dataDir}.\nThis converter needs ../shared/data (present where airtrace is developed and in CI, not in a fresh clone).\n`,
        );
        process.exit(2);
      }
      throw err;
    },
  );
  for (const t of conversion.tracks)
    process.stderr.write(`${t.name}: ${t.frames} frames over ${t.seconds.toFixed(1)} s -> ${t.log}\n`);
  for (const s of conversion.spots) process.stderr.write(`spot: ${s.frames} frames -> ${s.log}\n`);
  process.stderr.write(`site -> ${conversion.site}\ntruth -> ${conversion.truth}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
