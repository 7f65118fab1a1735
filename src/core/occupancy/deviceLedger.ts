import type { DeviceWindow, Medium, RssiStats } from '../model.ts';
import { combineRssiStats } from '../window/rssiAccumulator.ts';

/** What the hub keeps per device across windows: the original tracker's per-device row. */
export interface DeviceRecord {
  deviceId: string;
  medium: Medium;
  firstSeen: number;
  lastSeen: number;
  rssi: RssiStats | null;
  manufacturer: string | null;
  randomized: boolean;
  ssids: string[];
  minutesSpent: number;
  windowsSeen: number;
}

/** A device probing for more networks than this is listing its whole history; keep the latest. */
export const MAX_SSIDS_PER_DEVICE = 32;

/**
 * Folds one window's sightings of a device (one per sensor that heard it) into its record.
 * `alreadyCounted` is true when another sensor's part of the same window was stored earlier:
 * the device was then already credited with this window's minutes.
 */
export function foldDeviceWindow(
  existing: DeviceRecord | undefined,
  sightings: readonly DeviceWindow[],
  windowMinutes: number,
  alreadyCounted: boolean,
): DeviceRecord {
  const first = sightings[0];
  if (first === undefined) throw new RangeError('foldDeviceWindow needs at least one sighting');
  const firstSeen = Math.min(existing?.firstSeen ?? Infinity, ...sightings.map((s) => s.firstSeen));
  const lastSeen = Math.max(existing?.lastSeen ?? -Infinity, ...sightings.map((s) => s.lastSeen));
  const ssids = [...(existing?.ssids ?? [])];
  for (const s of sightings) {
    for (const ssid of s.ssids.length > 0 ? s.ssids : s.name !== undefined ? [s.name] : []) {
      const at = ssids.indexOf(ssid);
      if (at >= 0) ssids.splice(at, 1);
      ssids.push(ssid);
    }
  }
  const credit = alreadyCounted ? 0 : 1;
  return {
    deviceId: first.deviceId,
    medium: first.medium,
    firstSeen,
    lastSeen,
    rssi: combineRssiStats([existing?.rssi ?? null, ...sightings.map((s) => s.rssi)]),
    manufacturer: sightings.find((s) => s.vendor !== null)?.vendor ?? existing?.manufacturer ?? null,
    randomized: first.randomized,
    ssids: ssids.slice(-MAX_SSIDS_PER_DEVICE),
    minutesSpent: (existing?.minutesSpent ?? 0) + credit * windowMinutes,
    windowsSeen: (existing?.windowsSeen ?? 0) + credit,
  };
}
