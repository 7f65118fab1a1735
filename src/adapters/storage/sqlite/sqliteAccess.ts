import type Database from 'better-sqlite3';

/** What a SQLite store hands the helpers its methods delegate to: the database and its statement cache. */
export interface SqliteAccess {
  db: Database.Database;
  /** Compiles each SQL text once. */
  sql(text: string): Database.Statement;
}
