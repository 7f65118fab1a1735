/** The original tracker's per-device table; Wi-Fi and Bluetooth have one each, alike. */
function deviceTable(name: 'wifi' | 'bluetooth'): string {
  return `CREATE TABLE ${name} (
        device_id TEXT PRIMARY KEY,
        first_seen REAL NOT NULL,
        last_seen REAL NOT NULL,
        rssi_count INTEGER NOT NULL,
        rssi_mean REAL,
        rssi_std REAL,
        rssi_min REAL,
        rssi_max REAL,
        manufacturer TEXT,
        randomized INTEGER NOT NULL,
        ssid TEXT NOT NULL,
        ssids TEXT NOT NULL,
        minutes_spent REAL NOT NULL,
        windows_seen INTEGER NOT NULL
      );
      CREATE INDEX ${name}_last_seen ON ${name} (last_seen);`;
}

/** An hour or day of history; the same columns in both (new and returning devices are counted per day). */
function rollupTable(name: 'rollup_hours' | 'rollup_days'): string {
  return `CREATE TABLE ${name} (
        start REAL NOT NULL,
        zone TEXT NOT NULL,
        windows INTEGER NOT NULL DEFAULT 0,
        sensor_windows INTEGER NOT NULL DEFAULT 0,
        frames INTEGER NOT NULL DEFAULT 0,
        wifi_devices INTEGER NOT NULL DEFAULT 0,
        ble_devices INTEGER NOT NULL DEFAULT 0,
        wifi_window_sum INTEGER NOT NULL DEFAULT 0,
        ble_window_sum INTEGER NOT NULL DEFAULT 0,
        device_window_sum INTEGER NOT NULL DEFAULT 0,
        wifi_max INTEGER NOT NULL DEFAULT 0,
        ble_max INTEGER NOT NULL DEFAULT 0,
        devices_max INTEGER NOT NULL DEFAULT 0,
        new_devices INTEGER NOT NULL DEFAULT 0,
        returning_devices INTEGER NOT NULL DEFAULT 0,
        est_windows INTEGER NOT NULL DEFAULT 0,
        est_sum REAL NOT NULL DEFAULT 0,
        low_sum REAL NOT NULL DEFAULT 0,
        high_sum REAL NOT NULL DEFAULT 0,
        est_max REAL,
        est_max_low REAL,
        est_max_high REAL,
        person_minutes REAL NOT NULL DEFAULT 0,
        PRIMARY KEY (start, zone)
      ) WITHOUT ROWID;`;
}

/**
 * The device tables' totals recomputed from their rows (migration, reset, retention); ingest keeps
 * them up to date in between. Mean stay: fixed Wi-Fi addresses seen in two windows or more.
 */
export const DEVICE_TOTALS_REFRESH = `
      DELETE FROM device_totals;
      INSERT INTO device_totals (medium, devices, minutes, stay_devices, stay_minutes)
        SELECT 'wifi', COUNT(*), COALESCE(SUM(minutes_spent), 0),
          COALESCE(SUM(CASE WHEN randomized = 0 AND windows_seen >= 2 THEN 1 ELSE 0 END), 0),
          COALESCE(SUM(CASE WHEN randomized = 0 AND windows_seen >= 2 THEN minutes_spent ELSE 0 END), 0) FROM wifi
        UNION ALL SELECT 'ble', COUNT(*), COALESCE(SUM(minutes_spent), 0), 0, 0 FROM bluetooth;`;

/** The migration that adds the rollups: a database that had data before it gets them rebuilt. */
export const ROLLUPS_MIGRATION = 5;

/**
 * Schema versions, applied in order and recorded in `schema_migrations`. Never edit a
 * migration that has shipped: add the next one. Times are Unix seconds (REAL).
 */
export const SQLITE_MIGRATIONS: readonly { id: number; name: string; sql: string }[] = [
  {
    id: 1,
    name: 'windows, sightings and the per-device tables',
    sql: `
      CREATE TABLE sensor_windows (
        sensor_id TEXT NOT NULL,
        window_start REAL NOT NULL,
        window_end REAL NOT NULL,
        frames INTEGER NOT NULL,
        frames_with_rssi INTEGER NOT NULL,
        PRIMARY KEY (sensor_id, window_start)
      );
      CREATE TABLE windows (
        window_start REAL PRIMARY KEY,
        window_end REAL NOT NULL,
        wifi_devices INTEGER NOT NULL,
        bluetooth_devices INTEGER NOT NULL,
        both_devices INTEGER NOT NULL,
        randomized_devices INTEGER NOT NULL,
        frames INTEGER NOT NULL,
        sensors INTEGER NOT NULL
      );
      CREATE TABLE sightings (
        window_start REAL NOT NULL,
        sensor_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        medium TEXT NOT NULL CHECK (medium IN ('wifi', 'ble')),
        randomized INTEGER NOT NULL,
        frames INTEGER NOT NULL,
        rssi_count INTEGER NOT NULL,
        rssi_mean REAL,
        rssi_std REAL,
        rssi_min REAL,
        rssi_max REAL,
        first_seen REAL NOT NULL,
        last_seen REAL NOT NULL,
        detail TEXT NOT NULL,
        PRIMARY KEY (window_start, sensor_id, medium, device_id)
      );
      CREATE INDEX sightings_device ON sightings (device_id, window_start);
      ${deviceTable('wifi')}
      ${deviceTable('bluetooth')}
    `,
  },
  {
    id: 2,
    name: 'indexes for the window refresh, the seen-before lookup and retention',
    // Without them every sensor window re-reads all sightings of its window start once per
    // device: with 50 sensors of 200 devices, a write took 100 ms instead of 5.
    sql: `
      CREATE INDEX sightings_window_device ON sightings (window_start, device_id, medium, randomized);
      CREATE INDEX sensor_windows_start ON sensor_windows (window_start);
    `,
  },
  {
    id: 3,
    name: 'people estimates per window and device positions',
    sql: `
      CREATE TABLE estimates (
        window_start REAL PRIMARY KEY,
        window_end REAL NOT NULL,
        devices INTEGER NOT NULL,
        randomized_devices INTEGER NOT NULL,
        estimate REAL NOT NULL,
        low REAL NOT NULL,
        high REAL NOT NULL,
        final INTEGER NOT NULL
      );
      CREATE TABLE positions (
        t REAL NOT NULL,
        device_id TEXT NOT NULL,
        medium TEXT NOT NULL CHECK (medium IN ('wifi', 'ble')),
        x REAL NOT NULL,
        y REAL NOT NULL,
        uncertainty REAL NOT NULL,
        sensors INTEGER NOT NULL,
        method TEXT NOT NULL,
        PRIMARY KEY (device_id, t)
      );
      CREATE INDEX positions_t ON positions (t);
    `,
  },
  {
    id: 4,
    name: 'dead letters for windows that cannot be stored',
    sql: `
      CREATE TABLE dead_letters (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        sensor_id TEXT NOT NULL,
        window_start REAL NOT NULL,
        reason TEXT NOT NULL,
        payload TEXT NOT NULL
      );
    `,
  },
  {
    id: 5,
    name: 'hour and day rollups, dwell histogram, sensor hours and device-days',
    // Rollups are kept forever; device_days goes with the raw data. zone '' is the whole site:
    // the key leaves room for per-zone rows without another migration.
    sql: `
      ${rollupTable('rollup_hours')}
      ${rollupTable('rollup_days')}
      CREATE TABLE dwell_days (
        day_start REAL NOT NULL,
        zone TEXT NOT NULL,
        medium TEXT NOT NULL CHECK (medium IN ('wifi', 'ble')),
        randomized INTEGER NOT NULL,
        dwell_bin INTEGER NOT NULL,
        rssi_bin INTEGER NOT NULL,
        devices INTEGER NOT NULL,
        PRIMARY KEY (day_start, zone, medium, randomized, dwell_bin, rssi_bin)
      ) WITHOUT ROWID;
      CREATE TABLE sensor_hours (
        hour_start REAL NOT NULL,
        sensor_id TEXT NOT NULL,
        windows INTEGER NOT NULL,
        frames INTEGER NOT NULL,
        PRIMARY KEY (hour_start, sensor_id)
      ) WITHOUT ROWID;
      CREATE TABLE device_days (
        medium TEXT NOT NULL CHECK (medium IN ('wifi', 'ble')),
        device_id TEXT NOT NULL,
        day_start REAL NOT NULL,
        minutes REAL NOT NULL,
        hours_mask INTEGER NOT NULL,
        rssi_max REAL,
        randomized INTEGER NOT NULL,
        returned INTEGER,
        PRIMARY KEY (medium, device_id, day_start)
      ) WITHOUT ROWID;
      CREATE INDEX device_days_day ON device_days (day_start);
      CREATE TABLE history_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE device_totals (
        medium TEXT PRIMARY KEY,
        devices INTEGER NOT NULL,
        minutes REAL NOT NULL,
        stay_devices INTEGER NOT NULL,
        stay_minutes REAL NOT NULL
      );
      ${DEVICE_TOTALS_REFRESH}
    `,
  },
  {
    id: 6,
    name: 'headcounts that calibrate the people estimates',
    sql: `
      CREATE TABLE headcounts (
        id INTEGER PRIMARY KEY,
        t REAL NOT NULL,
        count INTEGER NOT NULL CHECK (count >= 0),
        estimate REAL,
        created_at REAL NOT NULL
      );
      CREATE INDEX headcounts_t ON headcounts (t);
    `,
  },
  {
    id: 7,
    name: "each position's zone and 90% radius",
    sql: `
      ALTER TABLE positions ADD COLUMN zone TEXT;
      ALTER TABLE positions ADD COLUMN radius90 REAL;
    `,
  },
];
