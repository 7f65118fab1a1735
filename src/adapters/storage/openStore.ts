import { PostgresStore } from './postgres/postgresStore.ts';
import { SqliteStore } from './sqlite/sqliteStore.ts';
import type { Store } from './store.ts';

/**
 * `--db` to a store: a `postgres://` or `postgresql://` URL opens PostgreSQL (an optional
 * `?schema=name` parameter picks the schema, created when missing); anything else is a SQLite
 * file path.
 */
export async function openStore(db: string): Promise<Store> {
  if (!/^postgres(ql)?:\/\//i.test(db)) return new SqliteStore(db);
  const url = new URL(db);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return PostgresStore.open(url.toString(), schema === undefined ? {} : { schema });
}
