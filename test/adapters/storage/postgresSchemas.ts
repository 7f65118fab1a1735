import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL of the development and CI machines; override with AIRTRACE_TEST_POSTGRES. */
export const POSTGRES_URL =
  process.env['AIRTRACE_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export const SKIP_NO_POSTGRES: false | string = (await reachable())
  ? false
  : `needs PostgreSQL at ${POSTGRES_URL} (set AIRTRACE_TEST_POSTGRES)`;

/**
 * Hands out a fresh schema name per store so concurrent runs and tests never share tables, and
 * drops them all when the test file is done.
 */
export class SchemaPool {
  private readonly names: string[] = [];

  next(): string {
    const name = `airtrace_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    this.names.push(name);
    return name;
  }

  async dropAll(): Promise<void> {
    if (this.names.length === 0 || SKIP_NO_POSTGRES !== false) return;
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      for (const name of this.names.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    } finally {
      await client.end();
    }
  }
}
