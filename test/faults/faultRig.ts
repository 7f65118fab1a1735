import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { WindowSummary } from '../../src/core/model.ts';
import { openStore } from '../../src/adapters/storage/openStore.ts';
import { SqliteStore } from '../../src/adapters/storage/sqlite/sqliteStore.ts';
import { storeSnapshot } from '../adapters/transport/storeSnapshot.ts';
import { repoRoot } from '../helpers/paths.ts';

export const KEY = '3'.repeat(64);

/** One row of the fault table. */
export interface FaultResult {
  scenario: string;
  sent: number;
  stored: number;
  lost: number;
  doubled: number;
  note: string;
}

export interface Proc {
  child: ChildProcess;
  out: () => string;
}

function spawnNode(args: string[]): Proc {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (text += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (text += d));
  return { child, out: () => text };
}

export async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The real `airtrace hub` on a broker, with SQLite or PostgreSQL; resolves once it serves. */
export async function startHub(dir: string, site: string, brokerUrl: string, db: string): Promise<Proc> {
  const config = join(dir, 'hub.yaml');
  writeFileSync(
    config,
    `site:\n  id: ${site}\n  key: '${KEY}'\ndataDir: ${join(dir, 'hub-data')}\nmqtt:\n  url: ${brokerUrl}\n` +
      `hub:\n  counting: 'off'\n`,
  );
  const hub = spawnNode([join(repoRoot, 'bin/airtrace.js'), 'hub', '-c', config, '--db', db, '--port', '0']);
  await until(() => /airtrace dashboard: http/.test(hub.out()) || hub.child.exitCode !== null, 'the hub');
  if (hub.child.exitCode !== null) throw new Error(`the hub exited: ${hub.out()}`);
  return hub;
}

export function startSensorProcess(config: object): Proc {
  return spawnNode([
    '--import',
    'tsx',
    join(import.meta.dirname, 'sensorProcess.ts'),
    JSON.stringify(config),
  ]);
}

export async function kill(proc: Proc, signal: NodeJS.Signals): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = once(proc.child, 'exit');
  proc.child.kill(signal);
  await exited;
}

/** The (sensor, window start) pairs a hub database holds. */
export async function storedKeys(db: string): Promise<Set<string>> {
  const key = (r: { sensor_id: string; window_start: number }) => `${r.sensor_id} ${r.window_start}`;
  if (db.startsWith('postgres')) {
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    try {
      const { rows } = await client.query<{ sensor_id: string; window_start: number }>(
        'SELECT sensor_id, window_start FROM sensor_windows',
      );
      return new Set(rows.map(key));
    } catch {
      return new Set();
    } finally {
      await client.end();
    }
  }
  const sqlite = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const rows = sqlite.prepare('SELECT sensor_id, window_start FROM sensor_windows').all() as {
      sensor_id: string;
      window_start: number;
    }[];
    return new Set(rows.map(key));
  } catch {
    return new Set();
  } finally {
    sqlite.close();
  }
}

/**
 * Lost: sent windows the hub does not hold. Doubled: devices (and windows) whose stored totals
 * exceed those of a store that got every window exactly once. Opens the hub's database after the
 * hub has stopped.
 */
export async function judge(
  scenario: string,
  sent: readonly WindowSummary[],
  db: string,
  note: string,
): Promise<FaultResult> {
  const keys = await storedKeys(db);
  const lost = sent.filter((w) => !keys.has(`${w.sensorId} ${w.windowStart}`)).length;
  const reference = new SqliteStore(':memory:');
  const byStart = new Map<number, WindowSummary[]>();
  for (const w of sent) byStart.set(w.windowStart, [...(byStart.get(w.windowStart) ?? []), w]);
  for (const parts of byStart.values()) await reference.writeWindow(parts);
  const store = await openStore(db);
  const [got, want] = await Promise.all([storeSnapshot(store), storeSnapshot(reference)]);
  type Row = { windowStart: number; frames: number; sensors: number };
  await Promise.all([store.close(), reference.close()]);
  const wantDevices = new Map(want.devices.map((d) => [`${d.medium} ${d.deviceId}`, d]));
  let doubled = 0;
  for (const d of got.devices) {
    const w = wantDevices.get(`${d.medium} ${d.deviceId}`);
    if (w !== undefined && (d.windowsSeen > w.windowsSeen || d.rssiCount > w.rssiCount)) doubled++;
  }
  const wantWindows = new Map((want.windows as Row[]).map((w) => [w.windowStart, w]));
  for (const w of got.windows as Row[]) {
    const ref = wantWindows.get(w.windowStart);
    if (ref !== undefined && (w.frames > ref.frames || w.sensors > ref.sensors)) doubled++;
  }
  return { scenario, sent: sent.length, stored: keys.size, lost, doubled, note };
}

export function formatTable(results: readonly FaultResult[]): string {
  const header = ['scenario', 'sent', 'stored', 'lost', 'doubled', 'how'];
  const rows = results.map((r) => [
    r.scenario,
    String(r.sent),
    String(r.stored),
    String(r.lost),
    String(r.doubled),
    r.note,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
