import type Database from 'better-sqlite3';
import type { Medium } from '../../../core/model.ts';
import type { WindowPeople } from '../store.ts';
import { rebuiltWrite } from '../rollupBackfill.ts';
import type { SqliteRollups } from './sqliteRollups.ts';

const BATCH = 500;

/**
 * Rebuilds the rollups of a database written before they existed, from its windows, sightings
 * and estimates (once, when the migration that adds them runs): the history it already holds
 * shows in the Trends view instead of reading as gaps.
 */
export function backfillSqliteRollups(db: Database.Database, rollups: SqliteRollups): number {
  const starts = (
    db.prepare('SELECT window_start FROM windows ORDER BY window_start').all() as { window_start: number }[]
  ).map((r) => r.window_start);
  const windowRow = db.prepare('SELECT * FROM windows WHERE window_start = ?');
  const claims = db.prepare('SELECT sensor_id, frames FROM sensor_windows WHERE window_start = ?');
  const sightings = db.prepare(
    'SELECT sensor_id, device_id, medium, randomized, rssi_max, first_seen FROM sightings WHERE window_start = ?',
  );
  const rebuild = db.transaction((batch: number[]) => {
    for (const start of batch) {
      const w = windowRow.get(start) as {
        window_end: number;
        wifi_devices: number;
        bluetooth_devices: number;
        both_devices: number;
      };
      const write = rebuiltWrite({
        windowStart: start,
        windowEnd: w.window_end,
        counts: { wifi: w.wifi_devices, ble: w.bluetooth_devices, both: w.both_devices },
        claims: (claims.all(start) as { sensor_id: string; frames: number }[]).map((c) => ({
          sensorId: c.sensor_id,
          frames: c.frames,
        })),
        sightings: (
          sightings.all(start) as {
            sensor_id: string;
            device_id: string;
            medium: Medium;
            randomized: number;
            rssi_max: number | null;
            first_seen: number;
          }[]
        ).map((s) => ({
          sensorId: s.sensor_id,
          deviceId: s.device_id,
          medium: s.medium,
          randomized: s.randomized === 1,
          rssiMax: s.rssi_max,
          firstSeen: s.first_seen,
        })),
      });
      rollups.recordWindow({
        windowStart: start,
        windowEnd: w.window_end,
        ...write,
        alreadyCounted: new Set(),
        // The device totals were counted from the device tables by the migration.
        folds: [],
      });
    }
  });
  for (let i = 0; i < starts.length; i += BATCH) rebuild(starts.slice(i, i + BATCH));
  const estimates = (
    db.prepare('SELECT * FROM estimates ORDER BY window_start').all() as {
      window_start: number;
      window_end: number;
      devices: number;
      randomized_devices: number;
      estimate: number;
      low: number;
      high: number;
      final: number;
    }[]
  ).map((e): WindowPeople => ({
    windowStart: e.window_start,
    windowEnd: e.window_end,
    devices: e.devices,
    randomizedDevices: e.randomized_devices,
    estimate: e.estimate,
    low: e.low,
    high: e.high,
    final: e.final === 1,
  }));
  const people = db.transaction((rows: WindowPeople[]) => rollups.recordEstimates(rows));
  for (let i = 0; i < estimates.length; i += 1440) people(estimates.slice(i, i + 1440));
  return starts.length;
}
