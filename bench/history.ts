import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Hub } from '../src/app/hub/hub.ts';
import { buildServer } from '../src/adapters/http/server.ts';
import { SqliteStore } from '../src/adapters/storage/sqlite/sqliteStore.ts';
import { InProcessTransport } from '../src/adapters/transport/inProcessTransport.ts';
import { createCalendar } from '../src/core/history/calendar.ts';
import { buckets } from '../src/core/history/series.ts';
import Database from 'better-sqlite3';
import { ProgressBar } from '../src/cli/progressBar.ts';
import type { WindowRow } from '../src/adapters/storage/store.ts';
import type { BenchResult } from './result.ts';
import {
  buildYear,
  DEVICES_PER_WINDOW,
  estimateOf,
  LAST_WEEK_START,
  syntheticWeek,
  WEEK,
  WEEKS,
} from './historyData.ts';

const DAY = 86_400;
const TARGET_MS = 50;
const DB_VERSION = 2;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function timed(times: number, run: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

/**
 * The reference: what a chart of the range costs without rollups, from the raw windows (the way
 * /api/windows serves a range): read them all and sum them into the chart's buckets.
 */
function aggregate(rows: WindowRow[], edges: [number, number][]): number[] {
  const sums = new Array<number>(edges.length).fill(0);
  let b = 0;
  for (const w of rows) {
    while (b < edges.length - 1 && w.windowStart >= edges[b]![1]) b++;
    sums[b]! += w.people?.estimate ?? w.wifiDevices + w.bluetoothDevices - w.bothDevices;
  }
  return sums;
}

let previous: Database.Database | undefined;

/** The summary's queries as they were before rollups: what /api/summary cost on this database then. */
async function previousSummaryQueries(path: string): Promise<unknown> {
  previous ??= new Database(path, { readonly: true });
  const one = (sql: string) => previous!.prepare(sql).get();
  return [
    one(
      'SELECT w.*, e.estimate FROM windows w LEFT JOIN estimates e ON e.window_start = w.window_start ORDER BY w.window_start DESC LIMIT 1',
    ),
    one('SELECT COUNT(*) AS n, SUM(minutes_spent) AS m FROM wifi'),
    one('SELECT COUNT(*) AS n, SUM(minutes_spent) AS m FROM bluetooth'),
    one('SELECT COUNT(*) AS n, MIN(window_start) AS first, MAX(window_start) AS last FROM windows'),
    one(`SELECT (SELECT SUM(estimate * (window_end - window_start) / 60) FROM estimates) AS pm,
      (SELECT AVG(minutes_spent) FROM wifi WHERE randomized = 0 AND windows_seen >= 2) AS stay`),
  ];
}

/** Cost of keeping rollups at ingest: a day of windows written with them, and with their upkeep switched off. */
async function ingestCost(outDir: string): Promise<BenchResult[]> {
  const samples: Record<'with' | 'without', number[]> = { with: [], without: [] };
  for (const kind of ['without', 'with'] as const) {
    const path = join(outDir, `history-ingest-${kind}.db`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    const store = new SqliteStore(path, { timeZone: 'UTC' });
    if (kind === 'without') {
      // The bench alone reaches inside: the store's own write with the rollup calls made no-ops.
      const rollups = (store as unknown as { rollups_: { recordWindow(): void; recordEstimates(): void } })
        .rollups_;
      rollups.recordWindow = () => {};
      rollups.recordEstimates = () => {};
    }
    let n = 0;
    for (const w of syntheticWeek(LAST_WEEK_START)) {
      if (n++ >= 1440) break;
      const started = performance.now();
      await store.writeWindow([w]);
      await store.writeEstimates([estimateOf(w, false)]);
      samples[kind].push(performance.now() - started);
    }
    await store.close();
    // Everything in the main file, so its size is the day's growth.
    const db = new Database(path);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
  }
  const p50 = (s: number[]) =>
    percentile(
      [...s].sort((a, b) => a - b),
      0.5,
    );
  const mib = (kind: string) => statSync(join(outDir, `history-ingest-${kind}.db`)).size / 2 ** 20;
  return [
    {
      name: `SQLite growth: one day of one-minute windows with ${DEVICES_PER_WINDOW} devices each, with rollups (the raw rows retention keeps N days of)`,
      value: mib('with'),
      unit: 'MiB',
      reference: mib('without'),
      referenceName: 'without rollups',
      lowerIsBetter: true,
    },
    {
      name: `ingest with rollups: one window of ${DEVICES_PER_WINDOW} devices and its estimate, p50`,
      value: p50(samples.with),
      unit: 'ms',
      reference: p50(samples.without),
      referenceName: 'the same write without rollup upkeep',
      lowerIsBetter: true,
    },
  ];
}

/**
 * `npm run bench history`: a year of one-minute windows with 200 devices each, its rollups kept at
 * ingest; the p95 of the dashboard's summary and of the day, week, month and year charts over
 * HTTP, each against the same chart summed from the raw windows in the same run.
 */
export async function benchHistory(outDir: string, log: (line: string) => void): Promise<BenchResult[]> {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `history-year-v${DB_VERSION}-${DEVICES_PER_WINDOW}.db`);
  if (!existsSync(path)) {
    const building = `${path}.building`;
    for (const suffix of ['', '-wal', '-shm']) rmSync(building + suffix, { force: true });
    log(
      `writing a week of one-minute windows through the store (${DEVICES_PER_WINDOW} devices each), then a year`,
    );
    const bar = new ProgressBar();
    await buildYear(building, log, (done) => bar.update('ingest', done, 7 * 1440, (n) => `${n} windows`));
    bar.done();
    renameSync(building, path);
  }
  log(`${path}: ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB`);
  const results: BenchResult[] = [...(await ingestCost(outDir))];

  const store = new SqliteStore(path);
  const hub = new Hub({
    store,
    subscriber: new InProcessTransport().subscriber,
    siteName: 'bench',
    windowSeconds: 60,
    ratio: 0.7,
    exportDir: outDir,
  });
  const app = await buildServer({ hub, webRoot: join(outDir, 'no-web'), projectUrl: '' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const get = async (url: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${url}`);
    if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
    return response.json();
  };
  const calendar = createCalendar('UTC');
  const end = LAST_WEEK_START + WEEK;
  try {
    const summary = { name: 'summary', url: '/api/summary', resolution: undefined, span: 0 };
    const charts = [
      { name: 'day chart', span: DAY, resolution: 'minute' as const },
      { name: 'week chart', span: 7 * DAY, resolution: 'hour' as const },
      { name: 'month chart', span: 30 * DAY, resolution: 'hour' as const },
      { name: 'year chart', span: 365 * DAY, resolution: 'day' as const },
    ];
    const cases = [
      {
        ...summary,
        reference: () => previousSummaryQueries(path),
        referenceName: 'the summary queries before rollups (device tables and estimates scanned)',
      },
      ...charts.map((c) => ({
        ...c,
        url: `/api/history?from=${end - c.span}&to=${end}`,
        reference: async () =>
          aggregate(
            await store.windows(end - c.span, end),
            buckets(c.resolution, end - c.span, end, calendar, 60),
          ),
        referenceName: 'the same chart summed from the raw windows',
      })),
    ];
    for (const c of cases) {
      const answer = (await get(c.url)) as { resolution?: string; points?: unknown[] };
      if (c.resolution !== undefined && answer.resolution !== c.resolution)
        throw new Error(`${c.url}: ${answer.resolution}, expected ${c.resolution}`);
      await timed(10, () => get(c.url)); // warm-up
      const http = await timed(200, () => get(c.url));
      const reference = await timed(c.span > 31 * DAY ? 8 : 40, c.reference);
      const p95 = percentile(http, 0.95);
      results.push({
        name: `history API p95: ${c.name} (a year of 1-minute windows, ${DEVICES_PER_WINDOW} devices each${
          answer.points === undefined ? '' : `, ${answer.points.length} ${answer.resolution} points`
        }) ${p95 < TARGET_MS ? `< ${TARGET_MS} ms: met` : `>= ${TARGET_MS} ms: MISSED`}`,
        value: p95,
        unit: 'ms',
        reference: percentile(reference, 0.95),
        referenceName: c.referenceName,
        lowerIsBetter: true,
      });
    }
  } finally {
    await app.close();
    await store.close();
    previous?.close();
    previous = undefined;
  }
  log(`${WEEKS} weeks: ${WEEKS * 7 * 1440} windows`);
  return results;
}
