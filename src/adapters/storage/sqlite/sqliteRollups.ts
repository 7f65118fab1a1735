import type Database from 'better-sqlite3';
import type { Medium, WindowSummary } from '../../../core/model.ts';
import type { Calendar } from '../../../core/history/calendar.ts';
import {
  deviceDayKey,
  returningAfterLateSighting,
  windowRollupChanges,
  type BucketDelta,
  type DeviceDay,
  type RollupDevice,
  type WindowCounts,
} from '../../../core/history/windowRollup.ts';
import { deviceTotalsDelta } from '../../../core/history/deviceTotals.ts';
import type { DeviceRecord } from '../../../core/occupancy/deviceLedger.ts';
import type { WindowPeople } from '../store.ts';
import { ADDED_COLUMNS, MAX_COLUMNS, PEOPLE_COLUMNS } from '../rollupMapping.ts';

const PEOPLE_UPDATE = PEOPLE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ');
import { DEVICE_TABLE } from '../rowMapping.ts';

/** A stored window write, as the rollups need to hear of it. */
export interface StoredWindow {
  windowStart: number;
  windowEnd: number;
  /** The sensor windows this write stored (redeliveries left out). */
  fresh: readonly WindowSummary[];
  /** `${medium} ${deviceId}` of devices an earlier part of this window had already credited. */
  alreadyCounted: ReadonlySet<string>;
  /** The window row before the write (undefined: there was none) and after it. */
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
  randomized: number;
  returned: number | null;
}

function toDeviceDay(r: DeviceDayDbRow): DeviceDay {
  return {
    dayStart: r.day_start,
    medium: r.medium,
    deviceId: r.device_id,
    minutes: r.minutes,
    hoursMask: r.hours_mask,
    rssiMax: r.rssi_max,
    randomized: r.randomized === 1,
    returning: r.returned === null ? null : r.returned === 1,
  };
}

const bucketUpsert = (table: string) => `
  INSERT INTO ${table} (start, zone, ${[...ADDED_COLUMNS, ...MAX_COLUMNS].map(([c]) => c).join(', ')})
  VALUES (@start, '', ${[...ADDED_COLUMNS, ...MAX_COLUMNS].map(([, f]) => `@${f}`).join(', ')})
  ON CONFLICT (start, zone) DO UPDATE SET
    ${ADDED_COLUMNS.map(([c]) => `${c} = ${c} + excluded.${c}`).join(', ')},
    ${MAX_COLUMNS.map(([c]) => `${c} = MAX(${c}, excluded.${c})`).join(', ')}`;

/**
 * Hour and day rollups in SQLite, kept inside the write transactions of `SqliteStore`: a window
 * write calls `recordWindow` after its own rows are written, an estimates write calls
 * `recordEstimates`. The arithmetic is `windowRollupChanges`, shared with PostgreSQL.
 */
export class SqliteRollups {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    readonly calendar: Calendar,
  ) {}

  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  recordWindow(w: StoredWindow): void {
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
          countedInWindow: w.alreadyCounted.has(key),
          firstSeen: this.firstSeen(d.medium, d.deviceId) ?? d.firstSeen,
        });
      }
    }
    const readDay = this.sql(
      'SELECT * FROM device_days WHERE medium = ? AND device_id = ? AND day_start = ?',
    );
    const before = new Map<string, DeviceDay>();
    for (const [key, d] of byDevice) {
      const row = readDay.get(d.medium, d.deviceId, dayStart) as DeviceDayDbRow | undefined;
      if (row !== undefined) before.set(key, toDeviceDay(row));
    }
    const changes = windowRollupChanges(
      {
        windowStart: w.windowStart,
        windowEnd: w.windowEnd,
        parts: w.fresh.map((p) => ({ sensorId: p.sensorId, frames: p.frames })),
        newWindow: w.before === undefined,
        before: w.before ?? { wifi: 0, ble: 0, both: 0 },
        after: w.after,
        devices: [...byDevice.values()],
      },
      this.calendar,
      before,
    );
    this.addBucket('rollup_hours', changes.hour);
    this.addBucket('rollup_days', changes.day);
    for (const d of changes.deviceDays) this.writeDeviceDay(d);
    for (const d of changes.deviceDays) {
      if (d.returning !== false || before.has(deviceDayKey(d.medium, d.deviceId))) continue;
      this.flipLaterDays(d);
    }
    const dwell = this
      .sql(`INSERT INTO dwell_days (day_start, zone, medium, randomized, dwell_bin, rssi_bin, devices)
      VALUES (?, '', ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET devices = devices + excluded.devices`);
    for (const c of changes.dwell)
      dwell.run(c.dayStart, c.medium, c.randomized ? 1 : 0, c.dwellBin, c.rssiBin, c.delta);
    const sensor = this
      .sql(`INSERT INTO sensor_hours (hour_start, sensor_id, windows, frames) VALUES (?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET windows = windows + excluded.windows, frames = frames + excluded.frames`);
    for (const s of changes.sensorHours) sensor.run(s.hourStart, s.sensorId, s.windows, s.frames);
    const totals = this.sql(`INSERT INTO device_totals (medium, devices, minutes, stay_devices, stay_minutes)
      VALUES (@medium, @devices, @minutes, @stayDevices, @stayMinutes) ON CONFLICT DO UPDATE SET
      devices = devices + excluded.devices, minutes = minutes + excluded.minutes,
      stay_devices = stay_devices + excluded.stay_devices, stay_minutes = stay_minutes + excluded.stay_minutes`);
    for (const t of deviceTotalsDelta(w.folds)) totals.run(t);
  }

  private firstSeen(medium: Medium, deviceId: string): number | undefined {
    const row = this.sql(`SELECT first_seen FROM ${DEVICE_TABLE[medium]} WHERE device_id = ?`).get(
      deviceId,
    ) as { first_seen: number } | undefined;
    return row?.first_seen;
  }

  /** A device new on an earlier day than days it was already counted "new" on: those become returning. */
  private flipLaterDays(d: DeviceDay): void {
    const later = (
      this.sql(
        'SELECT * FROM device_days WHERE medium = ? AND device_id = ? AND day_start > ? AND returned = 0',
      ).all(d.medium, d.deviceId, d.dayStart) as DeviceDayDbRow[]
    ).map(toDeviceDay);
    if (later.length === 0) return;
    const firstSeen = this.firstSeen(d.medium, d.deviceId);
    if (firstSeen === undefined) return;
    for (const flipped of returningAfterLateSighting(firstSeen, later)) {
      this.writeDeviceDay(flipped);
      this.sql(
        `UPDATE rollup_days SET new_devices = new_devices - 1, returning_devices = returning_devices + 1
         WHERE start = ? AND zone = ''`,
      ).run(flipped.dayStart);
    }
  }

  private writeDeviceDay(d: DeviceDay): void {
    this.sql(
      `INSERT OR REPLACE INTO device_days (medium, device_id, day_start, minutes, hours_mask, rssi_max, randomized, returned)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      d.medium,
      d.deviceId,
      d.dayStart,
      d.minutes,
      d.hoursMask,
      d.rssiMax,
      d.randomized ? 1 : 0,
      d.returning === null ? null : d.returning ? 1 : 0,
    );
  }

  private addBucket(table: 'rollup_hours' | 'rollup_days', delta: BucketDelta): void {
    this.sql(bucketUpsert(table)).run(delta);
  }

  /**
   * Estimates were written or revised: the people figures of their hours are recomputed from the
   * estimates, then those of their days from the hours (a revision can lower a maximum, which
   * adding could not undo).
   */
  recordEstimates(rows: readonly WindowPeople[]): void {
    const hours = new Set(rows.map((r) => this.calendar.hourStart(r.windowStart)));
    const days = new Set([...hours].map((h) => this.calendar.dayStart(h)));
    const top = (column: string, table: string, where: string, by: string) =>
      `(SELECT ${column} FROM ${table} WHERE ${where} ORDER BY ${by} DESC, ${table === 'estimates' ? 'window_start' : 'start'} LIMIT 1)`;
    const inHour = 'window_start >= @start AND window_start < @end';
    const hour = this.sql(`
      INSERT INTO rollup_hours (start, zone, ${PEOPLE_COLUMNS.join(', ')})
      SELECT @start, '', COUNT(*), COALESCE(SUM(estimate), 0), COALESCE(SUM(low), 0), COALESCE(SUM(high), 0),
        MAX(estimate), ${top('low', 'estimates', inHour, 'estimate')}, ${top('high', 'estimates', inHour, 'estimate')},
        COALESCE(SUM(estimate * (window_end - window_start) / 60.0), 0)
      FROM estimates WHERE ${inHour}
      ON CONFLICT (start, zone) DO UPDATE SET ${PEOPLE_UPDATE}`);
    for (const start of hours) hour.run({ start, end: start + 3600 });
    const inDay = "zone = '' AND start >= @start AND start < @end AND est_max IS NOT NULL";
    const day = this.sql(`
      INSERT INTO rollup_days (start, zone, ${PEOPLE_COLUMNS.join(', ')})
      SELECT @start, '', COALESCE(SUM(est_windows), 0), COALESCE(SUM(est_sum), 0), COALESCE(SUM(low_sum), 0),
        COALESCE(SUM(high_sum), 0), MAX(est_max), ${top('est_max_low', 'rollup_hours', inDay, 'est_max')},
        ${top('est_max_high', 'rollup_hours', inDay, 'est_max')}, COALESCE(SUM(person_minutes), 0)
      FROM rollup_hours WHERE ${inDay}
      ON CONFLICT (start, zone) DO UPDATE SET ${PEOPLE_UPDATE}`);
    for (const start of days) day.run({ start, end: this.calendar.nextDayStart(start) });
  }
}
