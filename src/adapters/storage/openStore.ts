import { PostgresStore } from './postgres/postgresStore.ts';
import { SqliteStore } from './sqlite/sqliteStore.ts';
import type { Store } from './store.ts';

/**
 * `--db` to a store (its rollups in `timeZone`, the first time it is opened): a `postgres://` or `postgresql://` URL opens PostgreSQL (an optional
 * `?schema=name` parameter picks the schema, created when missing); anything else is a SQLite
 * file path.
 */
export async function openStore(db: string, options: { timeZone?: string } = {}): Promise<Store> {
  if (!/^postgres(ql)?:\/\//i.test(db)) return new SqliteStore(db, options);
  const url = new URL(db);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return PostgresStore.open(url.toString(), { ...options, ...(schema === undefined ? {} : { schema }) });
}
