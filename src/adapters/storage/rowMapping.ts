import type { DeviceWindow, Medium } from '../../core/model.ts';
import type { DeviceRecord } from '../../core/occupancy/deviceLedger.ts';
import type { LiveFix } from '../../core/positioning/liveLocator.ts';
import type { DeadLetter, DeviceRow, WindowRow } from './store.ts';

/**
 * Rows as both stores read them, once each store has decoded its own column encodings (SQLite
 * keeps booleans as 0/1 and lists as JSON text; PostgreSQL has boolean and jsonb): the mapping to
 * domain values is written once.
 */
export interface DeviceColumns {
  device_id: string;
  first_seen: number;
  last_seen: number;
  rssi_count: number;
  rssi_mean: number | null;
  rssi_std: number | null;
  rssi_min: number | null;
  rssi_max: number | null;
  manufacturer: string | null;
  randomized: boolean;
  ssids: string[];
  minutes_spent: number;
  windows_seen: number;
}

export interface WindowColumns {
  window_start: number;
  window_end: number;
  wifi_devices: number;
  bluetooth_devices: number;
  both_devices: number;
  randomized_devices: number;
  frames: number;
  sensors: number;
  people_devices: number | null;
  people_randomized: number | null;
  estimate: number | null;
  low: number | null;
  high: number | null;
  final: boolean | null;
}

export interface PositionColumns {
  t: number;
  device_id: string;
  medium: Medium;
  x: number;
  y: number;
  uncertainty: number;
  sensors: number;
  method: string;
  /** Null in rows stored before zones were kept, and where the site has no zones. */
  zone: string | null;
  radius90: number | null;
}

export const DEVICE_TABLE: Record<Medium, 'wifi' | 'bluetooth'> = { wifi: 'wifi', ble: 'bluetooth' };

export function toDeviceRecord(row: DeviceColumns, medium: Medium): DeviceRecord {
  return {
    deviceId: row.device_id,
    medium,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    rssi:
      row.rssi_count > 0
        ? {
            count: row.rssi_count,
            mean: row.rssi_mean!,
            std: row.rssi_std!,
            min: row.rssi_min!,
            max: row.rssi_max!,
          }
        : null,
    manufacturer: row.manufacturer,
    randomized: row.randomized,
    ssids: row.ssids,
    minutesSpent: row.minutes_spent,
    windowsSeen: row.windows_seen,
  };
}

export function toDeviceRow(row: DeviceColumns, medium: Medium): DeviceRow {
  return {
    deviceId: row.device_id,
    medium,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    rssiMean: row.rssi_mean,
    rssiStd: row.rssi_std,
    rssiCount: row.rssi_count,
    manufacturer: row.manufacturer,
    randomized: row.randomized,
    ssids: row.ssids,
    minutesSpent: row.minutes_spent,
    windowsSeen: row.windows_seen,
  };
}

export function toWindowRow(r: WindowColumns): WindowRow {
  return {
    windowStart: r.window_start,
    windowEnd: r.window_end,
    wifiDevices: r.wifi_devices,
    bluetoothDevices: r.bluetooth_devices,
    bothDevices: r.both_devices,
    randomizedDevices: r.randomized_devices,
    frames: r.frames,
    sensors: r.sensors,
    people:
      r.estimate === null
        ? null
        : {
            windowStart: r.window_start,
            windowEnd: r.window_end,
            devices: r.people_devices!,
            randomizedDevices: r.people_randomized!,
            estimate: r.estimate,
            low: r.low!,
            high: r.high!,
            final: r.final === true,
          },
  };
}

export function toLiveFix(r: PositionColumns): LiveFix {
  const fix: LiveFix = {
    t: r.t,
    deviceId: r.device_id,
    medium: r.medium,
    x: r.x,
    y: r.y,
    uncertainty: r.uncertainty,
    sensors: r.sensors,
    method: r.method as LiveFix['method'],
  };
  if (r.radius90 !== null) fix.radius90 = r.radius90;
  if (r.zone !== null) fix.zone = r.zone;
  return fix;
}

/** Sightings keep what later grouping of randomized MACs needs, without raw addresses: one shape in either store. */
export function sightingDetail(d: DeviceWindow): string {
  return JSON.stringify({
    ssids: d.ssids,
    frameTypes: d.frameTypes,
    ieFingerprints: d.ieFingerprints,
    channels: d.channels,
    seqFirst: d.seqFirst,
    seqLast: d.seqLast,
    vendor: d.vendor,
    addressType: d.addressType,
    name: d.name,
  });
}

/** A `dead_letters` row as both stores read it. */
export interface DeadLetterColumns {
  at: number;
  sensor_id: string;
  window_start: number;
  reason: string;
  payload: string;
}

export function toDeadLetter(r: DeadLetterColumns): DeadLetter {
  return {
    at: r.at,
    sensorId: r.sensor_id,
    windowStart: r.window_start,
    reason: r.reason,
    payload: r.payload,
  };
}
