import Database from 'better-sqlite3';
import type { DeviceWindow, Medium, WindowSummary } from '../../../core/model.ts';
import { foldDeviceWindow, type DeviceRecord } from '../../../core/occupancy/deviceLedger.ts';
import type {
  DeadLetter,
  DeviceQuery,
  DeviceRow,
  DeviceSortKey,
  DwellRow,
  PruneResult,
  RetentionPlan,
  RetentionResult,
  RollupResolution,
  RollupRow,
  SensorHourRow,
  SightingRow,
  Store,
  StoreTotals,
  WindowRow,
  WindowPeople,
  WriteResult,
} from '../store.ts';
import type { LiveFix } from '../../../core/positioning/liveLocator.ts';
import {
  DEVICE_TABLE,
  sightingDetail,
  toDeviceRecord,
  toDeviceRow,
  toWindowRow,
  toDeadLetter,
  type DeadLetterColumns,
  type DeviceColumns,
  type WindowColumns,
} from '../rowMapping.ts';
import { DEVICE_TOTALS_REFRESH, ROLLUPS_MIGRATION, SQLITE_MIGRATIONS } from './migrations.ts';
import { backfillSqliteRollups } from './sqliteBackfill.ts';
import {
  pruneSqlite,
  readDwellDays,
  readRollups,
  readSensorHours,
  readTotals,
  recordedCalendar,
} from './sqliteHistory.ts';
import { SqliteRollups } from './sqliteRollups.ts';

export interface SqliteStoreOptions {
  /** IANA time zone of the rollups' hours and days on first open (default UTC); recorded and kept after. */
  timeZone?: string;
}
import type { HeadcountRow, NewHeadcount } from '../headcountRows.ts';
import type { SqliteAccess } from './sqliteAccess.ts';
import { addSqliteHeadcount, deleteSqliteHeadcount, sqliteHeadcounts } from './sqliteHeadcounts.ts';
import { readSqlitePositions, writeSqlitePositions } from './sqlitePositions.ts';

const SORT_COLUMN: Record<DeviceSortKey, string> = {
  lastSeen: 'last_seen',
  firstSeen: 'first_seen',
  rssiMean: 'rssi_mean',
  rssiStd: 'rssi_std',
  manufacturer: 'manufacturer',
  minutesSpent: 'minutes_spent',
  deviceId: 'device_id',
};

/** SQLite keeps booleans as 0/1 and lists as JSON text. */
interface DeviceDbRow extends Omit<DeviceColumns, 'randomized' | 'ssids'> {
  randomized: number;
  ssids: string;
}

function decodeDevice(row: DeviceDbRow): DeviceColumns {
  return { ...row, randomized: row.randomized === 1, ssids: JSON.parse(row.ssids) as string[] };
}

interface WindowDbRow extends Omit<WindowColumns, 'final'> {
  final: number | null;
}

function decodeWindow(row: WindowDbRow): WindowRow {
  return toWindowRow({ ...row, final: row.final === null ? null : row.final === 1 });
}

/** Windows with their people estimate, when there is one. */
const WINDOWS_WITH_PEOPLE = `SELECT w.*, e.devices AS people_devices, e.randomized_devices AS people_randomized,
  e.estimate, e.low, e.high, e.final FROM windows w LEFT JOIN estimates e ON e.window_start = w.window_start`;

/**
 * The embedded default store: one SQLite file in WAL mode (readers never block the writer,
 * and a power cut loses at most the window being written, never a stored one).
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly writeTx: (parts: readonly WindowSummary[]) => WriteResult;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly rollups_: SqliteRollups;
  /** For the helpers of single tables (positions, headcounts) that the methods delegate to. */
  private readonly access: SqliteAccess;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.db = new Database(path);
    this.access = { db: this.db, sql: (text) => this.sql(text) };
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    const applied = this.migrate();
    this.rollups_ = new SqliteRollups(this.db, recordedCalendar(this.db, options.timeZone));
    if (applied.includes(ROLLUPS_MIGRATION)) backfillSqliteRollups(this.db, this.rollups_);
    this.writeTx = this.db.transaction((parts: readonly WindowSummary[]) => this.writeParts(parts));
  }

  get timeZone(): string {
    return this.rollups_.calendar.timeZone;
  }

  /** Compiles each SQL text once: ingest runs the same few statements for every device of every window. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Applies what is pending; returns the ids it applied. */
  private migrate(): number[] {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)',
    );
    const applied = new Set(
      (this.db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id),
    );
    const done: number[] = [];
    for (const migration of SQLITE_MIGRATIONS) {
      if (applied.has(migration.id)) continue;
      this.db.transaction(() => {
        this.db.exec(migration.sql);
        this.db
          .prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)')
          .run(migration.id, migration.name, Date.now() / 1000);
      })();
      done.push(migration.id);
    }
    return done;
  }

  async writeWindow(parts: readonly WindowSummary[]): Promise<WriteResult> {
    if (parts.length === 0) return { stored: 0, duplicates: 0 };
    const start = parts[0]!.windowStart;
    if (parts.some((p) => p.windowStart !== start))
      throw new RangeError('writeWindow parts must share one window start');
    return this.writeTx(parts);
  }

  private writeParts(parts: readonly WindowSummary[]): WriteResult {
    const windowStart = parts[0]!.windowStart;
    const claim = this.sql(
      'INSERT OR IGNORE INTO sensor_windows (sensor_id, window_start, window_end, frames, frames_with_rssi) VALUES (?, ?, ?, ?, ?)',
    );
    const fresh: WindowSummary[] = [];
    for (const part of parts) {
      const claimed = claim.run(
        part.sensorId,
        part.windowStart,
        part.windowEnd,
        part.frames,
        part.framesWithRssi,
      );
      if (claimed.changes === 1) fresh.push(part);
    }
    if (fresh.length === 0) return { stored: 0, duplicates: parts.length };

    const seenBefore = this.sql(
      'SELECT 1 FROM sightings WHERE window_start = ? AND medium = ? AND device_id = ? LIMIT 1',
    );
    // Keyed by medium too: a device's Wi-Fi and Bluetooth selves live in separate tables.
    const byDevice = new Map<string, DeviceWindow[]>();
    for (const part of fresh) {
      for (const d of part.devices) {
        const key = `${d.medium} ${d.deviceId}`;
        const list = byDevice.get(key);
        if (list === undefined) byDevice.set(key, [d]);
        else list.push(d);
      }
    }
    const alreadyCounted = new Set<string>();
    for (const [key, [d]] of byDevice) {
      if (seenBefore.get(windowStart, d!.medium, d!.deviceId) !== undefined) alreadyCounted.add(key);
    }

    const insertSighting = this.sql(`
      INSERT INTO sightings (window_start, sensor_id, device_id, medium, randomized, frames, rssi_count, rssi_mean,
        rssi_std, rssi_min, rssi_max, first_seen, last_seen, detail)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const part of fresh) {
      for (const d of part.devices) {
        insertSighting.run(
          part.windowStart,
          part.sensorId,
          d.deviceId,
          d.medium,
          d.randomized ? 1 : 0,
          d.frames,
          d.rssi?.count ?? 0,
          d.rssi?.mean ?? null,
          d.rssi?.std ?? null,
          d.rssi?.min ?? null,
          d.rssi?.max ?? null,
          d.firstSeen,
          d.lastSeen,
          sightingDetail(d),
        );
      }
    }

    const before = this.sql(`${WINDOWS_WITH_PEOPLE} WHERE w.window_start = ?`).get(windowStart) as
      WindowDbRow | undefined;
    const windowMinutes = (parts[0]!.windowEnd - windowStart) / 60;
    const folds: { before: DeviceRecord | undefined; after: DeviceRecord }[] = [];
    for (const [key, sightings] of byDevice) {
      const { medium, deviceId } = sightings[0]!;
      const table = DEVICE_TABLE[medium];
      const row = this.sql(`SELECT * FROM ${table} WHERE device_id = ?`).get(deviceId) as
        DeviceDbRow | undefined;
      const existing = row === undefined ? undefined : toDeviceRecord(decodeDevice(row), medium);
      const record = foldDeviceWindow(existing, sightings, windowMinutes, alreadyCounted.has(key));
      this.upsertDevice(table, record);
      folds.push({ before: existing, after: record });
    }

    this.refreshWindowRow(windowStart, parts[0]!.windowEnd);
    const row = this.sql(`${WINDOWS_WITH_PEOPLE} WHERE w.window_start = ?`).get(windowStart) as WindowDbRow;
    const counts = (w: WindowDbRow) => ({
      wifi: w.wifi_devices,
      ble: w.bluetooth_devices,
      both: w.both_devices,
    });
    this.rollups_.recordWindow({
      windowStart,
      windowEnd: parts[0]!.windowEnd,
      fresh,
      alreadyCounted,
      before: before === undefined ? undefined : counts(before),
      after: counts(row),
      folds,
    });
    return { stored: fresh.length, duplicates: parts.length - fresh.length, window: decodeWindow(row) };
  }

  private upsertDevice(table: string, r: DeviceRecord): void {
    this.sql(
      `INSERT INTO ${table} (device_id, first_seen, last_seen, rssi_count, rssi_mean, rssi_std, rssi_min, rssi_max,
          manufacturer, randomized, ssid, ssids, minutes_spent, windows_seen)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (device_id) DO UPDATE SET first_seen = excluded.first_seen, last_seen = excluded.last_seen,
          rssi_count = excluded.rssi_count, rssi_mean = excluded.rssi_mean, rssi_std = excluded.rssi_std,
          rssi_min = excluded.rssi_min, rssi_max = excluded.rssi_max, manufacturer = excluded.manufacturer,
          randomized = excluded.randomized, ssid = excluded.ssid, ssids = excluded.ssids,
          minutes_spent = excluded.minutes_spent, windows_seen = excluded.windows_seen`,
    ).run(
      r.deviceId,
      r.firstSeen,
      r.lastSeen,
      r.rssi?.count ?? 0,
      r.rssi?.mean ?? null,
      r.rssi?.std ?? null,
      r.rssi?.min ?? null,
      r.rssi?.max ?? null,
      r.manufacturer,
      r.randomized ? 1 : 0,
      r.ssids.at(-1) ?? '',
      JSON.stringify(r.ssids),
      r.minutesSpent,
      r.windowsSeen,
    );
  }

  /** Derived from the sightings, so a late sensor window and a redelivery both leave it right. */
  private refreshWindowRow(windowStart: number, windowEnd: number): void {
    this.sql(
      `INSERT OR REPLACE INTO windows (window_start, window_end, wifi_devices, bluetooth_devices, both_devices,
          randomized_devices, frames, sensors)
        SELECT ?, ?,
          (SELECT COUNT(DISTINCT device_id) FROM sightings WHERE window_start = ? AND medium = 'wifi'),
          (SELECT COUNT(DISTINCT device_id) FROM sightings WHERE window_start = ? AND medium = 'ble'),
          (SELECT COUNT(*) FROM (SELECT device_id FROM sightings WHERE window_start = ?
             GROUP BY device_id HAVING COUNT(DISTINCT medium) = 2)),
          (SELECT COUNT(DISTINCT device_id) FROM sightings WHERE window_start = ? AND randomized = 1),
          (SELECT COALESCE(SUM(frames), 0) FROM sensor_windows WHERE window_start = ?),
          (SELECT COUNT(*) FROM sensor_windows WHERE window_start = ?)`,
    ).run(
      windowStart,
      windowEnd,
      windowStart,
      windowStart,
      windowStart,
      windowStart,
      windowStart,
      windowStart,
    );
  }

  async windows(from: number, to: number): Promise<WindowRow[]> {
    const rows = this.sql(
      `${WINDOWS_WITH_PEOPLE} WHERE w.window_start >= ? AND w.window_start < ? ORDER BY w.window_start`,
    ).all(from, to) as WindowDbRow[];
    return rows.map(decodeWindow);
  }

  async latestWindow(): Promise<WindowRow | undefined> {
    const row = this.sql(`${WINDOWS_WITH_PEOPLE} ORDER BY w.window_start DESC LIMIT 1`).get() as
      WindowDbRow | undefined;
    return row === undefined ? undefined : decodeWindow(row);
  }

  async devices(query: DeviceQuery): Promise<{ total: number; rows: DeviceRow[] }> {
    const table = DEVICE_TABLE[query.medium];
    const column = SORT_COLUMN[query.sort ?? 'lastSeen'];
    const direction = (query.descending ?? true) ? 'DESC' : 'ASC';
    const where = query.search
      ? `WHERE device_id LIKE @pattern ESCAPE '\\' OR manufacturer LIKE @pattern ESCAPE '\\' OR ssids LIKE @pattern ESCAPE '\\'`
      : '';
    const params = { pattern: `%${(query.search ?? '').replace(/[\\%_]/g, (c) => `\\${c}`)}%` };
    const total = (this.sql(`SELECT COUNT(*) AS n FROM ${table} ${where}`).get(params) as { n: number }).n;
    const rows = this.sql(
      `SELECT * FROM ${table} ${where} ORDER BY ${column} IS NULL, ${column} ${direction}, device_id LIMIT @limit OFFSET @offset`,
    ).all({ ...params, limit: query.limit ?? 100, offset: query.offset ?? 0 }) as DeviceDbRow[];
    return { total, rows: rows.map((r) => toDeviceRow(decodeDevice(r), query.medium)) };
  }

  async sightings(windowStart: number): Promise<SightingRow[]> {
    const rows = this.sql('SELECT * FROM sightings WHERE window_start = ? ORDER BY sensor_id, device_id').all(
      windowStart,
    ) as (Omit<SightingRow, 'windowStart'> & Record<string, unknown>)[];
    return rows.map((r) => ({
      windowStart: r['window_start'] as number,
      sensorId: r['sensor_id'] as string,
      deviceId: r['device_id'] as string,
      medium: r['medium'] as Medium,
      frames: r['frames'] as number,
      rssiCount: r['rssi_count'] as number,
      rssiMean: r['rssi_mean'] as number | null,
      rssiStd: r['rssi_std'] as number | null,
      rssiMin: r['rssi_min'] as number | null,
      rssiMax: r['rssi_max'] as number | null,
    }));
  }

  async totals(): Promise<StoreTotals> {
    return readTotals(this.db);
  }

  async resetMinutes(): Promise<void> {
    this.db.transaction(() => {
      this.db.exec('UPDATE wifi SET minutes_spent = 0');
      this.db.exec('UPDATE bluetooth SET minutes_spent = 0');
      this.db.exec(DEVICE_TOTALS_REFRESH);
    })();
  }

  async deleteOlderThan(t: number): Promise<RetentionResult> {
    return this.db.transaction(() => {
      const sightings = this.sql('DELETE FROM sightings WHERE window_start < ?').run(t).changes;
      const windows = this.sql('DELETE FROM windows WHERE window_start < ?').run(t).changes;
      this.sql('DELETE FROM sensor_windows WHERE window_start < ?').run(t);
      this.sql('DELETE FROM estimates WHERE window_start < ?').run(t);
      this.sql('DELETE FROM positions WHERE t < ?').run(t);
      this.sql('DELETE FROM device_days WHERE day_start < ?').run(t);
      return { windows, sightings };
    })();
  }

  async writeEstimates(rows: readonly WindowPeople[]): Promise<void> {
    const upsert = this.sql(
      `INSERT OR REPLACE INTO estimates (window_start, window_end, devices, randomized_devices, estimate, low, high, final)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const r of rows) {
        upsert.run(
          r.windowStart,
          r.windowEnd,
          r.devices,
          r.randomizedDevices,
          r.estimate,
          r.low,
          r.high,
          r.final ? 1 : 0,
        );
      }
      this.rollups_.recordEstimates(rows);
    })();
  }

  async rollups(resolution: RollupResolution, from: number, to: number, zone = ''): Promise<RollupRow[]> {
    return readRollups(this.db, resolution, from, to, zone);
  }

  async dwellDays(from: number, to: number, zone = ''): Promise<DwellRow[]> {
    return readDwellDays(this.db, from, to, zone);
  }

  async sensorHours(from: number, to: number): Promise<SensorHourRow[]> {
    return readSensorHours(this.db, from, to);
  }

  prune(plan: RetentionPlan): Promise<PruneResult> {
    return pruneSqlite(this.db, plan);
  }

  async writePositions(fixes: readonly LiveFix[]): Promise<void> {
    writeSqlitePositions(this.access, fixes);
  }

  async positions(from: number, to: number, limit = 100_000): Promise<LiveFix[]> {
    return readSqlitePositions(this.access, from, to, limit);
  }

  async addHeadcount(headcount: NewHeadcount): Promise<HeadcountRow> {
    return addSqliteHeadcount(this.access, headcount);
  }

  async headcounts(limit = 1000): Promise<HeadcountRow[]> {
    return sqliteHeadcounts(this.access, limit);
  }

  async deleteHeadcount(id: number): Promise<boolean> {
    return deleteSqliteHeadcount(this.access, id);
  }

  async writeDeadLetter(letter: DeadLetter): Promise<void> {
    this.sql(
      'INSERT INTO dead_letters (at, sensor_id, window_start, reason, payload) VALUES (?, ?, ?, ?, ?)',
    ).run(letter.at, letter.sensorId, letter.windowStart, letter.reason, letter.payload);
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const rows = this.sql(
      'SELECT at, sensor_id, window_start, reason, payload FROM dead_letters ORDER BY id DESC LIMIT ?',
    ).all(limit) as DeadLetterColumns[];
    return rows.map(toDeadLetter);
  }

  /** A broken constraint, a value SQLite cannot take, or our own range check fail the same way every time. */
  isPermanentWriteError(error: unknown): boolean {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    if (code.startsWith('SQLITE_')) return /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code);
    return error instanceof RangeError || error instanceof TypeError;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
