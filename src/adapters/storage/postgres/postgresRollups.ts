import type pg from 'pg';
import type { Medium, WindowSummary } from '../../../core/model.ts';
import type { Calendar } from '../../../core/history/calendar.ts';
import {
  deviceDayKey,
  returningAfterLateSighting,
  windowRollupChanges,
  type BucketDelta,
  type DeviceDay,
  type DwellChange,
  type RollupDevice,
  type WindowCounts,
} from '../../../core/history/windowRollup.ts';
import { deviceTotalsDelta } from '../../../core/history/deviceTotals.ts';
import type { DeviceRecord } from '../../../core/occupancy/deviceLedger.ts';
import type { WindowPeople } from '../store.ts';
import { ADDED_COLUMNS, MAX_COLUMNS, PEOPLE_COLUMNS } from '../rollupMapping.ts';

/** A window write, as the rollups need to hear of it (inside its transaction, with its device rows locked). */
export interface StoredWindow {
  windowStart: number;
  windowEnd: number;
  fresh: readonly WindowSummary[];
  countedInWindow: (medium: Medium, deviceId: string) => boolean;
  /** The device's first_seen after this write's fold. */
  firstSeen: (medium: Medium, deviceId: string) => number;
  before: WindowCounts | undefined;
  after: WindowCounts;
  /** Each device row this write folded, before (undefined: new) and after. */
  folds: readonly { before: DeviceRecord | undefined; after: DeviceRecord }[];
}

interface DeviceDayDbRow {
  medium: Medium;
  device_id: string;
  day_start: number;
  minutes: number;
  hours_mask: number;
  rssi_max: number | null;
  randomized: boolean;
  returned: boolean | null;
}

const BUCKET_COLUMNS = [...ADDED_COLUMNS, ...MAX_COLUMNS];

const bucketUpsert = (table: string, first: number) => `
  INSERT INTO ${table} (start, zone, ${BUCKET_COLUMNS.map(([c]) => c).join(', ')})
  VALUES ($${first}, '', ${BUCKET_COLUMNS.map((_, i) => `$${first + 1 + i}`).join(', ')})
  ON CONFLICT (start, zone) DO UPDATE SET
    ${ADDED_COLUMNS.map(([c]) => `${c} = ${table}.${c} + excluded.${c}`).join(', ')},
    ${MAX_COLUMNS.map(([c]) => `${c} = GREATEST(${table}.${c}, excluded.${c})`).join(', ')}`;

const bucketValues = (d: BucketDelta) => [d.start, ...BUCKET_COLUMNS.map(([, f]) => d[f])];

/** Cells changed twice in one write are summed first: one upsert may touch a row only once. */
function mergeDwell(changes: readonly DwellChange[]): DwellChange[] {
  const merged = new Map<string, DwellChange>();
  for (const c of changes) {
    const key = `${c.dayStart} ${c.medium} ${c.randomized} ${c.dwellBin} ${c.rssiBin}`;
    const known = merged.get(key);
    if (known === undefined) merged.set(key, { ...c });
    else known.delta += c.delta;
  }
  return [...merged.values()].filter((c) => c.delta !== 0);
}

/**
 * Hour and day rollups in PostgreSQL, inside `PostgresStore`'s write transactions: two round trips
 * per window (read the device-days, write everything) whatever its size. The arithmetic is
 * `windowRollupChanges`, shared with SQLite. Device-days are read and written while the window's
 * device rows are locked, so two hubs writing two windows of one device cannot lose an update.
 */
export class PostgresRollups {
  constructor(readonly calendar: Calendar) {}

  async recordWindow(client: pg.PoolClient, w: StoredWindow): Promise<void> {
    const dayStart = this.calendar.dayStart(w.windowStart);
    const byDevice = new Map<string, RollupDevice>();
    for (const part of w.fresh) {
      for (const d of part.devices) {
        const key = deviceDayKey(d.medium, d.deviceId);
        const rssi = d.rssi?.max ?? null;
        const known = byDevice.get(key);
        if (known !== undefined) {
          if (rssi !== null && (known.rssiMax === null || rssi > known.rssiMax)) known.rssiMax = rssi;
          continue;
        }
        byDevice.set(key, {
          medium: d.medium,
          deviceId: d.deviceId,
          randomized: d.randomized,
          rssiMax: rssi,
          countedInWindow: w.countedInWindow(d.medium, d.deviceId),
          firstSeen: w.firstSeen(d.medium, d.deviceId),
        });
      }
    }
    const devices = [...byDevice.values()];
    // This day's device-days, and later ones still counted "new" (a late sighting may change them).
    const { rows } = await client.query<DeviceDayDbRow>({
      name: 'airtrace-rollup-device-days',
      text: `SELECT d.medium, d.device_id, d.day_start, d.minutes, d.hours_mask, d.rssi_max, d.randomized, d.returned
        FROM unnest($1::text[], $2::text[]) AS k(medium, id)
        JOIN device_days AS d ON d.medium = k.medium AND d.device_id = k.id
        WHERE d.day_start = $3 OR (d.day_start > $3 AND d.returned = false)`,
      values: [devices.map((d) => d.medium), devices.map((d) => d.deviceId), dayStart],
    });
    const before = new Map<string, DeviceDay>();
    const later = new Map<string, DeviceDay[]>();
    for (const r of rows) {
      const day: DeviceDay = {
        dayStart: r.day_start,
        medium: r.medium,
        deviceId: r.device_id,
        minutes: r.minutes,
        hoursMask: r.hours_mask,
        rssiMax: r.rssi_max,
        randomized: r.randomized,
        returning: r.returned,
      };
      const key = deviceDayKey(r.medium, r.device_id);
      if (r.day_start === dayStart) before.set(key, day);
      else later.set(key, [...(later.get(key) ?? []), day]);
    }
    const changes = windowRollupChanges(
      {
        windowStart: w.windowStart,
        windowEnd: w.windowEnd,
        parts: w.fresh.map((p) => ({ sensorId: p.sensorId, frames: p.frames })),
        newWindow: w.before === undefined,
        before: w.before ?? { wifi: 0, ble: 0, both: 0 },
        after: w.after,
        devices,
      },
      this.calendar,
      before,
    );
    const deviceDays = [...changes.deviceDays];
    const flips = new Map<number, number>();
    for (const d of changes.deviceDays) {
      const key = deviceDayKey(d.medium, d.deviceId);
      if (d.returning !== false || before.has(key) || !later.has(key)) continue;
      for (const flipped of returningAfterLateSighting(byDevice.get(key)!.firstSeen, later.get(key)!)) {
        deviceDays.push(flipped);
        flips.set(flipped.dayStart, (flips.get(flipped.dayStart) ?? 0) + 1);
      }
    }
    const dwell = mergeDwell(changes.dwell);
    const totals = deviceTotalsDelta(w.folds);
    const n = BUCKET_COLUMNS.length + 1;
    const at = 2 * n + 1;
    await client.query({
      name: 'airtrace-rollup-write',
      text: `WITH hour_added AS (${bucketUpsert('rollup_hours', 1)}),
        day_added AS (${bucketUpsert('rollup_days', n + 1)}),
        device_days_written AS (
          INSERT INTO device_days (medium, device_id, day_start, minutes, hours_mask, rssi_max, randomized, returned)
          SELECT * FROM unnest($${at}::text[], $${at + 1}::text[], $${at + 2}::float8[], $${at + 3}::float8[],
            $${at + 4}::int8[], $${at + 5}::float8[], $${at + 6}::bool[], $${at + 7}::bool[])
          ON CONFLICT (medium, device_id, day_start) DO UPDATE SET minutes = excluded.minutes,
            hours_mask = excluded.hours_mask, rssi_max = excluded.rssi_max, returned = excluded.returned),
        dwell_added AS (
          INSERT INTO dwell_days (day_start, zone, medium, randomized, dwell_bin, rssi_bin, devices)
          SELECT d, '', m, r, b, rb, n FROM unnest($${at + 8}::float8[], $${at + 9}::text[], $${at + 10}::bool[],
            $${at + 11}::int[], $${at + 12}::int[], $${at + 13}::int8[]) AS c(d, m, r, b, rb, n)
          ON CONFLICT (day_start, zone, medium, randomized, dwell_bin, rssi_bin)
            DO UPDATE SET devices = dwell_days.devices + excluded.devices),
        sensors_added AS (
          INSERT INTO sensor_hours (hour_start, sensor_id, windows, frames)
          SELECT * FROM unnest($${at + 14}::float8[], $${at + 15}::text[], $${at + 16}::int8[], $${at + 17}::int8[])
          ON CONFLICT (hour_start, sensor_id) DO UPDATE SET windows = sensor_hours.windows + excluded.windows,
            frames = sensor_hours.frames + excluded.frames),
        flipped AS (
          UPDATE rollup_days AS r SET new_devices = r.new_devices - f.n, returning_devices = r.returning_devices + f.n
          FROM unnest($${at + 18}::float8[], $${at + 19}::int8[]) AS f(start, n)
          WHERE r.start = f.start AND r.zone = ''),
        totals_added AS (
          INSERT INTO device_totals (medium, devices, minutes, stay_devices, stay_minutes)
          SELECT * FROM unnest($${at + 20}::text[], $${at + 21}::int8[], $${at + 22}::float8[], $${at + 23}::int8[],
            $${at + 24}::float8[])
          ON CONFLICT (medium) DO UPDATE SET devices = device_totals.devices + excluded.devices,
            minutes = device_totals.minutes + excluded.minutes,
            stay_devices = device_totals.stay_devices + excluded.stay_devices,
            stay_minutes = device_totals.stay_minutes + excluded.stay_minutes)
        SELECT 1`,
      values: [
        ...bucketValues(changes.hour),
        ...bucketValues(changes.day),
        deviceDays.map((d) => d.medium),
        deviceDays.map((d) => d.deviceId),
        deviceDays.map((d) => d.dayStart),
        deviceDays.map((d) => d.minutes),
        deviceDays.map((d) => d.hoursMask),
        deviceDays.map((d) => d.rssiMax),
        deviceDays.map((d) => d.randomized),
        deviceDays.map((d) => d.returning),
        dwell.map((c) => c.dayStart),
        dwell.map((c) => c.medium),
        dwell.map((c) => c.randomized),
        dwell.map((c) => c.dwellBin),
        dwell.map((c) => c.rssiBin),
        dwell.map((c) => c.delta),
        changes.sensorHours.map((s) => s.hourStart),
        changes.sensorHours.map((s) => s.sensorId),
        changes.sensorHours.map((s) => s.windows),
        changes.sensorHours.map((s) => s.frames),
        [...flips.keys()],
        [...flips.values()],
        totals.map((t) => t.medium),
        totals.map((t) => t.devices),
        totals.map((t) => t.minutes),
        totals.map((t) => t.stayDevices),
        totals.map((t) => t.stayMinutes),
      ],
    });
  }

  /**
   * Estimates were written or revised: the people figures of their hours are recomputed from the
   * estimates, then those of their days from the hours (a revision can lower a maximum).
   */
  async recordEstimates(client: pg.PoolClient, rows: readonly WindowPeople[]): Promise<void> {
    const hours = [...new Set(rows.map((r) => this.calendar.hourStart(r.windowStart)))];
    const days = [...new Set(hours.map((h) => this.calendar.dayStart(h)))];
    const update = PEOPLE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ');
    await client.query({
      name: 'airtrace-rollup-people-hours',
      text: `INSERT INTO rollup_hours (start, zone, ${PEOPLE_COLUMNS.join(', ')})
        SELECT h.start, '', COUNT(e.window_start), COALESCE(SUM(e.estimate), 0), COALESCE(SUM(e.low), 0),
          COALESCE(SUM(e.high), 0), MAX(e.estimate),
          (array_agg(e.low ORDER BY e.estimate DESC, e.window_start))[1],
          (array_agg(e.high ORDER BY e.estimate DESC, e.window_start))[1],
          COALESCE(SUM(e.estimate * (e.window_end - e.window_start) / 60), 0)
        FROM unnest($1::float8[]) AS h(start)
        LEFT JOIN estimates e ON e.window_start >= h.start AND e.window_start < h.start + 3600
        GROUP BY h.start
        ON CONFLICT (start, zone) DO UPDATE SET ${update}`,
      values: [hours],
    });
    await client.query({
      name: 'airtrace-rollup-people-days',
      text: `INSERT INTO rollup_days (start, zone, ${PEOPLE_COLUMNS.join(', ')})
        SELECT d.start, '', COALESCE(SUM(h.est_windows), 0), COALESCE(SUM(h.est_sum), 0), COALESCE(SUM(h.low_sum), 0),
          COALESCE(SUM(h.high_sum), 0), MAX(h.est_max),
          (array_agg(h.est_max_low ORDER BY h.est_max DESC, h.start) FILTER (WHERE h.est_max IS NOT NULL))[1],
          (array_agg(h.est_max_high ORDER BY h.est_max DESC, h.start) FILTER (WHERE h.est_max IS NOT NULL))[1],
          COALESCE(SUM(h.person_minutes), 0)
        FROM unnest($1::float8[], $2::float8[]) AS d(start, stop)
        LEFT JOIN rollup_hours h ON h.zone = '' AND h.start >= d.start AND h.start < d.stop
        GROUP BY d.start
        ON CONFLICT (start, zone) DO UPDATE SET ${update}`,
      values: [days, days.map((d) => this.calendar.nextDayStart(d))],
    });
  }
}
