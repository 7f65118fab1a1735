import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Hub } from '../src/app/hub/hub.ts';
import { buildServer } from '../src/adapters/http/server.ts';
import { SqliteStore } from '../src/adapters/storage/sqlite/sqliteStore.ts';
import { InProcessTransport } from '../src/adapters/transport/inProcessTransport.ts';
import type { BenchResult } from './result.ts';

const DAYS = 30;
const DEVICES_PER_WINDOW = 200;
const DEVICE_POOL = 20_000;
const START = 1_700_006_400; // a midnight, UTC
const WINDOWS = DAYS * 1440;
const REQUESTS = 400;

/**
 * 30 days of one-minute windows with 200 devices each, written straight in SQL (the ingest
 * path would take far longer and is measured elsewhere): windows, sightings and device rows.
 */
function buildDatabase(path: string, log: (line: string) => void): void {
  new SqliteStore(path).close().catch(() => {});
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  log(`writing ${WINDOWS} windows x ${DEVICES_PER_WINDOW} devices into ${path}`);
  db.exec(`
    WITH RECURSIVE w(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM w WHERE i < ${WINDOWS - 1})
    INSERT INTO windows SELECT ${START} + i * 60, ${START} + i * 60 + 60, ${DEVICES_PER_WINDOW} - 40 + (i % 37), 40 + (i % 11), i % 3,
      120 + (i % 29), 1500 + (i % 400), 1 FROM w;
    WITH RECURSIVE w(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM w WHERE i < ${WINDOWS - 1})
    INSERT INTO sensor_windows SELECT 'bench', ${START} + i * 60, ${START} + i * 60 + 60, 1500, 1500 FROM w;
    WITH RECURSIVE d(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i < ${DEVICE_POOL - 1})
    INSERT INTO wifi SELECT printf('%032x', i), ${START}, ${START} + ${WINDOWS * 60}, 500, -70 + (i % 20), 3.5, -95, -40,
      'Vendor ' || (i % 50), i % 2, 'SSID ' || (i % 300), '["SSID ' || (i % 300) || '"]', 1 + (i % 500), 1 + (i % 500) FROM d;
  `);
  const insert = db.prepare(`
    WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < ${DEVICES_PER_WINDOW - 1})
    INSERT INTO sightings SELECT ?, 'bench', printf('%032x', (? * 7919 + j * 104729) % ${DEVICE_POOL}), 'wifi', 0, 8, 8,
      -70.0, 3.0, -75.0, -65.0, ?, ? + 59, '{}' FROM k`);
  const day = db.transaction((d: number) => {
    for (let i = d * 1440; i < (d + 1) * 1440; i++)
      insert.run(START + i * 60, i, START + i * 60, START + i * 60);
  });
  for (let d = 0; d < DAYS; d++) day(d);
  db.close();
}

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

/** Latency of the dashboard's summary and chart requests over HTTP, against the store calls behind them. */
export async function benchApiLatency(outDir: string, log: (line: string) => void): Promise<BenchResult[]> {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `api-${DAYS}d-${DEVICES_PER_WINDOW}.db`);
  if (!existsSync(path)) buildDatabase(path, log);
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
  const base = `http://127.0.0.1:${port}`;
  const get = async (url: string) => {
    const response = await fetch(`${base}${url}`);
    if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
    return response.json();
  };
  const results: BenchResult[] = [];
  try {
    const end = START + WINDOWS * 60;
    const cases = [
      {
        name: 'summary',
        url: '/api/summary',
        store: () => Promise.all([store.latestWindow(), store.totals()]),
      },
      { name: 'chart, last hour', url: '/api/windows', store: () => store.windows(end - 3600, end) },
      {
        name: 'chart, 30 days',
        url: `/api/windows?from=${START}&to=${end}`,
        store: () => store.windows(START, end),
      },
    ];
    for (const c of cases) {
      await timed(20, () => get(c.url)); // warm-up
      const http = await timed(c.name.includes('30 days') ? 40 : REQUESTS, () => get(c.url));
      const direct = await timed(c.name.includes('30 days') ? 40 : REQUESTS, c.store);
      for (const [label, p] of [
        ['p50', 0.5],
        ['p95', 0.95],
      ] as const) {
        results.push({
          name: `API latency ${label}: ${c.name} (${DAYS} days, ${DEVICES_PER_WINDOW} devices/window)`,
          value: percentile(http, p),
          unit: 'ms',
          reference: percentile(direct, p),
          referenceName: 'the store query alone',
          lowerIsBetter: true,
        });
      }
    }
  } finally {
    await app.close();
    await store.close();
  }
  return results;
}
