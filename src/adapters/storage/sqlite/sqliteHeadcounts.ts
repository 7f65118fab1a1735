import type { HeadcountRow, NewHeadcount } from '../headcountRows.ts';
import type { SqliteAccess } from './sqliteAccess.ts';

interface HeadcountDbRow {
  id: number;
  t: number;
  count: number;
  estimate: number | null;
  created_at: number;
}

const toRow = (r: HeadcountDbRow): HeadcountRow => ({
  id: r.id,
  t: r.t,
  count: r.count,
  estimate: r.estimate,
  createdAt: r.created_at,
});

/** The headcounts table of SQLite (see headcountRows.ts). */
export function addSqliteHeadcount({ sql }: SqliteAccess, h: NewHeadcount): HeadcountRow {
  const row = sql(
    'INSERT INTO headcounts (t, count, estimate, created_at) VALUES (?, ?, ?, ?) RETURNING *',
  ).get(h.t, h.count, h.estimate, h.createdAt) as HeadcountDbRow;
  return toRow(row);
}

/** The newest `limit` by time, listed oldest first. */
export function sqliteHeadcounts({ sql }: SqliteAccess, limit: number): HeadcountRow[] {
  const rows = sql(
    'SELECT * FROM (SELECT * FROM headcounts ORDER BY t DESC, id DESC LIMIT ?) ORDER BY t, id',
  ).all(limit) as HeadcountDbRow[];
  return rows.map(toRow);
}

export function deleteSqliteHeadcount({ sql }: SqliteAccess, id: number): boolean {
  return sql('DELETE FROM headcounts WHERE id = ?').run(id).changes > 0;
}
