import type pg from 'pg';
import type { Medium } from '../../../core/model.ts';
import type { WindowPeople } from '../store.ts';
import { rebuiltWrite, type RawWindow } from '../rollupBackfill.ts';
import type { PostgresRollups } from './postgresRollups.ts';

const DAY = 86_400;

/**
 * Rebuilds the rollups of a database written before they existed, from its windows, sightings
 * and estimates, inside the migration's transaction (other hubs wait on its lock): the history it
 * holds shows in the Trends view instead of reading as gaps. Reads a day of rows at a time.
 */
export async function backfillPostgresRollups(
  client: pg.PoolClient,
  rollups: PostgresRollups,
): Promise<number> {
  const span = (
    await client.query<{ first: number | null; last: number | null }>(
      'SELECT MIN(window_start) AS first, MAX(window_start) AS last FROM windows',
    )
  ).rows[0]!;
  if (span.first === null || span.last === null) return 0;
  const firstSeen = new Map<string, number>();
  for (const [table, medium] of [
    ['wifi', 'wifi'],
    ['bluetooth', 'ble'],
  ] as const) {
    const { rows } = await client.query<{ device_id: string; first_seen: number }>(
      `SELECT device_id, first_seen FROM ${table}`,
    );
    for (const r of rows) firstSeen.set(`${medium} ${r.device_id}`, r.first_seen);
  }
  let windows = 0;
  for (let from = span.first; from <= span.last; from += DAY) {
    const range = [from, from + DAY];
    const rows = await client.query<{
      window_start: number;
      window_end: number;
      wifi_devices: number;
      bluetooth_devices: number;
      both_devices: number;
    }>('SELECT * FROM windows WHERE window_start >= $1 AND window_start < $2 ORDER BY window_start', range);
    if (rows.rows.length === 0) continue;
    const claims = await client.query<{ window_start: number; sensor_id: string; frames: number }>(
      'SELECT window_start, sensor_id, frames FROM sensor_windows WHERE window_start >= $1 AND window_start < $2',
      range,
    );
    const sightings = await client.query<{
      window_start: number;
      sensor_id: string;
      device_id: string;
      medium: Medium;
      randomized: boolean;
      rssi_max: number | null;
      first_seen: number;
    }>(
      `SELECT window_start, sensor_id, device_id, medium, randomized, rssi_max, first_seen FROM sightings
       WHERE window_start >= $1 AND window_start < $2`,
      range,
    );
    for (const w of rows.rows) {
      const raw: RawWindow = {
        windowStart: w.window_start,
        windowEnd: w.window_end,
        counts: { wifi: w.wifi_devices, ble: w.bluetooth_devices, both: w.both_devices },
        claims: claims.rows
          .filter((c) => c.window_start === w.window_start)
          .map((c) => ({ sensorId: c.sensor_id, frames: c.frames })),
        sightings: sightings.rows
          .filter((s) => s.window_start === w.window_start)
          .map((s) => ({
            sensorId: s.sensor_id,
            deviceId: s.device_id,
            medium: s.medium,
            randomized: s.randomized,
            rssiMax: s.rssi_max,
            firstSeen: s.first_seen,
          })),
      };
      await rollups.recordWindow(client, {
        windowStart: w.window_start,
        windowEnd: w.window_end,
        ...rebuiltWrite(raw),
        countedInWindow: () => false,
        firstSeen: (medium, id) =>
          firstSeen.get(`${medium} ${id}`) ?? raw.sightings.find((s) => s.deviceId === id)!.firstSeen,
        // The device totals were counted from the device tables by the migration.
        folds: [],
      });
      windows++;
    }
  }
  const estimates = await client.query<{
    window_start: number;
    window_end: number;
    devices: number;
    randomized_devices: number;
    estimate: number;
    low: number;
    high: number;
    final: boolean;
  }>('SELECT * FROM estimates ORDER BY window_start');
  const people = estimates.rows.map((e): WindowPeople => ({
    windowStart: e.window_start,
    windowEnd: e.window_end,
    devices: e.devices,
    randomizedDevices: e.randomized_devices,
    estimate: e.estimate,
    low: e.low,
    high: e.high,
    final: e.final,
  }));
  for (let i = 0; i < people.length; i += 1440)
    await rollups.recordEstimates(client, people.slice(i, i + 1440));
  return windows;
}
