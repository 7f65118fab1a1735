import type pg from 'pg';
import type { LiveFix } from '../../../core/positioning/liveLocator.ts';
import { toLiveFix, type PositionColumns } from '../rowMapping.ts';

/** Positions in PostgreSQL, with each fix's zone and 90% radius (null where the site has none). */
export async function writePostgresPositions(pool: pg.Pool, fixes: readonly LiveFix[]): Promise<void> {
  if (fixes.length === 0) return;
  await pool.query(
    `INSERT INTO positions (t, device_id, medium, x, y, uncertainty, sensors, method, zone, radius90)
     SELECT * FROM unnest($1::float8[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::int[],
       $8::text[], $9::text[], $10::float8[])
     ON CONFLICT (device_id, t) DO UPDATE SET medium = excluded.medium, x = excluded.x, y = excluded.y,
       uncertainty = excluded.uncertainty, sensors = excluded.sensors, method = excluded.method,
       zone = excluded.zone, radius90 = excluded.radius90`,
    [
      fixes.map((f) => f.t),
      fixes.map((f) => f.deviceId),
      fixes.map((f) => f.medium),
      fixes.map((f) => f.x),
      fixes.map((f) => f.y),
      fixes.map((f) => f.uncertainty),
      fixes.map((f) => f.sensors),
      fixes.map((f) => f.method),
      fixes.map((f) => f.zone ?? null),
      fixes.map((f) => f.radius90 ?? null),
    ],
  );
}

export async function readPostgresPositions(
  pool: pg.Pool,
  from: number,
  to: number,
  limit: number,
): Promise<LiveFix[]> {
  const { rows } = await pool.query<PositionColumns>(
    'SELECT * FROM positions WHERE t >= $1 AND t < $2 ORDER BY t, device_id LIMIT $3',
    [from, to, limit],
  );
  return rows.map(toLiveFix);
}
