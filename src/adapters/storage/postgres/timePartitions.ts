import type pg from 'pg';
import type { Calendar } from '../../../core/history/calendar.ts';

/** The tables partitioned by time, and their time column. */
export const PARTITIONED = { sightings: 'window_start', positions: 't' } as const;
export type PartitionedTable = keyof typeof PARTITIONED;

interface Partition {
  name: string;
  /** -Infinity for the partition of the rows from before partitioning. */
  from: number;
  to: number;
}

/** `FOR VALUES FROM ('1692482400') TO ('1692568800')`, or FROM (MINVALUE). */
function parseBound(bound: string): { from: number; to: number } | undefined {
  const match = /FROM \((.+?)\) TO \((.+?)\)/.exec(bound);
  if (match === null) return undefined;
  const value = (text: string) =>
    text === 'MINVALUE' ? -Infinity : text === 'MAXVALUE' ? Infinity : Number(text.replace(/'/g, ''));
  return { from: value(match[1]!), to: value(match[2]!) };
}

/** Lock namespace shared with the store ('airt'), so partition creators of one schema queue. */
const LOCK_NAMESPACE = 0x61697274;

/**
 * One partition per local day for sightings and positions, created when the first row of a day
 * comes and dropped whole by retention. A day is cut short where an older partition (the rows from
 * before partitioning) already covers part of it, so every instant has exactly one partition.
 */
export class TimePartitions {
  private known: Record<PartitionedTable, Partition[]> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly calendar: Calendar,
    private readonly lockKey: string,
  ) {}

  private async list(
    table: PartitionedTable,
    client: pg.Pool | pg.PoolClient = this.pool,
  ): Promise<Partition[]> {
    const { rows } = await client.query<{ name: string; bound: string }>(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       WHERE p.relname = $1 AND p.relnamespace = current_schema()::regnamespace`,
      [table],
    );
    return rows
      .map((r) => ({ name: r.name, ...parseBound(r.bound)! }))
      .filter((p) => p.from !== undefined)
      .sort((a, b) => a.from - b.from);
  }

  private async refresh(): Promise<Record<PartitionedTable, Partition[]>> {
    this.known = { sightings: await this.list('sightings'), positions: await this.list('positions') };
    return this.known;
  }

  /** Makes sure rows of `table` at each of `times` have a partition to go to. */
  async ensure(table: PartitionedTable, times: Iterable<number>): Promise<void> {
    const covered = (t: number) => this.known?.[table].some((p) => p.from <= t && t < p.to) === true;
    const missing = [...times].filter((t) => !covered(t));
    if (missing.length === 0) return;
    await this.refresh();
    for (const t of missing) {
      if (covered(t)) continue;
      await this.create(table, t);
      await this.refresh();
    }
  }

  private async create(table: PartitionedTable, t: number): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        LOCK_NAMESPACE,
        `${this.lockKey}:${table}`,
      ]);
      const existing = await this.list(table, client);
      if (!existing.some((p) => p.from <= t && t < p.to)) {
        const dayStart = this.calendar.dayStart(t);
        let from = dayStart;
        let to = this.calendar.nextDayStart(dayStart);
        for (const p of existing) {
          if (p.to <= t && p.to > from) from = p.to;
          if (p.from > t && p.from < to) to = p.from;
        }
        const date = this.calendar.local(dayStart).date.replace(/-/g, '');
        const name = `${table}_p${date}${from === dayStart ? '' : `_${Math.round(from)}`}`;
        // Digits and names of our own making only: safe to write into the text.
        await client.query(
          `CREATE TABLE "${name}" PARTITION OF ${table} FOR VALUES FROM (${from}) TO (${to})`,
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Drops the partitions that end at or before `before` (detached first without blocking readers
   * and writers of the other days), deletes the rows before it from a partition it cuts through,
   * and returns how many rows went.
   */
  async dropBefore(table: PartitionedTable, before: number): Promise<number> {
    let removed = 0;
    for (const p of await this.list(table)) {
      if (p.from >= before) continue;
      if (p.to <= before) {
        const { rows } = await this.pool.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM "${p.name}"`);
        await this.pool.query(`ALTER TABLE ${table} DETACH PARTITION "${p.name}" CONCURRENTLY`);
        await this.pool.query(`DROP TABLE "${p.name}"`);
        removed += rows[0]!.n;
      } else {
        const result = await this.pool.query(`DELETE FROM "${p.name}" WHERE ${PARTITIONED[table]} < $1`, [
          before,
        ]);
        removed += result.rowCount ?? 0;
      }
    }
    await this.refresh();
    return removed;
  }
}
