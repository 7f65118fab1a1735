import type { BucketDelta } from '../../core/history/windowRollup.ts';
import type { DwellRow, RollupRow, SensorHourRow } from './store.ts';

/**
 * Rollup rows as both stores read and write them: the column names once, the mapping to domain
 * values once. The additive columns are listed with the BucketDelta field they take, so each
 * store's upsert is written from the same list.
 */
export const ADDED_COLUMNS: readonly [column: string, field: keyof BucketDelta][] = [
  ['windows', 'windows'],
  ['sensor_windows', 'sensorWindows'],
  ['frames', 'frames'],
  ['wifi_devices', 'wifiDevices'],
  ['ble_devices', 'bleDevices'],
  ['wifi_window_sum', 'wifiWindowSum'],
  ['ble_window_sum', 'bleWindowSum'],
  ['device_window_sum', 'deviceWindowSum'],
  ['new_devices', 'newDevices'],
  ['returning_devices', 'returningDevices'],
];

/** Columns that keep the largest value any window brought. */
export const MAX_COLUMNS: readonly [column: string, field: keyof BucketDelta][] = [
  ['wifi_max', 'wifiMax'],
  ['ble_max', 'bleMax'],
  ['devices_max', 'devicesMax'],
];

/** The people columns, recomputed from the estimates whenever one of the bucket's changes. */
export const PEOPLE_COLUMNS = [
  'est_windows',
  'est_sum',
  'low_sum',
  'high_sum',
  'est_max',
  'est_max_low',
  'est_max_high',
  'person_minutes',
] as const;

export interface RollupColumns {
  start: number;
  zone: string;
  windows: number;
  sensor_windows: number;
  frames: number;
  wifi_devices: number;
  ble_devices: number;
  wifi_window_sum: number;
  ble_window_sum: number;
  device_window_sum: number;
  wifi_max: number;
  ble_max: number;
  devices_max: number;
  new_devices: number;
  returning_devices: number;
  est_windows: number;
  est_sum: number;
  low_sum: number;
  high_sum: number;
  est_max: number | null;
  est_max_low: number | null;
  est_max_high: number | null;
  person_minutes: number;
}

export function toRollupRow(r: RollupColumns): RollupRow {
  return {
    start: r.start,
    zone: r.zone,
    windows: r.windows,
    sensorWindows: r.sensor_windows,
    frames: r.frames,
    wifiDevices: r.wifi_devices,
    bleDevices: r.ble_devices,
    wifiWindowSum: r.wifi_window_sum,
    bleWindowSum: r.ble_window_sum,
    deviceWindowSum: r.device_window_sum,
    wifiMax: r.wifi_max,
    bleMax: r.ble_max,
    devicesMax: r.devices_max,
    newDevices: r.new_devices,
    returningDevices: r.returning_devices,
    people:
      r.est_windows === 0 || r.est_max === null
        ? null
        : {
            windows: r.est_windows,
            sum: r.est_sum,
            lowSum: r.low_sum,
            highSum: r.high_sum,
            max: r.est_max,
            maxLow: r.est_max_low!,
            maxHigh: r.est_max_high!,
            personMinutes: r.person_minutes,
          },
  };
}

export interface DwellColumns {
  day_start: number;
  medium: DwellRow['medium'];
  randomized: boolean;
  dwell_bin: number;
  rssi_bin: number;
  devices: number;
}

export function toDwellRow(r: DwellColumns): DwellRow {
  return {
    dayStart: r.day_start,
    medium: r.medium,
    randomized: r.randomized,
    dwellBin: r.dwell_bin,
    rssiBin: r.rssi_bin,
    devices: r.devices,
  };
}

export function toSensorHourRow(r: {
  hour_start: number;
  sensor_id: string;
  windows: number;
  frames: number;
}): SensorHourRow {
  return { hourStart: r.hour_start, sensorId: r.sensor_id, windows: r.windows, frames: r.frames };
}
