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
    id: 5,
    name: "each position's zone and 90% radius",
    sql: `
      ALTER TABLE positions ADD COLUMN zone text, ADD COLUMN radius90 double precision;
    `,
  },
];
