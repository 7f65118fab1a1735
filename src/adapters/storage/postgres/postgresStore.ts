import pg from 'pg';
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
  WriteResult,
  WindowPeople,
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
import { DEVICE_TOTALS_REFRESH, POSTGRES_MIGRATIONS, ROLLUPS_MIGRATION } from './migrations.ts';
import { backfillPostgresRollups } from './postgresBackfill.ts';
import {
  prunePostgres,
  readDwellDays,
  readRollups,
  readSensorHours,
  readTotals,
  recordedCalendar,
} from './postgresHistory.ts';
import { PostgresRollups } from './postgresRollups.ts';
import { TimePartitions } from './timePartitions.ts';
import type { HeadcountRow, NewHeadcount } from '../headcountRows.ts';
import { addPostgresHeadcount, deletePostgresHeadcount, postgresHeadcounts } from './postgresHeadcounts.ts';
import { readPostgresPositions, writePostgresPositions } from './postgresPositions.ts';

/** Text columns sort by code point, as SQLite's BINARY collation does, whatever the database's locale. */
const SORT_COLUMN: Record<DeviceSortKey, string> = {
  lastSeen: 'last_seen',
  firstSeen: 'first_seen',
  rssiMean: 'rssi_mean',
  rssiStd: 'rssi_std',
  manufacturer: 'manufacturer COLLATE "C"',
  minutesSpent: 'minutes_spent',
  deviceId: 'device_id COLLATE "C"',
};

/** First key of every advisory lock this store takes ('airt'), so other users of the database are not hit. */
const LOCK_NAMESPACE = 0x61697274;
/** A device row that this transaction has just created: its fold starts from nothing. */
const PLACEHOLDER_WINDOWS_SEEN = -1;
/** Deadlock and serialization failure: the transaction is rolled back whole and can be retried. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 3;
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export interface PostgresStoreOptions {
  /** Schema that holds the tables, created when missing; default: the server's search_path (`public`). */
  schema?: string;
  /** Connections in the pool; the hub writes through one, readers (API, exports) use the rest. */
  poolSize?: number;
  /** Where connection errors of idle pool clients are reported. */
  log?: (line: string) => void;
  /** IANA time zone of the rollups' hours and days on first open (default UTC); recorded and kept after. */
  timeZone?: string;
}

interface SightingDbRow {
  window_start: number;
  sensor_id: string;
  device_id: string;
  medium: Medium;
  frames: number;
  rssi_count: number;
  rssi_mean: number | null;
  rssi_std: number | null;
  rssi_min: number | null;
  rssi_max: number | null;
}

/** Which media a device id was heard on in a window so far, and whether any sighting was randomized. */
interface Presence {
  wifi: boolean;
  ble: boolean;
  randomized: boolean;
}

/**
 * What this write adds to the window row, from what the window held before it: the same
 * counts SQLite recomputes from all sightings of the window, without reading them all again
 * for every sensor (the writers of one window are serialised, so `before` is exact).
 */
function windowDelta(parts: readonly WindowSummary[], before: ReadonlyMap<string, Presence>): WindowRow {
  const after = new Map<string, Presence>();
  for (const part of parts) {
    for (const d of part.devices) {
      let presence = after.get(d.deviceId);
      if (presence === undefined) {
        presence = { ...(before.get(d.deviceId) ?? { wifi: false, ble: false, randomized: false }) };
        after.set(d.deviceId, presence);
      }
      presence[d.medium] = true;
      presence.randomized ||= d.randomized;
    }
  }
  const delta: WindowRow = {
    windowStart: parts[0]!.windowStart,
    windowEnd: parts[0]!.windowEnd,
    wifiDevices: 0,
    bluetoothDevices: 0,
    bothDevices: 0,
    randomizedDevices: 0,
    frames: parts.reduce((a, p) => a + p.frames, 0),
    sensors: parts.length,
    people: null,
  };
  const none: Presence = { wifi: false, ble: false, randomized: false };
  for (const [id, now] of after) {
    const was = before.get(id) ?? none;
    if (now.wifi && !was.wifi) delta.wifiDevices++;
    if (now.ble && !was.ble) delta.bluetoothDevices++;
    if (now.wifi && now.ble && !(was.wifi && was.ble)) delta.bothDevices++;
    if (now.randomized && !was.randomized) delta.randomizedDevices++;
  }
  return delta;
}

/** Column arrays of folded device rows, in the order of `DEVICE_UPDATE_TYPES`. */
function deviceColumns(records: readonly DeviceRecord[]): unknown[][] {
  return [
    records.map((r) => r.deviceId),
    records.map((r) => r.firstSeen),
    records.map((r) => r.lastSeen),
    records.map((r) => r.rssi?.count ?? 0),
    records.map((r) => r.rssi?.mean ?? null),
    records.map((r) => r.rssi?.std ?? null),
    records.map((r) => r.rssi?.min ?? null),
    records.map((r) => r.rssi?.max ?? null),
    records.map((r) => r.manufacturer),
    records.map((r) => r.randomized),
    records.map((r) => r.ssids.at(-1) ?? ''),
    records.map((r) => JSON.stringify(r.ssids)),
    records.map((r) => r.minutesSpent),
    records.map((r) => r.windowsSeen),
  ];
}

const DEVICE_UPDATE_TYPES = [
  'text',
  'float8',
  'float8',
  'int8',
  'float8',
  'float8',
  'float8',
  'float8',
  'text',
  'bool',
  'text',
  'jsonb',
  'float8',
  'int8',
] as const;

/** Thrown inside a write whose parts were not all new: it is rolled back and redone with the new ones. */
class AlreadyStored extends Error {
  constructor(readonly fresh: ReadonlySet<string>) {
    super('some sensor windows were already stored');
  }
}

function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

const DEVICE_COLUMNS =
  'device_id, first_seen, last_seen, rssi_count, rssi_mean, rssi_std, rssi_min, rssi_max, manufacturer, randomized, ssids, minutes_spent, windows_seen';

const WINDOW_COLUMNS =
  'window_start, window_end, wifi_devices, bluetooth_devices, both_devices, randomized_devices, frames, sensors';

/** Windows with their people estimate, when there is one. */
const WINDOWS_WITH_PEOPLE = `SELECT w.window_start, w.window_end, w.wifi_devices, w.bluetooth_devices, w.both_devices,
  w.randomized_devices, w.frames, w.sensors, e.devices AS people_devices, e.randomized_devices AS people_randomized,
  e.estimate, e.low, e.high, e.final FROM windows w LEFT JOIN estimates e ON e.window_start = w.window_start`;

/**
 * The store for many sensors and long history: the same tables and the same contract as
 * `SqliteStore`, on a `pg.Pool`.
 *
 * Each `writeWindow` is one transaction of five round trips, whatever the number of parts and
 * devices (every row set goes in as arrays through `unnest`). The window row is kept by adding
 * what each write changes, so a write does not get slower as more sensors report the same
 * window. Several hub processes may write at once: an advisory lock per window start serialises
 * the writers of one window (who counts a device first, the `windows` row), and the device rows
 * are locked in id order before they are read and folded, so two windows of one device never
 * lose each other's update.
 */
export class PostgresStore implements Store {
  private readonly pool: pg.Pool;
  private readonly schema: string | undefined;
  private ready: Promise<void> | undefined;
  private history: { rollups: PostgresRollups; partitions: TimePartitions } | undefined;
  private readonly requestedTimeZone: string | undefined;

  constructor(connectionString: string, options: PostgresStoreOptions = {}) {
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      throw new RangeError(
        `schema name ${JSON.stringify(options.schema)} must be letters, digits and _ (at most 63)`,
      );
    }
    this.schema = options.schema;
    this.requestedTimeZone = options.timeZone;
    this.pool = new pg.Pool({
      connectionString,
      // bigint counters come back as numbers (exact below 2^53), not strings.
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === pg.types.builtins.INT8
            ? (value: string) => Number(value)
            : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
      max: options.poolSize ?? 4,
      // Generic plans: the writes are key lookups, and a plan built for an array of 200 ids on a
      // table without statistics (autovacuum off, or a minute-old schema) would scan it whole.
      options: [
        '-c plan_cache_mode=force_generic_plan',
        ...(options.schema === undefined ? [] : [`-c search_path=${options.schema}`]),
      ].join(' '),
    });
    // An idle client whose server went away must not take the process down; the next query reconnects.
    this.pool.on('error', (error) => options.log?.(`postgres: idle connection failed: ${error.message}`));
    // A server that restarts ends connections that are checked out too ("terminating connection
    // due to administrator command"): the query in flight fails and is retried by the caller, but
    // the client's 'error' event must not take the process down with it.
    this.pool.on('connect', (client) =>
      client.on('error', (error) => options.log?.(`postgres: connection failed: ${error.message}`)),
    );
  }

  /** Connects, creates the schema when missing and applies pending migrations. */
  static async open(connectionString: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const store = new PostgresStore(connectionString, options);
    try {
      await store.init();
    } catch (error) {
      await store.pool.end();
      throw error;
    }
    return store;
  }

  private init(): Promise<void> {
    this.ready ??= this.migrate().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async migrate(): Promise<void> {
    await this.transaction(async (client) => {
      // Two processes starting at once: the second waits here and then finds nothing to do.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        LOCK_NAMESPACE,
        `migrate:${this.schema ?? ''}`,
      ]);
      if (this.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at double precision NOT NULL)',
      );
      const applied = new Set(
        (await client.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id),
      );
      const done: number[] = [];
      for (const migration of POSTGRES_MIGRATIONS) {
        if (applied.has(migration.id)) continue;
        done.push(migration.id);
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [
          migration.id,
          migration.name,
          Date.now() / 1000,
        ]);
      }
      const calendar = await recordedCalendar(client, this.requestedTimeZone);
      this.history = {
        rollups: new PostgresRollups(calendar),
        partitions: new TimePartitions(this.pool, calendar, `partition:${this.schema ?? ''}`),
      };
      if (done.includes(ROLLUPS_MIGRATION)) await backfillPostgresRollups(client, this.history.rollups);
    });
  }

  /** The rollups and partitions, once migrations have run. */
  private async historyParts(): Promise<{ rollups: PostgresRollups; partitions: TimePartitions }> {
    await this.init();
    return this.history!;
  }

  get timeZone(): string {
    return this.history?.rollups.calendar.timeZone ?? this.requestedTimeZone ?? 'UTC';
  }

  /** Runs `work` in one transaction, retrying it whole after a deadlock or serialization failure. */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query(begin);
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        if (attempt < MAX_ATTEMPTS && RETRYABLE.has(sqlState(error) ?? '')) continue;
        throw error;
      } finally {
        client.release(broken);
      }
    }
  }

  async writeWindow(parts: readonly WindowSummary[]): Promise<WriteResult> {
    if (parts.length === 0) return { stored: 0, duplicates: 0 };
    const windowStart = parts[0]!.windowStart;
    if (parts.some((p) => p.windowStart !== windowStart)) {
      throw new RangeError('writeWindow parts must share one window start');
    }
    await (await this.historyParts()).partitions.ensure('sightings', [windowStart]);
    // A sensor twice in one batch is a redelivery too: the first copy wins, as in SQLite.
    const unique = new Map<string, WindowSummary>();
    for (const part of parts) if (!unique.has(part.sensorId)) unique.set(part.sensorId, part);
    let candidates = [...unique.values()];
    // Same-window writers queue on this lock, taken with BEGIN in one round trip; the key is
    // digits and a checked schema name, so it can be written into the text.
    const lockKey = `window:${this.schema ?? ''}:${windowStart}`;
    const begin = `BEGIN; SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext('${lockKey}'))`;
    for (;;) {
      try {
        const window = await this.transaction((client) => this.writeParts(client, candidates), begin);
        return { stored: candidates.length, duplicates: parts.length - candidates.length, window };
      } catch (error) {
        if (!(error instanceof AlreadyStored)) throw error;
        // Rare (a redelivery): the first attempt is rolled back and the new parts alone go again.
        candidates = candidates.filter((p) => error.fresh.has(p.sensorId));
        if (candidates.length === 0) return { stored: 0, duplicates: parts.length };
      }
    }
  }

  /**
   * Three statements, whatever the number of parts and devices: claim the sensor windows, lock
   * (or create) the device rows and read which devices this window already counted; read the
   * device rows; write the sightings, the folded device rows and the window row.
   */
  private async writeParts(client: pg.PoolClient, parts: readonly WindowSummary[]): Promise<WindowRow> {
    const windowStart = parts[0]!.windowStart;
    const windowEnd = parts[0]!.windowEnd;
    const byDevice: Record<Medium, Map<string, DeviceWindow[]>> = { wifi: new Map(), ble: new Map() };
    for (const part of parts) {
      for (const d of part.devices) {
        const list = byDevice[d.medium].get(d.deviceId);
        if (list === undefined) byDevice[d.medium].set(d.deviceId, [d]);
        else list.push(d);
      }
    }
    const wifiIds = [...byDevice.wifi.keys()].sort();
    const bleIds = [...byDevice.ble.keys()].sort();

    // Device rows are locked in id order, so two writers of different windows cannot deadlock;
    // "DO UPDATE ... WHERE false" locks an existing row without writing a new version of it.
    const placeholder = (
      table: string,
      param: string,
    ) => `INSERT INTO ${table} AS d (device_id, first_seen, last_seen,
        rssi_count, randomized, ssid, ssids, minutes_spent, windows_seen)
      SELECT id, 0, 0, 0, false, '', '[]', 0, ${PLACEHOLDER_WINDOWS_SEEN} FROM unnest(${param}::text[]) AS id
      ON CONFLICT (device_id) DO UPDATE SET windows_seen = d.windows_seen WHERE false`;
    const first = await client.query<{
      kind: 'claimed' | 'seen';
      medium: Medium | null;
      id: string;
      randomized: boolean | null;
    }>({
      name: 'airtrace-claim-lock',
      text: `WITH claimed AS (
          INSERT INTO sensor_windows (sensor_id, window_start, window_end, frames, frames_with_rssi)
          SELECT * FROM unnest($1::text[], $2::float8[], $3::float8[], $4::int8[], $5::int8[])
          ON CONFLICT DO NOTHING RETURNING sensor_id),
        wifi_locked AS (${placeholder('wifi', '$6')}),
        ble_locked AS (${placeholder('bluetooth', '$7')})
        SELECT 'claimed' AS kind, NULL AS medium, sensor_id AS id, NULL AS randomized FROM claimed
        UNION ALL
        SELECT 'seen', medium, device_id, bool_or(randomized) FROM sightings
          WHERE window_start = $8 AND device_id = ANY($6::text[] || $7::text[])
          GROUP BY medium, device_id`,
      values: [
        parts.map((p) => p.sensorId),
        parts.map((p) => p.windowStart),
        parts.map((p) => p.windowEnd),
        parts.map((p) => p.frames),
        parts.map((p) => p.framesWithRssi),
        wifiIds,
        bleIds,
        windowStart,
      ],
    });
    const claimed = new Set(first.rows.filter((r) => r.kind === 'claimed').map((r) => r.id));
    if (claimed.size < parts.length) throw new AlreadyStored(claimed);
    const before = new Map<string, Presence>();
    for (const r of first.rows) {
      if (r.kind !== 'seen') continue;
      const presence = before.get(r.id) ?? { wifi: false, ble: false, randomized: false };
      presence[r.medium!] = true;
      presence.randomized ||= r.randomized === true;
      before.set(r.id, presence);
    }
    const alreadyCounted = (medium: Medium, id: string) => before.get(id)?.[medium] === true;

    // A fresh snapshot: whoever held these rows before us has committed.
    const existing = await client.query<DeviceColumns & { medium: Medium }>({
      name: 'airtrace-read-devices',
      // Joined to the ids rather than "= ANY (...)", which planned as a scan of the whole table
      // (and its not yet pruned row versions): 11 ms instead of 2 at 4,000 devices.
      text: `SELECT 'wifi' AS medium, d.* FROM unnest($1::text[]) AS k(id) JOIN wifi AS d ON d.device_id = k.id
          WHERE d.windows_seen >= 0
        UNION ALL
        SELECT 'ble', d.* FROM unnest($2::text[]) AS k(id) JOIN bluetooth AS d ON d.device_id = k.id
          WHERE d.windows_seen >= 0`,
      values: [wifiIds, bleIds],
    });
    const rows: Record<Medium, Map<string, DeviceColumns>> = { wifi: new Map(), ble: new Map() };
    for (const row of existing.rows) rows[row.medium].set(row.device_id, row);

    const windowMinutes = (windowEnd - windowStart) / 60;
    const folded: Record<Medium, DeviceRecord[]> = { wifi: [], ble: [] };
    const folds: { before: DeviceRecord | undefined; after: DeviceRecord }[] = [];
    for (const medium of ['wifi', 'ble'] as const) {
      for (const [deviceId, sightings] of byDevice[medium]) {
        const row = rows[medium].get(deviceId);
        const existing = row === undefined ? undefined : toDeviceRecord(row, medium);
        const record = foldDeviceWindow(existing, sightings, windowMinutes, alreadyCounted(medium, deviceId));
        folded[medium].push(record);
        folds.push({ before: existing, after: record });
      }
    }
    const delta = windowDelta(parts, before);
    const row = await this.writeRows(client, parts, folded, delta);
    const firstSeen = new Map<string, number>();
    for (const medium of ['wifi', 'ble'] as const)
      for (const r of folded[medium]) firstSeen.set(`${medium} ${r.deviceId}`, r.firstSeen);
    const counts = (w: WindowRow) => ({ wifi: w.wifiDevices, ble: w.bluetoothDevices, both: w.bothDevices });
    const newWindow = row.sensors === delta.sensors;
    await this.history!.rollups.recordWindow(client, {
      windowStart,
      windowEnd,
      fresh: parts,
      countedInWindow: alreadyCounted,
      firstSeen: (medium, id) => firstSeen.get(`${medium} ${id}`)!,
      before: newWindow
        ? undefined
        : {
            wifi: row.wifiDevices - delta.wifiDevices,
            ble: row.bluetoothDevices - delta.bluetoothDevices,
            both: row.bothDevices - delta.bothDevices,
          },
      after: counts(row),
      folds,
    });
    return row;
  }

  /** Sightings, both device tables and the window row in one statement: every row set goes in as arrays. */
  private async writeRows(
    client: pg.PoolClient,
    parts: readonly WindowSummary[],
    folded: Record<Medium, DeviceRecord[]>,
    delta: WindowRow,
  ): Promise<WindowRow> {
    const sightings: unknown[][] = Array.from({ length: 14 }, () => []);
    for (const part of parts) {
      for (const d of part.devices) {
        const values = [
          part.windowStart,
          part.sensorId,
          d.deviceId,
          d.medium,
          d.randomized,
          d.frames,
          d.rssi?.count ?? 0,
          d.rssi?.mean ?? null,
          d.rssi?.std ?? null,
          d.rssi?.min ?? null,
          d.rssi?.max ?? null,
          d.firstSeen,
          d.lastSeen,
          sightingDetail(d),
        ];
        for (let i = 0; i < values.length; i++) sightings[i]!.push(values[i]);
      }
    }
    const update = (table: string, from: number) => `UPDATE ${table} AS d SET first_seen = u.first_seen,
          last_seen = u.last_seen, rssi_count = u.rssi_count, rssi_mean = u.rssi_mean, rssi_std = u.rssi_std,
          rssi_min = u.rssi_min, rssi_max = u.rssi_max, manufacturer = u.manufacturer, randomized = u.randomized,
          ssid = u.ssid, ssids = u.ssids, minutes_spent = u.minutes_spent, windows_seen = u.windows_seen
        FROM unnest(${Array.from({ length: 14 }, (_, i) => `$${from + i}::${DEVICE_UPDATE_TYPES[i]}[]`).join(', ')})
          AS u(device_id, first_seen, last_seen, rssi_count, rssi_mean, rssi_std, rssi_min, rssi_max, manufacturer,
            randomized, ssid, ssids, minutes_spent, windows_seen)
        WHERE d.device_id = u.device_id`;
    const { rows } = await client.query<WindowColumns>({
      name: 'airtrace-write-rows',
      text: `WITH sighted AS (
          INSERT INTO sightings (window_start, sensor_id, device_id, medium, randomized, frames, rssi_count,
            rssi_mean, rssi_std, rssi_min, rssi_max, first_seen, last_seen, detail)
          SELECT * FROM unnest($1::float8[], $2::text[], $3::text[], $4::text[], $5::bool[], $6::int8[], $7::int8[],
            $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::float8[], $13::float8[], $14::jsonb[])),
        wifi_updated AS (${update('wifi', 15)}),
        ble_updated AS (${update('bluetooth', 29)}),
        window_counted AS (
          INSERT INTO windows (${WINDOW_COLUMNS}) VALUES ($43, $44, $45, $46, $47, $48, $49, $50)
          ON CONFLICT (window_start) DO UPDATE SET window_end = excluded.window_end,
            wifi_devices = windows.wifi_devices + excluded.wifi_devices,
            bluetooth_devices = windows.bluetooth_devices + excluded.bluetooth_devices,
            both_devices = windows.both_devices + excluded.both_devices,
            randomized_devices = windows.randomized_devices + excluded.randomized_devices,
            frames = windows.frames + excluded.frames, sensors = windows.sensors + excluded.sensors
          RETURNING *)
        SELECT w.window_start, w.window_end, w.wifi_devices, w.bluetooth_devices, w.both_devices,
          w.randomized_devices, w.frames, w.sensors, e.devices AS people_devices,
          e.randomized_devices AS people_randomized, e.estimate, e.low, e.high, e.final
        FROM window_counted w LEFT JOIN estimates e ON e.window_start = w.window_start`,
      values: [
        ...sightings,
        ...deviceColumns(folded.wifi),
        ...deviceColumns(folded.ble),
        delta.windowStart,
        delta.windowEnd,
        delta.wifiDevices,
        delta.bluetoothDevices,
        delta.bothDevices,
        delta.randomizedDevices,
        delta.frames,
        delta.sensors,
      ],
    });
    return toWindowRow(rows[0]!);
  }

  async windows(from: number, to: number): Promise<WindowRow[]> {
    await this.init();
    const { rows } = await this.pool.query<WindowColumns>({
      name: 'airtrace-windows',
      text: `${WINDOWS_WITH_PEOPLE} WHERE w.window_start >= $1 AND w.window_start < $2 ORDER BY w.window_start`,
      values: [from, to],
    });
    return rows.map(toWindowRow);
  }

  async latestWindow(): Promise<WindowRow | undefined> {
    await this.init();
    const { rows } = await this.pool.query<WindowColumns>(
      `${WINDOWS_WITH_PEOPLE} ORDER BY w.window_start DESC LIMIT 1`,
    );
    return rows[0] === undefined ? undefined : toWindowRow(rows[0]);
  }

  async devices(query: DeviceQuery): Promise<{ total: number; rows: DeviceRow[] }> {
    await this.init();
    const table = DEVICE_TABLE[query.medium];
    const column = SORT_COLUMN[query.sort ?? 'lastSeen'];
    const direction = (query.descending ?? true) ? 'DESC' : 'ASC';
    const searching = query.search !== undefined && query.search !== '';
    const where = searching
      ? `WHERE device_id ILIKE $1 ESCAPE '\\' OR manufacturer ILIKE $1 ESCAPE '\\' OR ssids::text ILIKE $1 ESCAPE '\\'`
      : '';
    const params = searching ? [`%${query.search!.replace(/[\\%_]/g, (c) => `\\${c}`)}%`] : [];
    const next = params.length + 1;
    const total = await this.pool.query<{ n: number }>(
      `SELECT COUNT(*)::int AS n FROM ${table} ${where}`,
      params,
    );
    const { rows } = await this.pool.query<DeviceColumns>(
      `SELECT ${DEVICE_COLUMNS} FROM ${table} ${where}
        ORDER BY ${column.split(' ')[0]} IS NULL, ${column} ${direction}, device_id COLLATE "C"
        LIMIT $${next} OFFSET $${next + 1}`,
      [...params, query.limit ?? 100, query.offset ?? 0],
    );
    return { total: total.rows[0]!.n, rows: rows.map((r) => toDeviceRow(r, query.medium)) };
  }

  async sightings(windowStart: number): Promise<SightingRow[]> {
    await this.init();
    const { rows } = await this.pool.query<SightingDbRow>({
      name: 'airtrace-sightings-of',
      text: `SELECT window_start, sensor_id, device_id, medium, frames, rssi_count, rssi_mean, rssi_std, rssi_min, rssi_max
        FROM sightings WHERE window_start = $1 ORDER BY sensor_id COLLATE "C", device_id COLLATE "C", medium`,
      values: [windowStart],
    });
    return rows.map((r) => ({
      windowStart: r.window_start,
      sensorId: r.sensor_id,
      deviceId: r.device_id,
      medium: r.medium,
      frames: r.frames,
      rssiCount: r.rssi_count,
      rssiMean: r.rssi_mean,
      rssiStd: r.rssi_std,
      rssiMin: r.rssi_min,
      rssiMax: r.rssi_max,
    }));
  }

  async totals(): Promise<StoreTotals> {
    await this.init();
    return readTotals(this.pool);
  }

  async resetMinutes(): Promise<void> {
    await this.init();
    // Waits for writers holding device rows, then resets what they committed: no update is lost.
    await this.transaction(async (client) => {
      await client.query('UPDATE wifi SET minutes_spent = 0');
      await client.query('UPDATE bluetooth SET minutes_spent = 0');
      await client.query(DEVICE_TOTALS_REFRESH);
    });
  }

  async deleteOlderThan(t: number): Promise<RetentionResult> {
    await this.init();
    return this.transaction(async (client) => {
      const sightings = await client.query('DELETE FROM sightings WHERE window_start < $1', [t]);
      const windows = await client.query('DELETE FROM windows WHERE window_start < $1', [t]);
      await client.query('DELETE FROM sensor_windows WHERE window_start < $1', [t]);
      await client.query('DELETE FROM estimates WHERE window_start < $1', [t]);
      await client.query('DELETE FROM positions WHERE t < $1', [t]);
      await client.query('DELETE FROM device_days WHERE day_start < $1', [t]);
      return { windows: windows.rowCount ?? 0, sightings: sightings.rowCount ?? 0 };
    });
  }

  async writeEstimates(rows: readonly WindowPeople[]): Promise<void> {
    if (rows.length === 0) return;
    const { rollups } = await this.historyParts();
    await this.transaction(async (client) => {
      await client.query(
        `INSERT INTO estimates (window_start, window_end, devices, randomized_devices, estimate, low, high, final)
       SELECT * FROM unnest($1::float8[], $2::float8[], $3::int[], $4::int[], $5::float8[], $6::float8[], $7::float8[], $8::bool[])
       ON CONFLICT (window_start) DO UPDATE SET window_end = excluded.window_end, devices = excluded.devices,
         randomized_devices = excluded.randomized_devices, estimate = excluded.estimate, low = excluded.low,
         high = excluded.high, final = excluded.final`,
        [
          rows.map((r) => r.windowStart),
          rows.map((r) => r.windowEnd),
          rows.map((r) => r.devices),
          rows.map((r) => r.randomizedDevices),
          rows.map((r) => r.estimate),
          rows.map((r) => r.low),
          rows.map((r) => r.high),
          rows.map((r) => r.final),
        ],
      );
      await rollups.recordEstimates(client, rows);
    });
  }

  async rollups(resolution: RollupResolution, from: number, to: number, zone = ''): Promise<RollupRow[]> {
    await this.init();
    return readRollups(this.pool, resolution, from, to, zone);
  }

  async dwellDays(from: number, to: number, zone = ''): Promise<DwellRow[]> {
    await this.init();
    return readDwellDays(this.pool, from, to, zone);
  }

  async sensorHours(from: number, to: number): Promise<SensorHourRow[]> {
    await this.init();
    return readSensorHours(this.pool, from, to);
  }

  async prune(plan: RetentionPlan): Promise<PruneResult> {
    return prunePostgres(this.pool, (await this.historyParts()).partitions, plan);
  }

  async writePositions(fixes: readonly LiveFix[]): Promise<void> {
    if (fixes.length === 0) return;
    await (await this.historyParts()).partitions.ensure('positions', new Set(fixes.map((f) => f.t)));
    await writePostgresPositions(this.pool, fixes);
  }

  async positions(from: number, to: number, limit = 100_000): Promise<LiveFix[]> {
    await this.init();
    return readPostgresPositions(this.pool, from, to, limit);
  }

  async addHeadcount(headcount: NewHeadcount): Promise<HeadcountRow> {
    await this.init();
    return addPostgresHeadcount(this.pool, headcount);
  }

  async headcounts(limit = 1000): Promise<HeadcountRow[]> {
    await this.init();
    return postgresHeadcounts(this.pool, limit);
  }

  async deleteHeadcount(id: number): Promise<boolean> {
    await this.init();
    return deletePostgresHeadcount(this.pool, id);
  }

  async writeDeadLetter(letter: DeadLetter): Promise<void> {
    await this.init();
    await this.pool.query(
      'INSERT INTO dead_letters (at, sensor_id, window_start, reason, payload) VALUES ($1, $2, $3, $4, $5)',
      [letter.at, letter.sensorId, letter.windowStart, letter.reason, letter.payload],
    );
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    await this.init();
    const { rows } = await this.pool.query<DeadLetterColumns>(
      'SELECT at, sensor_id, window_start, reason, payload FROM dead_letters ORDER BY id DESC LIMIT $1',
      [limit],
    );
    return rows.map(toDeadLetter);
  }

  /** Data exceptions (class 22) and broken constraints (class 23) fail the same way every time. */
  isPermanentWriteError(error: unknown): boolean {
    const state = sqlState(error);
    if (state !== undefined) return state.startsWith('22') || state.startsWith('23');
    return error instanceof RangeError || error instanceof TypeError;
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}
