import type pg from 'pg';
import { createCalendar, type Calendar } from '../../../core/history/calendar.ts';
import { DEVICE_TOTALS_REFRESH } from './migrations.ts';
import type {
  StoreTotals,
  DwellRow,
  PruneResult,
  RetentionPlan,
  RollupResolution,
  RollupRow,
  SensorHourRow,
} from '../store.ts';
import {
  toDwellRow,
  toRollupRow,
  toSensorHourRow,
  type DwellColumns,
  type RollupColumns,
} from '../rollupMapping.ts';
import type { TimePartitions } from './timePartitions.ts';

/**
 * The time zone of a database's rollups: recorded on first open and kept, so one history never
 * mixes two calendars (a hub started later with another zone still writes in the recorded one).
 */
export async function recordedCalendar(
  client: pg.PoolClient,
  requested: string | undefined,
): Promise<Calendar> {
  const zone = requested ?? 'UTC';
  createCalendar(zone); // a zone Intl does not know fails here, before anything is recorded
  const { rows } = await client.query<{ value: string }>(
    `INSERT INTO history_settings (key, value) VALUES ('time_zone', $1)
     ON CONFLICT (key) DO UPDATE SET value = history_settings.value RETURNING value`,
    [zone],
  );
  return createCalendar(rows[0]!.value);
}

const TABLE: Record<RollupResolution, string> = { hour: 'rollup_hours', day: 'rollup_days' };

export async function readRollups(
  pool: pg.Pool,
  resolution: RollupResolution,
  from: number,
  to: number,
  zone: string,
): Promise<RollupRow[]> {
  const { rows } = await pool.query<RollupColumns>({
    name: `airtrace-rollups-${resolution}`,
    text: `SELECT * FROM ${TABLE[resolution]} WHERE zone = $1 AND start >= $2 AND start < $3 ORDER BY start`,
    values: [zone, from, to],
  });
  return rows.map(toRollupRow);
}

export async function readDwellDays(
  pool: pg.Pool,
  from: number,
  to: number,
  zone: string,
): Promise<DwellRow[]> {
  const { rows } = await pool.query<DwellColumns>({
    name: 'airtrace-dwell-days',
    text: `SELECT day_start, medium, randomized, dwell_bin, rssi_bin, devices FROM dwell_days
      WHERE zone = $1 AND day_start >= $2 AND day_start < $3 AND devices > 0
      ORDER BY day_start, medium COLLATE "C", randomized, dwell_bin, rssi_bin`,
    values: [zone, from, to],
  });
  return rows.map(toDwellRow);
}

export async function readSensorHours(pool: pg.Pool, from: number, to: number): Promise<SensorHourRow[]> {
  const { rows } = await pool.query<{
    hour_start: number;
    sensor_id: string;
    windows: number;
    frames: number;
  }>({
    name: 'airtrace-sensor-hours',
    text: `SELECT * FROM sensor_hours WHERE hour_start >= $1 AND hour_start < $2 ORDER BY hour_start, sensor_id COLLATE "C"`,
    values: [from, to],
  });
  return rows.map(toSensorHourRow);
}

/** Retention: whole days of sightings and positions dropped as partitions, the rest deleted. */
export async function prunePostgres(
  pool: pg.Pool,
  partitions: TimePartitions,
  plan: RetentionPlan,
): Promise<PruneResult> {
  const count = async (sql: string, value: number) => (await pool.query(sql, [value])).rowCount ?? 0;
  const sightings = await partitions.dropBefore('sightings', plan.rawBefore);
  const positions = await partitions.dropBefore('positions', plan.rawBefore);
  const windows = await count('DELETE FROM windows WHERE window_start < $1', plan.rawBefore);
  await count('DELETE FROM estimates WHERE window_start < $1', plan.rawBefore);
  const deviceDays = await count('DELETE FROM device_days WHERE day_start < $1', plan.rawBefore);
  const claims = await count('DELETE FROM sensor_windows WHERE window_start < $1', plan.claimsBefore);
  const devices =
    (await count('DELETE FROM wifi WHERE last_seen < $1', plan.devicesBefore)) +
    (await count('DELETE FROM bluetooth WHERE last_seen < $1', plan.devicesBefore));
  // Recounted rather than subtracted: also mends any drift. A writer's increment committed while
  // this runs is recounted too (the refresh reads the tables as they are when it starts).
  if (devices > 0) await pool.query(DEVICE_TOTALS_REFRESH);
  return { windows, sightings, positions, deviceDays, claims, devices };
}

/**
 * The summary's totals from the running device totals and the day rollups: a few rows, however
 * long the history and however many rotating addresses the device tables hold. Person-minutes and
 * windows count the whole history (rollups are kept forever); first and last window are the raw
 * windows still kept.
 */
export async function readTotals(pool: pg.Pool): Promise<StoreTotals> {
  const { rows } = await pool.query<{
    wifi: number | null;
    ble: number | null;
    minutes: number | null;
    stay_devices: number | null;
    stay_minutes: number | null;
    windows: number;
    pm: number | null;
    first: number | null;
    last: number | null;
  }>({
    name: 'airtrace-totals',
    text: `SELECT (SELECT devices FROM device_totals WHERE medium = 'wifi') AS wifi,
        (SELECT devices FROM device_totals WHERE medium = 'ble') AS ble,
        (SELECT SUM(minutes) FROM device_totals) AS minutes,
        (SELECT stay_devices FROM device_totals WHERE medium = 'wifi') AS stay_devices,
        (SELECT stay_minutes FROM device_totals WHERE medium = 'wifi') AS stay_minutes,
        h.windows, h.pm, (SELECT MIN(window_start) FROM windows) AS first, (SELECT MAX(window_start) FROM windows) AS last
      FROM (SELECT COALESCE(SUM(windows), 0)::int8 AS windows,
        SUM(person_minutes) FILTER (WHERE est_windows > 0) AS pm FROM rollup_days WHERE zone = '') AS h`,
  });
  const r = rows[0]!;
  const count = (r.wifi ?? 0) + (r.ble ?? 0);
  return {
    wifiDevices: r.wifi ?? 0,
    bluetoothDevices: r.ble ?? 0,
    windows: r.windows,
    averageMinutesSpent: count === 0 ? 0 : (r.minutes ?? 0) / count,
    firstWindow: r.first,
    lastWindow: r.last,
    personMinutes: r.pm,
    meanStayMinutes: !r.stay_devices ? null : r.stay_minutes! / r.stay_devices,
  };
}
