import Database from 'better-sqlite3';
import type { DeviceWindow, WindowSummary } from '../src/core/model.ts';
import type { WindowPeople } from '../src/adapters/storage/store.ts';
import { SqliteStore } from '../src/adapters/storage/sqlite/sqliteStore.ts';

export const DEVICES_PER_WINDOW = 200;
export const WEEK = 7 * 86_400;
/** The newest week starts on a Monday midnight (UTC): 2024-12-23. */
export const LAST_WEEK_START = 1_734_912_000;
export const WEEKS = 53;

/** Fifty devices that are always there (the venue's own), a crowd that comes and goes, rotating addresses. */
const RESIDENTS = 50;
const REGULARS = 3000;

function seeded(seed: number): () => number {
  return () => (seed = (seed * 48271) % 2147483647) / 2147483647;
}

function device(id: string, start: number, randomized: boolean, rssi: number): DeviceWindow {
  return {
    deviceId: id,
    medium: id.endsWith('b') ? 'ble' : 'wifi',
    randomized,
    vendor: randomized ? 'randomized' : 'Apple, Inc.',
    frames: 3,
    rssi: { count: 3, mean: rssi - 2, std: 1.5, min: rssi - 5, max: rssi },
    ssids: [],
    frameTypes: { 'probe-req': 3 },
    ieFingerprints: ['805b72cbbba09f04'],
    channels: [1, 6, 11],
    firstSeen: start + 5,
    lastSeen: start + 50,
  };
}

/**
 * One week of one-minute windows of 200 devices each: residents all day, regular visitors during
 * opening hours (a few hundred a day, many coming back), rotating randomized addresses for the
 * rest. Seeded: the same week every run.
 */
export function* syntheticWeek(weekStart: number): Generator<WindowSummary> {
  const random = seeded(42);
  // Each day's visitors: who, when they come, how long they stay (minutes).
  const visits: { id: number; from: number; to: number; rssi: number }[][] = [];
  for (let d = 0; d < 7; d++) {
    const day: { id: number; from: number; to: number; rssi: number }[] = [];
    for (let v = 0; v < 400; v++) {
      const from = 8 * 60 + Math.floor(random() * 11 * 60);
      day.push({
        id: Math.floor(random() * REGULARS),
        from,
        to: from + 1 + Math.floor(random() ** 2 * 120),
        rssi: -50 - Math.floor(random() * 45),
      });
    }
    visits.push(day);
  }
  for (let m = 0; m < 7 * 1440; m++) {
    const start = weekStart + m * 60;
    const minute = m % 1440;
    const devices: DeviceWindow[] = [];
    for (let r = 0; r < RESIDENTS; r++)
      devices.push(device(`res${r}${r % 5 === 0 ? 'b' : ''}`, start, false, -58));
    const here = new Set<number>();
    for (const v of visits[Math.floor(m / 1440)]!) {
      if (devices.length >= DEVICES_PER_WINDOW * 0.75) break;
      if (minute < v.from || minute >= v.to || here.has(v.id)) continue;
      here.add(v.id);
      devices.push(device(`vis${v.id}`, start, false, v.rssi));
    }
    // Rotating addresses fill the window: each lives two minutes.
    for (let k = 0; devices.length < DEVICES_PER_WINDOW; k++)
      devices.push(device(`rnd${Math.floor((weekStart + m * 60) / 120)}-${k}`, start, true, -70 - (k % 25)));
    yield {
      schema: 1,
      sensorId: 'bench',
      windowStart: start,
      windowEnd: start + 60,
      frames: devices.length * 3,
      framesWithRssi: devices.length * 3,
      devices,
    };
  }
}

export function estimateOf(w: WindowSummary, final: boolean): WindowPeople {
  const fixed = w.devices.filter((d) => !d.randomized).length;
  const estimate = Math.round(fixed * 0.6) / 10 + 1;
  return {
    windowStart: w.windowStart,
    windowEnd: w.windowEnd,
    devices: w.devices.length,
    randomizedDevices: w.devices.length - fixed,
    estimate,
    low: estimate * 0.8,
    high: estimate * 1.25,
    final,
  };
}

/**
 * Writes the newest week through the store (rollups kept at ingest as the hub does, estimates
 * revised while provisional), then copies its windows, estimates and rollups to the 52 weeks
 * before: a year of one-minute windows and its rollups, with the raw windows kept for the whole
 * year so the reference (aggregating them) can be measured.
 */
export async function buildYear(
  path: string,
  log: (line: string) => void,
  progress: (done: number) => void,
): Promise<void> {
  const store = new SqliteStore(path, { timeZone: 'UTC' });
  let n = 0;
  const recent: WindowSummary[] = [];
  for (const w of syntheticWeek(LAST_WEEK_START)) {
    await store.writeWindow([w]);
    recent.push(w);
    if (recent.length > 25) recent.shift();
    // As the hub does: estimates of the recent windows, revised until final.
    await store.writeEstimates(recent.map((r, i) => estimateOf(r, i < recent.length - 25)));
    if (++n % 100 === 0) progress(n);
  }
  await store.close();
  log(`copying the week to the ${WEEKS - 1} weeks before`);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TEMP TABLE k (i INTEGER);
    WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < ${WEEKS - 1}) INSERT INTO k SELECT i FROM r;
    INSERT INTO windows SELECT window_start - i * ${WEEK}, window_end - i * ${WEEK}, wifi_devices, bluetooth_devices,
      both_devices, randomized_devices, frames, sensors FROM windows, k;
    INSERT INTO estimates SELECT window_start - i * ${WEEK}, window_end - i * ${WEEK}, devices, randomized_devices,
      estimate, low, high, final FROM estimates, k;
    INSERT INTO rollup_hours SELECT start - i * ${WEEK}, zone, windows, sensor_windows, frames, wifi_devices, ble_devices,
      wifi_window_sum, ble_window_sum, device_window_sum, wifi_max, ble_max, devices_max, new_devices, returning_devices,
      est_windows, est_sum, low_sum, high_sum, est_max, est_max_low, est_max_high, person_minutes FROM rollup_hours, k;
    INSERT INTO rollup_days SELECT start - i * ${WEEK}, zone, windows, sensor_windows, frames, wifi_devices, ble_devices,
      wifi_window_sum, ble_window_sum, device_window_sum, wifi_max, ble_max, devices_max, new_devices, returning_devices,
      est_windows, est_sum, low_sum, high_sum, est_max, est_max_low, est_max_high, person_minutes FROM rollup_days, k;
    INSERT INTO dwell_days SELECT day_start - i * ${WEEK}, zone, medium, randomized, dwell_bin, rssi_bin, devices
      FROM dwell_days, k;
    INSERT INTO sensor_hours SELECT hour_start - i * ${WEEK}, sensor_id, windows, frames FROM sensor_hours, k;
    ANALYZE;
  `);
  db.close();
}
