/**
 * The soak: the real brno month (../shared/data/wifi/brno-2023-month: 28 days of one lab sensor,
 * 2023-08-25 missing) through the hub as if live, time-compressed. A sensor windower in this
 * process sends every minute it listened (empty windows too) over the in-process transport as the
 * minute closes; the hub's clock is an injected one moved to each window's end, so its timers
 * (estimates, hourly retention) run as they would. Every six hours of the month the dashboard's
 * requests are timed over HTTP. Printed per day: the process's RSS (sensor and hub, as
 * `airtrace run`), the database's size, API p95 and person-minutes against the truth files.
 *
 *   node --import tsx --expose-gc eval/soak/run.ts [--days N] [--retention-days N] [--out DIR] [--keep]
 *   npm run eval soak
 *
 * Writes eval/out/soak/summary.json and soak.svg.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Hub } from '../../src/app/hub/hub.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import type { ApiHistory } from '../../src/adapters/http/apiTypes.ts';
import { createNodeMacHasher } from '../../src/adapters/identity/nodeMacHasher.ts';
import { SqliteStore } from '../../src/adapters/storage/sqlite/sqliteStore.ts';
import { InProcessTransport } from '../../src/adapters/transport/inProcessTransport.ts';
import { countingParamsOf, loadCountingConfig } from '../../src/config/countingConfig.ts';
import { createCalendar } from '../../src/core/history/calendar.ts';
import { ProgressBar } from '../../src/cli/progressBar.ts';
import { ManualClock } from '../../test/helpers/manualClock.ts';
import { p95, probeUrls, timeRequests } from './apiProbe.ts';
import { dayWindows, monthDays } from './monthFeed.ts';
import { soakReport, type SoakDay } from './soakReport.ts';
import { truthPersonMinutes } from './truthMinutes.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const MONTH_DIR = resolve(repoRoot, '../shared/data/wifi/brno-2023-month');
const TIME_ZONE = 'Europe/Prague';
const SENSOR = 'brno-lab';
const PROBE_EVERY_WINDOWS = 360;

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

if (process.argv.includes('--help')) {
  process.stdout.write(
    'usage: node --import tsx --expose-gc eval/soak/run.ts [--days N] [--retention-days N] [--out DIR] [--keep]\n' +
      '  the brno month through the hub as if live; needs ../shared/data/wifi/brno-2023-month\n' +
      '  --keep leaves the database in place (for airtrace report --db)\n',
  );
  process.exit(0);
}
if (!existsSync(MONTH_DIR)) {
  process.stderr.write(
    `soak: needs the brno month at ${MONTH_DIR} (../shared/data, present in development and CI)\n`,
  );
  process.exit(1);
}

const days = monthDays(MONTH_DIR).slice(0, flag('--days', Infinity));
const retentionDays = flag('--retention-days', 30);
const outDir = process.argv.includes('--out')
  ? resolve(process.argv[process.argv.indexOf('--out') + 1]!)
  : join(repoRoot, 'eval/out/soak');
const work = mkdtempSync(join(tmpdir(), 'airtrace-soak-'));
const dbPath = join(work, 'hub.db');
const siteKey = new Uint8Array(32).fill(61);
const calendar = createCalendar(TIME_ZONE);
const log = (line: string) => process.stderr.write(`\r\x1b[2K  ${line}\n`);

const clock = new ManualClock(0);
const store = new SqliteStore(dbPath, { timeZone: TIME_ZONE });
const transport = new InProcessTransport(clock);
const hub = new Hub({
  store,
  subscriber: transport.subscriber,
  siteName: 'brno lab sc6-61, 2023-08-20 to 2023-09-17',
  windowSeconds: 60,
  ratio: 0.7,
  exportDir: work,
  // The lab's own computers never count (brno/README.md), as in the occupancy evaluation.
  counting: countingParamsOf(
    loadCountingConfig(join(repoRoot, 'test/fixtures/occupancy/brno-counting.json')),
    createNodeMacHasher(siteKey),
  ),
  retentionDays,
  clock,
  log,
});
const server = await buildServer({ hub, webRoot: join(work, 'no-web'), projectUrl: '' });
await server.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
const publisher = transport.publisher(SENSOR);

const fileSize = (path: string) => (existsSync(path) ? statSync(path).size : 0);
const dbBytes = () => fileSize(dbPath) + fileSize(`${dbPath}-wal`) + fileSize(`${dbPath}-shm`);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) log('run with --expose-gc for RSS after collection (npm run eval soak does)');

const bar = new ProgressBar();
const results: SoakDay[] = [];
const allTimes: number[] = [];
const byName = new Map<string, number[]>();
let sent = 0;
const total = days.length * 1440;
try {
  for (const day of days) {
    const { windows, span } = await dayWindows(day, SENSOR, siteKey);
    if (results.length === 0) {
      clock.advanceTo(windows[0]!.windowStart);
      await hub.start();
      await publisher.start();
    }
    const times: number[] = [];
    for (const w of windows) {
      clock.advanceTo(w.windowEnd + 1); // the sensor sends a window as it closes
      await publisher.publishWindow(w);
      await publisher.drained(60_000);
      if (++sent % PROBE_EVERY_WINDOWS === 0) {
        // As the page asks: 300 ms after a window's event, when the hub's 250 ms settle has run.
        clock.advanceBy(0.3);
        await hub.settled();
        times.push(...(await timeRequests(base, probeUrls(clock.now(), calendar), byName)));
      }
      bar.update(`soak ${day.date}`, sent, total, (n) => `${n} windows`);
    }
    await hub.settled();
    gc?.();
    allTimes.push(...times);
    results.push({
      load: loadavg()[0]!,
      date: day.date,
      windows: windows.length,
      span,
      truth: day.truth,
      rssMiB: process.memoryUsage().rss / 2 ** 20,
      heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
      dbMiB: dbBytes() / 2 ** 20,
      apiP95: p95(times),
      requests: times.length,
    });
    const r = results.at(-1)!;
    log(
      `${day.date}: ${windows.length} windows, RSS ${r.rssMiB.toFixed(1)} MiB (heap ${r.heapMiB.toFixed(1)}), database ${r.dbMiB.toFixed(1)} MiB, API p95 ${r.apiP95.toFixed(1)} ms (${times.length} requests)`,
    );
  }
  bar.done();
  // Half an hour on: the last windows' estimates become final.
  await clock.advanceByAsync(1800, 60);
  await hub.settled();

  const first = calendar.dayOf(days[0]!.date)!;
  const end = calendar.nextDayStart(calendar.dayOf(days.at(-1)!.date)!) + 86_400;
  const get = async <T>(url: string) => (await (await fetch(`${base}${url}`)).json()) as T;
  const perDay = await get<ApiHistory>(`/api/history?from=${first - 86_400}&to=${end}&resolution=day`);
  const spans = results.map((r) => r.span);
  const truthRows = results.map((r) => ({ rows: r.truth, span: r.span }));
  const comparison = perDay.points
    .filter((p) => p.start >= spans[0]!.start - 86_400 && p.start < spans.at(-1)!.end)
    .map((p) => ({
      date: p.label,
      coverage: p.coverage,
      personMinutes: p.personMinutes,
      truthMinutes: truthRows.reduce((a, t) => a + truthPersonMinutes(t.rows, t.span, p.start, p.end), 0),
      peopleMax: p.peopleMax,
      wifi: p.wifi,
    }));
  const missing = '2023-08-25';
  const missingStart = calendar.dayOf(missing)!;
  const missingHours = await get<ApiHistory>(
    `/api/history?from=${missingStart}&to=${calendar.nextDayStart(missingStart)}&resolution=hour`,
  );
  const report = soakReport({
    days: results,
    comparison,
    missing: { date: missing, hours: missingHours.points },
    apiP95: p95(allTimes),
    requests: allTimes.length,
    byEndpoint: [...byName].map(([name, times]) => ({ name, p95: p95(times), max: Math.max(...times) })),
    retentionDays,
    totals: await store.totals(),
  });
  process.stdout.write(report.text);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(report.summary, null, 2)}\n`);
  writeFileSync(join(outDir, 'soak.svg'), report.svg);
  process.stderr.write(`soak: wrote ${join(outDir, 'summary.json')} and soak.svg\n`);
  process.exitCode = report.summary.targets.every((t) => t.met) ? 0 : 1;
} finally {
  await publisher.stop();
  await server.close();
  await hub.stop();
  await store.close();
  if (process.argv.includes('--keep')) process.stderr.write(`soak: the database is kept at ${dbPath}\n`);
  else rmSync(work, { recursive: true, force: true });
}
