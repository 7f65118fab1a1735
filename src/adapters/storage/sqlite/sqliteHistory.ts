import type Database from 'better-sqlite3';
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

/**
 * The time zone of a database's rollups: recorded on first open and kept. A hub opened later
 * with another zone still writes in the recorded one, so one history never mixes two calendars.
 */
export function recordedCalendar(db: Database.Database, requested: string | undefined): Calendar {
  const row = db.prepare("SELECT value FROM history_settings WHERE key = 'time_zone'").get() as
    { value: string } | undefined;
  if (row !== undefined) return createCalendar(row.value);
  const calendar = createCalendar(requested ?? 'UTC');
  db.prepare("INSERT INTO history_settings (key, value) VALUES ('time_zone', ?)").run(calendar.timeZone);
  return calendar;
}

const TABLE: Record<RollupResolution, string> = { hour: 'rollup_hours', day: 'rollup_days' };

export function readRollups(
  db: Database.Database,
  resolution: RollupResolution,
  from: number,
  to: number,
  zone: string,
): RollupRow[] {
  const rows = db
    .prepare(`SELECT * FROM ${TABLE[resolution]} WHERE zone = ? AND start >= ? AND start < ? ORDER BY start`)
    .all(zone, from, to) as RollupColumns[];
  return rows.map(toRollupRow);
}

export function readDwellDays(db: Database.Database, from: number, to: number, zone: string): DwellRow[] {
  const rows = db
    .prepare(
      `SELECT day_start, medium, randomized, dwell_bin, rssi_bin, devices FROM dwell_days
       WHERE zone = ? AND day_start >= ? AND day_start < ? AND devices > 0
       ORDER BY day_start, medium, randomized, dwell_bin, rssi_bin`,
    )
    .all(zone, from, to) as (Omit<DwellColumns, 'randomized'> & { randomized: number })[];
  return rows.map((r) => toDwellRow({ ...r, randomized: r.randomized === 1 }));
}

export function readSensorHours(db: Database.Database, from: number, to: number): SensorHourRow[] {
  const rows = db
    .prepare(
      'SELECT * FROM sensor_hours WHERE hour_start >= ? AND hour_start < ? ORDER BY hour_start, sensor_id',
    )
    .all(from, to) as { hour_start: number; sensor_id: string; windows: number; frames: number }[];
  return rows.map(toSensorHourRow);
}

/** Rows deleted per transaction: a day of a busy site is hundreds of thousands of sightings. */
const SLICE_SECONDS = 3600;

/**
 * Deletes `table` rows with `column < before`, an hour of data per transaction, so a writer
 * waits for one slice at the most, never for the whole day.
 */
async function deleteInSlices(
  db: Database.Database,
  table: string,
  column: string,
  before: number,
): Promise<number> {
  const oldest = db.prepare(`SELECT MIN(${column}) AS t FROM ${table}`);
  const remove = db.prepare(`DELETE FROM ${table} WHERE ${column} < ?`);
  let removed = 0;
  for (;;) {
    const first = (oldest.get() as { t: number | null }).t;
    if (first === null || first >= before) return removed;
    removed += remove.run(Math.min(before, first + SLICE_SECONDS)).changes;
    // better-sqlite3 is synchronous: let queued window writes run between slices.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export async function pruneSqlite(db: Database.Database, plan: RetentionPlan): Promise<PruneResult> {
  const sightings = await deleteInSlices(db, 'sightings', 'window_start', plan.rawBefore);
  const positions = await deleteInSlices(db, 'positions', 't', plan.rawBefore);
  const deviceDays = await deleteInSlices(db, 'device_days', 'day_start', plan.rawBefore);
  const windows = db.prepare('DELETE FROM windows WHERE window_start < ?').run(plan.rawBefore).changes;
  db.prepare('DELETE FROM estimates WHERE window_start < ?').run(plan.rawBefore);
  const claims = await deleteInSlices(db, 'sensor_windows', 'window_start', plan.claimsBefore);
  const devices = db.transaction(() => {
    const removed =
      db.prepare('DELETE FROM wifi WHERE last_seen < ?').run(plan.devicesBefore).changes +
      db.prepare('DELETE FROM bluetooth WHERE last_seen < ?').run(plan.devicesBefore).changes;
    if (removed > 0) db.exec(DEVICE_TOTALS_REFRESH);
    return removed;
  })();
  return { windows, sightings, positions, deviceDays, claims, devices };
}

/**
 * The summary's totals from the running device totals and the day rollups: a few rows, however
 * long the history and however many rotating addresses the device tables hold. Person-minutes and
 * windows count the whole history (rollups are kept forever); first and last window are the raw
 * windows still kept.
 */
export function readTotals(db: Database.Database): StoreTotals {
  const devices = db.prepare('SELECT * FROM device_totals').all() as {
    medium: 'wifi' | 'ble';
    devices: number;
    minutes: number;
    stay_devices: number;
    stay_minutes: number;
  }[];
  const of = (medium: 'wifi' | 'ble') => devices.find((d) => d.medium === medium);
  const history = db
    .prepare(
      `SELECT COALESCE(SUM(windows), 0) AS windows, SUM(CASE WHEN est_windows > 0 THEN person_minutes END) AS pm
       FROM rollup_days WHERE zone = ''`,
    )
    .get() as { windows: number; pm: number | null };
  // Two subqueries: SQLite reads MIN or MAX off the index only when it is alone in its query.
  const span = db
    .prepare(
      'SELECT (SELECT MIN(window_start) FROM windows) AS first, (SELECT MAX(window_start) FROM windows) AS last',
    )
    .get() as {
    first: number | null;
    last: number | null;
  };
  const wifi = of('wifi');
  const ble = of('ble');
  const count = (wifi?.devices ?? 0) + (ble?.devices ?? 0);
  return {
    wifiDevices: wifi?.devices ?? 0,
    bluetoothDevices: ble?.devices ?? 0,
    windows: history.windows,
    averageMinutesSpent: count === 0 ? 0 : ((wifi?.minutes ?? 0) + (ble?.minutes ?? 0)) / count,
    firstWindow: span.first,
    lastWindow: span.last,
    personMinutes: history.pm,
    meanStayMinutes:
      wifi === undefined || wifi.stay_devices === 0 ? null : wifi.stay_minutes / wifi.stay_devices,
  };
}
