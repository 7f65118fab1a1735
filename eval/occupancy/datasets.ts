/**
 * The shared days of the brno lab (sc6-61) with ground truth, as the occupancy evaluation uses
 * them: four periods, one sensor (position 1) except 2024, when two recorded at once.
 *
 * - 2022: 13 days of ../shared/data/wifi/brno; truth from the per-frame CSVs (brnoTruth.ts), so
 *   it holds to each capture's last frame.
 * - 2023: 6 busy days of brno-more; 2024: 7 days of brno-more, sensors p1 and p2.
 * - 2023-month: 28 days of brno-2023-month (mostly empty: false positives, long runs).
 *
 * brno-more and the month ship `t,count` files written at each change of the publisher's
 * occupancy column. The month's README says each file covers its full day (a weekend is one row
 * of 0), so a month day's last row holds to the end of its capture. brno-more's do not say where
 * the annotation stopped, and one visibly stopped early: 2024-02-08's last row (3 people at
 * 17:36) would hold until 23:26 while neither sensor hears a single device at -70 dBm after
 * 17:45. So a brno-more day's data is cut one hour after its last row, for every day alike: the
 * rule `airtrace count` follows for a truth file's end (a row holds at most into the data that
 * follows it without a break; here the break is where the annotation ends).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadCaptures, type LoadedCaptures } from '../../src/app/batch/count.ts';
import { mergeSpans, type Span } from '../../src/core/occupancy/presence.ts';
import { parseTruthCsv, type TruthRow } from '../../src/core/occupancy/truthSeries.ts';
import { BRNO_DAYS, BRNO_DIR, brnoPcap, dayTruth, repoRoot } from './brnoTruth.ts';

export const MORE_DIR = resolve(repoRoot, '../shared/data/wifi/brno-more');
export const MONTH_DIR = resolve(repoRoot, '../shared/data/wifi/brno-2023-month');

export type Period = '2022' | '2023' | '2024' | '2023-month';
export const PERIODS: readonly Period[] = ['2022', '2023', '2024', '2023-month'];

/** How a day's 2024 sensors are used: both at once (the deployment), or one alone. */
export type SensorSet = 'both' | 'p1' | 'p2';

export interface SharedDay {
  period: Period;
  day: string;
  /** Start of the day's data, Unix seconds: recency is measured from it. */
  time: number;
  truth: TruthRow[];
  /** Every sensor's captures of the day (2024: p1 and p2), keyed hashes of one site key. */
  captures: LoadedCaptures;
  sensors: string[];
}

export function sharedDataMissing(): string | undefined {
  const missing = [BRNO_DIR, MORE_DIR, MONTH_DIR].filter((d) => !existsSync(d));
  return missing.length === 0 ? undefined : missing.join(', ');
}

function readTruth(path: string): TruthRow[] {
  const parsed = parseTruthCsv(readFileSync(path, 'utf8'));
  if (!parsed.ok) throw new Error(`${path}: ${parsed.errors.join('; ')}`);
  return parsed.rows;
}

/** Cuts a day's data runs at `until` (see the header: where brno-more's annotation ends). */
function cutAt(captures: LoadedCaptures, until: number): LoadedCaptures {
  const clip = (spans: readonly Span[]) =>
    spans.flatMap((s) => (s.start >= until ? [] : [{ start: s.start, end: Math.min(s.end, until) }]));
  return { ...captures, recordings: captures.recordings.map((r) => ({ ...r, runs: clip(r.runs) })) };
}

interface DaySource {
  period: Period;
  day: string;
  files: { path: string; sensor: string }[];
  truth: () => Promise<TruthRow[]>;
  /** Seconds the last truth row holds into the data (Infinity: to the end of the capture). */
  lastRowHolds: number;
}

function sources(): DaySource[] {
  const out: DaySource[] = BRNO_DAYS.map((day) => ({
    period: '2022' as const,
    day,
    files: [{ path: brnoPcap(day), sensor: 'p1' }],
    truth: () => dayTruth(day),
    lastRowHolds: Infinity,
  }));
  const truthFiles = (dir: string) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('_truth.csv'))
      .sort();
  for (const f of truthFiles(MORE_DIR)) {
    const day = f.slice('sc6-61_'.length, 'sc6-61_'.length + 10);
    const two = day.startsWith('2024');
    out.push({
      period: two ? '2024' : '2023',
      day,
      files: two
        ? ['p1', 'p2'].map((sensor) => ({
            path: join(MORE_DIR, `sc6-61_${day}_position-${sensor.slice(1)}_anonymized.pcap`),
            sensor,
          }))
        : [{ path: join(MORE_DIR, `sc6-61_${day}_anonymized.pcap`), sensor: 'p1' }],
      truth: async () => readTruth(join(MORE_DIR, f)),
      lastRowHolds: 3600,
    });
  }
  for (const f of truthFiles(MONTH_DIR)) {
    const day = f.slice('sc6-61_'.length, 'sc6-61_'.length + 10);
    out.push({
      period: '2023-month',
      day,
      files: [{ path: join(MONTH_DIR, `sc6-61_${day}_anonymized.pcap`), sensor: 'p1' }],
      truth: async () => readTruth(join(MONTH_DIR, f)),
      lastRowHolds: Infinity,
    });
  }
  return out;
}

/** Loads every shared day (all with one site key, so ids agree across days and sensors). */
export async function loadSharedDays(
  siteKey: Uint8Array,
  onDay: (day: string) => void = () => {},
): Promise<SharedDay[]> {
  const days: SharedDay[] = [];
  for (const source of sources()) {
    const loaded = await loadCaptures(
      source.files.map((f) => f.path),
      { siteKey, sensorId: source.files.map((f) => f.sensor) },
    );
    if (loaded.failures.length > 0) throw new Error(`${source.day}: ${loaded.failures[0]!.message}`);
    const truth = await source.truth();
    const captures = Number.isFinite(source.lastRowHolds)
      ? cutAt(loaded, truth.at(-1)!.t + source.lastRowHolds)
      : loaded;
    days.push({
      period: source.period,
      day: source.day,
      time: Math.min(...captures.recordings.map((r) => r.span.start)),
      truth,
      captures,
      sensors: source.files.map((f) => f.sensor),
    });
    onDay(source.day);
  }
  return days;
}

export const dayCount = (): number => sources().length;

/** The day's captures as `set` uses them: both sensors, or one alone (days of one sensor as they are). */
export function capturesFor(day: SharedDay, set: SensorSet): LoadedCaptures {
  if (set === 'both' || day.sensors.length === 1) return day.captures;
  const index = day.sensors.indexOf(set);
  const recording = day.captures.recordings[index]!;
  return {
    ...day.captures,
    sightings: day.captures.sightings.filter((s) => s.sensorId === set),
    recordings: [recording],
  };
}

/** Every data run of a day's captures, merged. */
export function dayCoverage(captures: LoadedCaptures): Span[] {
  return mergeSpans(captures.recordings.flatMap((r) => r.runs));
}
