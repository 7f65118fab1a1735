import type pg from 'pg';
import type { HeadcountRow, NewHeadcount } from '../headcountRows.ts';

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

/** The headcounts table of PostgreSQL (see headcountRows.ts). */
export async function addPostgresHeadcount(pool: pg.Pool, h: NewHeadcount): Promise<HeadcountRow> {
  const { rows } = await pool.query<HeadcountDbRow>(
    'INSERT INTO headcounts (t, count, estimate, created_at) VALUES ($1, $2, $3, $4) RETURNING *',
    [h.t, h.count, h.estimate, h.createdAt],
  );
  return toRow(rows[0]!);
}

/** The newest `limit` by time, listed oldest first. */
export async function postgresHeadcounts(pool: pg.Pool, limit: number): Promise<HeadcountRow[]> {
  const { rows } = await pool.query<HeadcountDbRow>(
    'SELECT * FROM (SELECT * FROM headcounts ORDER BY t DESC, id DESC LIMIT $1) AS newest ORDER BY t, id',
    [limit],
  );
  return rows.map(toRow);
}

export async function deletePostgresHeadcount(pool: pg.Pool, id: number): Promise<boolean> {
  const result = await pool.query('DELETE FROM headcounts WHERE id = $1', [id]);
  return (result.rowCount ?? 0) > 0;
}
