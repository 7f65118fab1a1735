import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { storeContract } from './storeContract.ts';

const dir = mkdtempSync(join(tmpdir(), 'airtrace-sqlite-'));
let n = 0;

storeContract('SQLite', async () => new SqliteStore(join(dir, `contract-${n++}.db`)));

test('SQLite: the file is in WAL mode and migrations are recorded once', async () => {
  const path = join(dir, 'wal.db');
  await new SqliteStore(path).close();
  await new SqliteStore(path).close(); // reopening applies nothing twice
  const db = new Database(path, { readonly: true });
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  const migrations = db.prepare('SELECT id FROM schema_migrations').all();
  assert.equal(migrations.length, 1);
  db.close();
});
