import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { SQLITE_MIGRATIONS } from '../../../src/adapters/storage/sqlite/migrations.ts';
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
