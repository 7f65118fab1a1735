import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { fail, pass, type CheckResult } from './doctorCheck.ts';

const TITLE = 'database writable';

function writableFolder(path: string): string | undefined {
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
    return statSync(path).isDirectory() ? path : undefined;
  } catch {
    return undefined;
  }
}

/** A SQLite file the hub can write, with its folder (WAL and its shared memory live beside it). */
function sqliteCheck(db: string): CheckResult {
  const path = resolve(db);
  const folder = dirname(path);
  const fixFolder = `create the folder and give it to the service user: \`sudo install -d -o airtrace -g airtrace -m 700 ${folder}\` (the systemd units write only to /var/lib/airtrace)`;
  if (!existsSync(path)) {
    let parent = folder;
    while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
    if (writableFolder(parent) === undefined)
      return fail(
        'database',
        TITLE,
        `${path} does not exist and ${parent} is not a writable folder`,
        fixFolder,
      );
    return pass('database', TITLE, `${path} will be created (in writable ${parent})`);
  }
  if (writableFolder(folder) === undefined)
    return fail(
      'database',
      TITLE,
      `${folder} (beside ${path}) is not writable: SQLite needs it for its WAL`,
      fixFolder,
    );
  try {
    const handle = new Database(path, { fileMustExist: true, timeout: 2000 });
    try {
      // A write lock taken and given back: what every window's transaction needs.
      handle.exec('BEGIN IMMEDIATE; ROLLBACK;');
    } finally {
      handle.close();
    }
    return pass('database', TITLE, `SQLite ${path}`);
  } catch (error) {
    const e = error as { code?: string; message: string };
    return fail(
      'database',
      TITLE,
      `SQLite ${path}: ${e.code ?? 'error'}: ${e.message}`,
      e.code === 'SQLITE_NOTADB'
        ? 'this file is not a SQLite database: point hub.db at another path (airtrace creates it)'
        : e.code === 'SQLITE_BUSY'
          ? 'another process holds the write lock: stop it, or give each process its own database'
          : `let the service user write it: \`sudo chown airtrace:airtrace ${path}\``,
    );
  }
}

/** PostgreSQL: the login works and the user may create the tables (or write the ones there). */
async function postgresCheck(db: string): Promise<CheckResult> {
  const url = new URL(db);
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  const shown = `${url.protocol}//${url.host}${url.pathname}`;
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rows } = await client.query<{
      user: string;
      schema: string;
      schema_exists: boolean;
      can_create_schema: boolean;
      can_create_in_schema: boolean | null;
      can_insert: boolean | null;
    }>(
      `SELECT current_user AS user, s.name AS schema,
              to_regnamespace(s.name) IS NOT NULL AS schema_exists,
              has_database_privilege(current_database(), 'CREATE') AS can_create_schema,
              CASE WHEN to_regnamespace(s.name) IS NULL THEN NULL ELSE has_schema_privilege(s.name, 'CREATE') END AS can_create_in_schema,
              CASE WHEN to_regclass(quote_ident(s.name) || '.windows') IS NULL THEN NULL
                   ELSE has_table_privilege(quote_ident(s.name) || '.windows', 'INSERT') END AS can_insert
         FROM (SELECT COALESCE($1::text, current_schema()) AS name) s`,
      [schema],
    );
    const r = rows[0]!;
    const ok = r.can_insert ?? (r.schema_exists ? r.can_create_in_schema === true : r.can_create_schema);
    const detail = `PostgreSQL ${shown} as ${r.user}, schema ${r.schema}`;
    if (ok) return pass('database', TITLE, detail);
    return fail(
      'database',
      TITLE,
      `${detail}: not allowed to ${r.can_insert === false ? 'write the windows table' : 'create the tables'}`,
      `grant it: \`sudo -u postgres psql -d ${url.pathname.slice(1)} -c 'GRANT ALL ON SCHEMA ${r.schema} TO ${r.user}'\` (or make ${r.user} the database owner)`,
    );
  } catch (error) {
    const e = error as { code?: string; message: string };
    return fail(
      'database',
      TITLE,
      `cannot use PostgreSQL ${shown}: ${e.code ?? ''} ${e.message}`.replace(/\s+/g, ' '),
      'check hub.db (user, host, database), that PostgreSQL runs (`sudo systemctl status postgresql`) and pg_hba.conf lets this user in',
    );
  } finally {
    await client.end().catch(() => {});
  }
}

export function databaseCheck(db: string): Promise<CheckResult> {
  return /^postgres(ql)?:\/\//i.test(db) ? postgresCheck(db) : Promise.resolve(sqliteCheck(db));
}
