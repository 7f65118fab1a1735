import Database from 'better-sqlite3';

/** The rows of a query on a SQLite file, opened read-only for just this question. */
export function sqliteRows(path: string, sql: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}
