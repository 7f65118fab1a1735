import { loadCountingConfig } from '../../src/config/countingConfig.ts';
/**
 * Ground truth for the brno recordings in the `t,count` format of `airtrace count --truth`.
 *
 * Each brno day is a pcap plus a CSV with one row per frame and an `occupancy` column (people in
 * the lab). The CSV's `datetime` is local time in Brno, so it is not used: its `idx` column is
 * the frame's index in the pcap, and the frame's own pcap timestamp (UTC) is the truth's t. A row
 * is written whenever the count changes (and at each day's first frame).
 *
 *   node --import tsx eval/occupancy/brnoTruth.ts [--out FILE] [DAY ...]
 *
 * Days default to the 13 with ground truth listed in ../shared/data/README.md (2022-10-18 to
 * 2022-11-24); 2023-04-17, also in the folder, is not one of them.
 */
import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaptureStreamReader } from '../../src/core/frames/captureReader.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BRNO_DIR = resolve(repoRoot, '../shared/data/wifi/brno');

/** The 13 days with ground truth (../shared/data/README.md). */
export const BRNO_DAYS = [
  '2022-10-18',
  '2022-10-19',
  '2022-10-25',
  '2022-10-26',
  '2022-11-01',
  '2022-11-02',
  '2022-11-08',
  '2022-11-09',
  '2022-11-15',
  '2022-11-16',
  '2022-11-22',
  '2022-11-23',
  '2022-11-24',
] as const;

/** The lab's own all-in-one computers (brno/README.md): to be ignored. One list, shared with the tests. */
export const BRNO_LAB_COMPUTERS: string[] = loadCountingConfig(
  join(repoRoot, 'test/fixtures/occupancy/brno-counting.json'),
).ignore!;

export function brnoPcap(day: string): string {
  return join(BRNO_DIR, `sc6-61_${day}_anonymized.pcap`);
}

export function brnoCsv(day: string): string {
  return join(BRNO_DIR, `sc6-61_${day}_ver-99.csv`);
}

/** Timestamps of every record of a capture, in file order. */
export async function recordTimes(path: string): Promise<number[]> {
  const times: number[] = [];
  const reader = new CaptureStreamReader({
    onRecord: (r) => times.push(r.t),
    onProblem: (p) => {
      if (p.fatal) throw new Error(`${path}: ${p.message}`);
    },
  });
  for await (const chunk of createReadStream(path)) reader.push(chunk as Uint8Array);
  reader.end();
  return times;
}

/** Occupancy per frame index from a day's CSV (`;`-separated, columns idx and occupancy). */
export function occupancyByIndex(csvText: string): Map<number, number> {
  const lines = csvText.split(/\r?\n/).filter((l) => l !== '');
  const header = lines[0]!.split(';');
  const idx = header.indexOf('idx');
  const occupancy = header.indexOf('occupancy');
  if (idx < 0 || occupancy < 0) throw new Error('the brno CSV has no idx or occupancy column');
  const out = new Map<number, number>();
  for (const line of lines.slice(1)) {
    const cells = line.split(';');
    const i = Number(cells[idx]);
    const n = Number(cells[occupancy]);
    if (Number.isInteger(i) && Number.isFinite(n)) out.set(i, n);
  }
  return out;
}

/** `t,count` rows of one day: the first frame, then every frame where the count changes. */
export async function dayTruth(day: string): Promise<{ t: number; count: number }[]> {
  const times = await recordTimes(brnoPcap(day));
  const occupancy = occupancyByIndex(readFileSync(brnoCsv(day), 'utf8'));
  const rows: { t: number; count: number }[] = [];
  let previous: number | undefined;
  for (let i = 0; i < times.length; i++) {
    const count = occupancy.get(i);
    if (count === undefined || count === previous) continue;
    rows.push({ t: times[i]!, count });
    previous = count;
  }
  return rows;
}

export function truthCsv(rows: readonly { t: number; count: number }[]): string {
  return `t,count\n${rows.map((r) => `${r.t.toFixed(6)},${r.count}`).join('\n')}\n`;
}

/** Writes the truth CSV of `days` to `out`; returns its rows. */
export async function writeBrnoTruth(
  out: string,
  days: readonly string[] = BRNO_DAYS,
): Promise<{ t: number; count: number }[]> {
  const rows: { t: number; count: number }[] = [];
  for (const day of days) rows.push(...(await dayTruth(day)));
  rows.sort((a, b) => a.t - b.t);
  writeFileSync(out, truthCsv(rows));
  return rows;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const days: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') out = args[++i];
    else days.push(args[i]!);
  }
  if (!existsSync(BRNO_DIR)) {
    process.stderr.write(`brnoTruth: needs the brno recordings at ${BRNO_DIR}\n`);
    process.exitCode = 1;
  } else {
    const target = out ?? join(repoRoot, 'eval/out/occupancy/brno-truth.csv');
    mkdirSync(dirname(target), { recursive: true });
    const rows = await writeBrnoTruth(target, days.length > 0 ? days : BRNO_DAYS);
    process.stderr.write(`brnoTruth: ${rows.length} rows written to ${target}\n`);
  }
}
