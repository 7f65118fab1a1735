/**
 * PostgreSQL schema versions, applied in order and recorded in `schema_migrations`. Never edit
 * a migration that has shipped: add the next one. The tables mirror SQLite's; times are Unix
 * seconds (double precision), sighting details and SSID lists are jsonb.
 *
 * Time ranges are served by B-tree indexes that lead with `window_start` (the primary keys of
 * `windows` and `sightings`, `sightings_window_device`, `sensor_windows_start`); retention
 * deletes by those prefixes, and a write looks up a window's devices in `sightings_window_device`.
 */
/**
 * The original tracker's per-device line; Wi-Fi and Bluetooth each have one. Rows are
 * rewritten for every window a device is heard in, so no index but the key (and room left in
 * each page): the updates stay HOT and a device's old versions are pruned as pages are read,
 * even where autovacuum is off. (An index on last_seen would not serve the device list anyway:
 * it sorts by `last_seen IS NULL, last_seen`.)
 */
function deviceTable(name: 'wifi' | 'bluetooth'): string {
  return `
      CREATE TABLE ${name} (
        device_id text PRIMARY KEY,
        first_seen double precision NOT NULL,
        last_seen double precision NOT NULL,
        rssi_count integer NOT NULL,
        rssi_mean double precision,
        rssi_std double precision,
        rssi_min double precision,
        rssi_max double precision,
        manufacturer text,
        randomized boolean NOT NULL,
        ssid text NOT NULL,
        ssids jsonb NOT NULL,
        minutes_spent double precision NOT NULL,
        windows_seen integer NOT NULL
      ) WITH (fillfactor = 70);`;
}

/** An hour or day of history, as in SQLite (new and returning devices are counted per day). */
function rollupTable(name: 'rollup_hours' | 'rollup_days'): string {
  const counts = [
    'windows',
    'sensor_windows',
    'frames',
    'wifi_devices',
    'ble_devices',
    'wifi_window_sum',
    'ble_window_sum',
    'device_window_sum',
    'wifi_max',
    'ble_max',
    'devices_max',
    'new_devices',
    'returning_devices',
    'est_windows',
  ];
  return `
      CREATE TABLE ${name} (
        start double precision NOT NULL,
        zone text NOT NULL,
        ${counts.map((c) => `${c} bigint NOT NULL DEFAULT 0`).join(',\n        ')},
        est_sum double precision NOT NULL DEFAULT 0,
        low_sum double precision NOT NULL DEFAULT 0,
        high_sum double precision NOT NULL DEFAULT 0,
        est_max double precision,
        est_max_low double precision,
        est_max_high double precision,
        person_minutes double precision NOT NULL DEFAULT 0,
        PRIMARY KEY (start, zone)
      );`;
}

/**
 * Turns a table into one partitioned by a time column. The rows it held become one partition
 * from the beginning of time to the next UTC midnight after its newest row (dropped whole once
 * retention passes it); new partitions, one per local day, are created as windows arrive.
 */
function partitionByTime(
  table: string,
  column: string,
  primaryKey: string,
  indexes: [string, string][],
): string {
  const old = `${table}_before_partitioning`;
  return `
      ALTER TABLE ${table} RENAME TO ${old};
      ALTER INDEX ${table}_pkey RENAME TO ${old}_pkey;
      ${indexes.map(([name]) => `ALTER INDEX ${name} RENAME TO ${old}_${name.replace(`${table}_`, '')};`).join('\n      ')}
      CREATE TABLE ${table} (LIKE ${old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (${column});
      ALTER TABLE ${table} ADD PRIMARY KEY (${primaryKey});
      ${indexes.map(([name, columns]) => `CREATE INDEX ${name} ON ${table} (${columns});`).join('\n      ')}
      DO $$ DECLARE newest double precision; BEGIN
        SELECT max(${column}) INTO newest FROM ${old};
        IF newest IS NULL THEN
          DROP TABLE ${old};
        ELSE
          EXECUTE format('ALTER TABLE ${table} ATTACH PARTITION ${old} FOR VALUES FROM (MINVALUE) TO (%s)',
            floor(newest / 86400) * 86400 + 86400);
        END IF;
      END $$;`;
}

/**
 * The device tables' totals recomputed from their rows (migration, reset, retention); ingest keeps
 * them up to date in between. Mean stay: fixed Wi-Fi addresses seen in two windows or more.
 */
export const DEVICE_TOTALS_REFRESH = `
      DELETE FROM device_totals;
      INSERT INTO device_totals (medium, devices, minutes, stay_devices, stay_minutes)
        SELECT 'wifi', COUNT(*), COALESCE(SUM(minutes_spent), 0),
          COUNT(*) FILTER (WHERE NOT randomized AND windows_seen >= 2),
          COALESCE(SUM(minutes_spent) FILTER (WHERE NOT randomized AND windows_seen >= 2), 0) FROM wifi
        UNION ALL SELECT 'ble', COUNT(*), COALESCE(SUM(minutes_spent), 0), 0, 0 FROM bluetooth;`;

/** The migration that adds the rollups: a database that had data before it gets them rebuilt. */
export const ROLLUPS_MIGRATION = 4;

export const POSTGRES_MIGRATIONS: readonly { id: number; name: string; sql: string }[] = [
  {
    id: 1,
    name: 'windows, sightings and the per-device tables',
    sql: `
      CREATE TABLE sensor_windows (
        sensor_id text NOT NULL,
        window_start double precision NOT NULL,
        window_end double precision NOT NULL,
        frames integer NOT NULL,
        frames_with_rssi integer NOT NULL,
        PRIMARY KEY (sensor_id, window_start)
      );
      CREATE INDEX sensor_windows_start ON sensor_windows (window_start);
      CREATE TABLE windows (
        window_start double precision PRIMARY KEY,
        window_end double precision NOT NULL,
        wifi_devices integer NOT NULL,
        bluetooth_devices integer NOT NULL,
        both_devices integer NOT NULL,
        randomized_devices integer NOT NULL,
        frames integer NOT NULL,
        sensors integer NOT NULL
      );
      CREATE TABLE sightings (
        window_start double precision NOT NULL,
        sensor_id text NOT NULL,
        device_id text NOT NULL,
        medium text NOT NULL CHECK (medium IN ('wifi', 'ble')),
        randomized boolean NOT NULL,
        frames integer NOT NULL,
        rssi_count integer NOT NULL,
        rssi_mean double precision,
        rssi_std double precision,
        rssi_min double precision,
        rssi_max double precision,
        first_seen double precision NOT NULL,
        last_seen double precision NOT NULL,
        detail jsonb NOT NULL,
        PRIMARY KEY (window_start, sensor_id, medium, device_id)
      );
      CREATE INDEX sightings_device ON sightings (device_id, window_start);
      CREATE INDEX sightings_window_device ON sightings (window_start, device_id, medium, randomized);
      ${deviceTable('wifi')}
      ${deviceTable('bluetooth')}
    `,
  },
  {
    id: 2,
    name: 'people estimates per window and device positions',
    sql: `
      CREATE TABLE estimates (
        window_start double precision PRIMARY KEY,
        window_end double precision NOT NULL,
        devices integer NOT NULL,
        randomized_devices integer NOT NULL,
        estimate double precision NOT NULL,
        low double precision NOT NULL,
        high double precision NOT NULL,
        final boolean NOT NULL
      );
      CREATE TABLE positions (
        t double precision NOT NULL,
        device_id text NOT NULL,
        medium text NOT NULL CHECK (medium IN ('wifi', 'ble')),
        x double precision NOT NULL,
        y double precision NOT NULL,
        uncertainty double precision NOT NULL,
        sensors integer NOT NULL,
        method text NOT NULL,
        PRIMARY KEY (device_id, t)
      );
      CREATE INDEX positions_t ON positions (t);
    `,
  },
  {
    id: 3,
    name: 'counters that grow as bigint; dead letters for windows that cannot be stored',
    // A sum of frames over many sensors, or a fixed device's RSSI count over years, outgrows int.
    sql: `
      ALTER TABLE sensor_windows ALTER COLUMN frames TYPE bigint, ALTER COLUMN frames_with_rssi TYPE bigint;
      ALTER TABLE windows ALTER COLUMN frames TYPE bigint;
      ALTER TABLE sightings ALTER COLUMN frames TYPE bigint, ALTER COLUMN rssi_count TYPE bigint;
      ALTER TABLE wifi ALTER COLUMN rssi_count TYPE bigint, ALTER COLUMN windows_seen TYPE bigint;
      ALTER TABLE bluetooth ALTER COLUMN rssi_count TYPE bigint, ALTER COLUMN windows_seen TYPE bigint;
      CREATE TABLE dead_letters (
        id bigserial PRIMARY KEY,
        at double precision NOT NULL,
        sensor_id text NOT NULL,
        window_start double precision NOT NULL,
        reason text NOT NULL,
        payload text NOT NULL
      );
    `,
  },
  {
    id: 4,
    name: 'hour and day rollups, dwell histogram, sensor hours, device-days; sightings and positions partitioned by day',
    // Rollups are kept forever; device_days goes with the raw data. zone '' is the whole site:
    // the key leaves room for per-zone rows. Retention drops a day's partition of sightings and
    // positions instead of deleting its rows one by one (no dead tuples, no vacuum debt).
    sql: `
      ${rollupTable('rollup_hours')}
      ${rollupTable('rollup_days')}
      CREATE TABLE dwell_days (
        day_start double precision NOT NULL,
        zone text NOT NULL,
        medium text NOT NULL CHECK (medium IN ('wifi', 'ble')),
        randomized boolean NOT NULL,
        dwell_bin integer NOT NULL,
        rssi_bin integer NOT NULL,
        devices bigint NOT NULL,
        PRIMARY KEY (day_start, zone, medium, randomized, dwell_bin, rssi_bin)
      );
      CREATE TABLE sensor_hours (
        hour_start double precision NOT NULL,
        sensor_id text NOT NULL,
        windows bigint NOT NULL,
        frames bigint NOT NULL,
        PRIMARY KEY (hour_start, sensor_id)
      );
      CREATE TABLE device_days (
        medium text NOT NULL CHECK (medium IN ('wifi', 'ble')),
        device_id text NOT NULL,
        day_start double precision NOT NULL,
        minutes double precision NOT NULL,
        hours_mask bigint NOT NULL,
        rssi_max double precision,
        randomized boolean NOT NULL,
        returned boolean,
        PRIMARY KEY (medium, device_id, day_start)
      );
      CREATE INDEX device_days_day ON device_days (day_start);
      CREATE TABLE history_settings (key text PRIMARY KEY, value text NOT NULL);
      CREATE TABLE device_totals (
        medium text PRIMARY KEY,
        devices bigint NOT NULL,
        minutes double precision NOT NULL,
        stay_devices bigint NOT NULL,
        stay_minutes double precision NOT NULL
      );
      ${DEVICE_TOTALS_REFRESH}
      ${partitionByTime('sightings', 'window_start', 'window_start, sensor_id, medium, device_id', [
        ['sightings_device', 'device_id, window_start'],
        ['sightings_window_device', 'window_start, device_id, medium, randomized'],
      ])}
      ${partitionByTime('positions', 't', 'device_id, t', [['positions_t', 't']])}
    `,
  },
  {
    id: 5,
    name: 'headcounts that calibrate the people estimates',
    sql: `
      CREATE TABLE headcounts (
        id bigserial PRIMARY KEY,
        t double precision NOT NULL,
        count integer NOT NULL CHECK (count >= 0),
        estimate double precision,
        created_at double precision NOT NULL
      );
      CREATE INDEX headcounts_t ON headcounts (t);
    `,
  },
  {
    id: 6,
    name: "each position's zone and 90% radius",
    sql: `
      ALTER TABLE positions ADD COLUMN zone text, ADD COLUMN radius90 double precision;
    `,
  },
];
