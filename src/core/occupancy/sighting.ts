/**
 * What device grouping works from: one hashed address as one sensor heard it over one short span.
 *
 * A sighting is a `DeviceWindow` plus the sensor that heard it, i.e. exactly what the hub stores
 * per sensor, window and device. `airtrace count` builds the same thing from raw frames (through
 * the windower, with 60 s windows), so the CLI, the evaluation and the hub share one path.
 *
 * What a sighting keeps of its frames, and so what grouping cannot use:
 * - time: only the first and last frame. A randomized MAC usually lives for one probe burst
 *   (well under a second), so for the addresses grouping has to join nothing is lost; a stable
 *   address heard in several bursts of one window is one sighting either way.
 * - sequence numbers: only the first and last. Continuity from one MAC to the next needs no more.
 * - RSSI: statistics, of which grouping and presence use the maximum (the frame least attenuated
 *   by a body or a wall). Per-frame RSSI tracks are gone.
 * - fingerprints and SSIDs: the distinct values, not which frame carried which.
 * The longer the hub's windows, the more bursts of one stable address fold into one sighting;
 * nothing else changes.
 */

import type { BleAddressType, DeviceWindow, Medium, WindowSummary } from '../model.ts';

export interface Sighting {
  sensorId: string;
  /** The keyed hash of the address: never the raw MAC. */
  deviceId: string;
  medium: Medium;
  /** Locally administered Wi-Fi MAC or BLE private address, as the windower flagged it. */
  randomized: boolean;
  firstSeen: number;
  lastSeen: number;
  frames: number;
  /** Strongest plausible RSSI in dBm; undefined when no frame carried one. */
  rssiMax: number | undefined;
  fingerprints: readonly string[];
  /** Directed SSIDs (the wildcard '' is left out). */
  ssids: readonly string[];
  seqFirst: number | undefined;
  seqLast: number | undefined;
  /** Every frame was one an access point sends (beacons, probe responses): not a visitor. */
  infrastructure: boolean;
  vendor: string | null;
  name: string | undefined;
  addressType: BleAddressType | undefined;
}

/** Frame types that only access points send: their transmitter is infrastructure. */
const ACCESS_POINT_FRAMES = new Set(['beacon', 'probe-resp', 'assoc-resp', 'reassoc-resp', 'timing-advert']);

/**
 * A received signal of 0 dBm or more is a radio header bug, not a phone (a phone touching the
 * antenna reads around -10 dBm). Such a maximum is replaced by the window's minimum, the only
 * other value the statistics keep; a window whose every value is implausible has no RSSI.
 */
export function plausibleRssiMax(device: Pick<DeviceWindow, 'rssi'>): number | undefined {
  const r = device.rssi;
  if (r === null || r.count === 0) return undefined;
  if (r.max < 0) return r.max;
  return r.min < 0 ? r.min : undefined;
}

function isInfrastructure(frameTypes: Readonly<Record<string, number>>): boolean {
  let any = false;
  for (const [type, n] of Object.entries(frameTypes)) {
    if (n <= 0) continue;
    if (!ACCESS_POINT_FRAMES.has(type)) return false;
    any = true;
  }
  return any;
}

export function sightingFromDeviceWindow(sensorId: string, d: DeviceWindow): Sighting {
  return {
    sensorId,
    deviceId: d.deviceId,
    medium: d.medium,
    randomized: d.randomized,
    firstSeen: d.firstSeen,
    lastSeen: d.lastSeen,
    frames: d.frames,
    rssiMax: plausibleRssiMax(d),
    fingerprints: d.ieFingerprints,
    ssids: d.ssids.filter((s) => s !== ''),
    seqFirst: d.seqFirst,
    seqLast: d.seqLast,
    infrastructure: d.medium === 'wifi' && isInfrastructure(d.frameTypes),
    vendor: d.vendor,
    name: d.name,
    addressType: d.addressType,
  };
}

/** Every device of every summary, as sightings in time order (by first frame). */
export function sightingsFromSummaries(summaries: readonly WindowSummary[]): Sighting[] {
  const out: Sighting[] = [];
  for (const s of summaries) for (const d of s.devices) out.push(sightingFromDeviceWindow(s.sensorId, d));
  return sortSightings(out);
}

/** Sorts in place by first frame, then last frame, then id, so grouping is deterministic. */
export function sortSightings(sightings: Sighting[]): Sighting[] {
  return sightings.sort(
    (a, b) =>
      a.firstSeen - b.firstSeen ||
      a.lastSeen - b.lastSeen ||
      (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0) ||
      (a.sensorId < b.sensorId ? -1 : a.sensorId > b.sensorId ? 1 : 0),
  );
}
