import type { LiveFix } from '../../../core/positioning/liveLocator.ts';
import { toLiveFix, type PositionColumns } from '../rowMapping.ts';
import type { SqliteAccess } from './sqliteAccess.ts';

/** Positions in SQLite, with each fix's zone and 90% radius (null where the site has none). */
export function writeSqlitePositions({ db, sql }: SqliteAccess, fixes: readonly LiveFix[]): void {
  const upsert = sql(
    `INSERT OR REPLACE INTO positions (t, device_id, medium, x, y, uncertainty, sensors, method, zone, radius90)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const f of fixes)
      upsert.run(
        f.t,
        f.deviceId,
        f.medium,
        f.x,
        f.y,
        f.uncertainty,
        f.sensors,
        f.method,
        f.zone ?? null,
        f.radius90 ?? null,
      );
  })();
}

export function readSqlitePositions(
  { sql }: SqliteAccess,
  from: number,
  to: number,
  limit: number,
): LiveFix[] {
  const rows = sql('SELECT * FROM positions WHERE t >= ? AND t < ? ORDER BY t, device_id LIMIT ?').all(
    from,
    to,
    limit,
  ) as PositionColumns[];
  return rows.map(toLiveFix);
}
