import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { SQLITE_MIGRATIONS } from '../../../src/adapters/storage/sqlite/migrations.ts';
import type { WindowSummary } from '../../../src/core/model.ts';
import { storeContract } from './storeContract.ts';

const dir = mkdtempSync(join(tmpdir(), 'airtrace-sqlite-'));
let n = 0;

storeContract('SQLite', async (options) => new SqliteStore(join(dir, `contract-${n++}.db`), options));

test('SQLite: the file is in WAL mode and migrations are recorded once', async () => {
  const path = join(dir, 'wal.db');
  await new SqliteStore(path).close();
  await new SqliteStore(path).close(); // reopening applies nothing twice
  const db = new Database(path, { readonly: true });
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  const migrations = db.prepare('SELECT id FROM schema_migrations').all();
  assert.equal(migrations.length, SQLITE_MIGRATIONS.length);
  db.close();
});

test('SQLite: a file at migration 1 is brought up to date and keeps its data', async () => {
  const path = join(dir, 'v1.db');
  const db = new Database(path);
  const first = SQLITE_MIGRATIONS[0]!;
  db.exec(
    'CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)',
  );
  db.exec(first.sql);
  db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(first.id, first.name, 0);
  db.prepare('INSERT INTO sensor_windows VALUES (?, ?, ?, ?, ?)').run('s1', 60, 120, 1, 1);
  db.close();

  const store = new SqliteStore(path);
  // The old claim still makes a redelivery a no-op.
  assert.deepEqual(
    await store.writeWindow([
      {
        schema: 1,
        sensorId: 's1',
        windowStart: 60,
        windowEnd: 120,
        frames: 1,
        framesWithRssi: 1,
        devices: [],
      },
    ]),
    { stored: 0, duplicates: 1 },
  );
  await store.close();
  const after = new Database(path, { readonly: true });
  assert.deepEqual(
    (after.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as { id: number }[]).map(
      (r) => r.id,
    ),
    SQLITE_MIGRATIONS.map((m) => m.id),
  );
  const plan = after
    .prepare('EXPLAIN QUERY PLAN DELETE FROM sensor_windows WHERE window_start < 100')
    .all() as { detail: string }[];
  assert.match(plan.map((p) => p.detail).join(' '), /sensor_windows_start/);
  after.close();
});

test('SQLite: a database from before rollups gets them rebuilt from its raw rows when first opened', async () => {
  const path = join(dir, 'before-rollups.db');
  const store = new SqliteStore(path, { timeZone: 'Europe/Prague' });
  const t0 = 1_692_518_400; // 2023-08-20 10:00 in Prague
  const seen = (sensorId: string, start: number, ids: string[]): WindowSummary => ({
    schema: 1,
    sensorId,
    windowStart: start,
    windowEnd: start + 60,
    frames: ids.length,
    framesWithRssi: ids.length,
    devices: ids.map((id, i) => ({
      deviceId: id,
      medium: id.startsWith('b') ? 'ble' : 'wifi',
      randomized: id.endsWith('r'),
      vendor: null,
      frames: 1,
      rssi:
        i % 3 === 2 ? null : { count: 1, mean: -50 - 10 * i, std: 0, min: -50 - 10 * i, max: -50 - 10 * i },
      ssids: [],
      frameTypes: { 'probe-req': 1 },
      ieFingerprints: [],
      channels: [1],
      firstSeen: start + 1,
      lastSeen: start + 2,
    })),
  });
  for (let day = 0; day < 3; day++)
    for (let m = 0; m < 40; m += 7) {
      const start = t0 + day * 86_400 + m * 60;
      await store.writeWindow([
        seen('s1', start, ['a', 'b1', `r${m}r`, `d${day}`]),
        seen('s2', start, ['a', 'c']),
      ]);
    }
  await store.writeWindow([seen('s3', t0 + 7 * 60, [])]);
  await store.writeEstimates([
    {
      windowStart: t0,
      windowEnd: t0 + 60,
      devices: 3,
      randomizedDevices: 1,
      estimate: 2.5,
      low: 2,
      high: 3,
      final: true,
    },
  ]);
  const expected = {
    hours: await store.rollups('hour', 0, 2e9),
    days: await store.rollups('day', 0, 2e9),
    dwell: await store.dwellDays(0, 2e9),
    sensors: await store.sensorHours(0, 2e9),
    totals: await store.totals(),
  };
  await store.close();
  // As the previous release left it: no rollup tables, migration 5 not applied.
  const db = new Database(path);
  db.exec(`DROP TABLE rollup_hours; DROP TABLE rollup_days; DROP TABLE dwell_days; DROP TABLE sensor_hours;
    DROP TABLE device_days; DROP TABLE history_settings; DROP TABLE device_totals;
    DELETE FROM schema_migrations WHERE id = 5;`);
  db.close();
  const reopened = new SqliteStore(path, { timeZone: 'Europe/Prague' });
  try {
    assert.deepEqual(await reopened.rollups('hour', 0, 2e9), expected.hours);
    assert.deepEqual(await reopened.rollups('day', 0, 2e9), expected.days);
    assert.deepEqual(await reopened.dwellDays(0, 2e9), expected.dwell);
    assert.deepEqual(await reopened.sensorHours(0, 2e9), expected.sensors);
    assert.deepEqual(await reopened.totals(), expected.totals);
    assert.ok(
      expected.days.length === 3 && expected.days[1]!.returningDevices > 0,
      'the case has returning devices',
    );
  } finally {
    await reopened.close();
  }
});
