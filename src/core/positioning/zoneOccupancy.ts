/**
 * How many devices and people are in each zone now, from each device's latest zone assignment.
 * A person may carry several devices (a phone and a watch, or one phone behind several random
 * MACs): given `personOf`, devices of the same person count once among the people; without it,
 * every device is a person. Assignments older than `maxAgeSeconds` are left out: the device has
 * not been placed for a while and may have left.
 */

export interface ZoneAssignment {
  deviceId: string;
  /** The device's zone; undefined for "elsewhere" (on the floor, in no zone). */
  zone: string | undefined;
  /** When the device was last placed, Unix seconds. */
  t: number;
}

export interface ZoneCount {
  zone: string;
  devices: number;
  people: number;
}

export interface ZoneOccupancy {
  /** One entry per zone, in the order given, zeros included. */
  zones: ZoneCount[];
  /** Devices placed on the floor but in no zone. */
  elsewhere: { devices: number; people: number };
}

export interface ZoneOccupancyOptions {
  /** The time of the count, Unix seconds (default: the latest assignment's). */
  now?: number;
  /** Assignments older than this are left out, seconds (default 60). */
  maxAgeSeconds?: number;
  /** The person (or device group) a device belongs to; undefined makes the device its own person. */
  personOf?: (deviceId: string) => string | undefined;
}

export function zoneOccupancy(
  assignments: Iterable<ZoneAssignment>,
  zoneNames: readonly string[],
  options: ZoneOccupancyOptions = {},
): ZoneOccupancy {
  // The latest assignment per device.
  const latest = new Map<string, ZoneAssignment>();
  for (const a of assignments) {
    if (!Number.isFinite(a.t)) continue;
    const seen = latest.get(a.deviceId);
    if (!seen || a.t > seen.t) latest.set(a.deviceId, a);
  }
  let now = options.now ?? -Infinity;
  if (options.now === undefined) for (const a of latest.values()) now = Math.max(now, a.t);
  const maxAge = options.maxAgeSeconds ?? 60;
  const devices = new Map<string | undefined, number>();
  const people = new Map<string | undefined, Set<string>>();
  for (const a of latest.values()) {
    if (now - a.t > maxAge || a.t > now) continue;
    const zone = a.zone !== undefined && zoneNames.includes(a.zone) ? a.zone : undefined;
    devices.set(zone, (devices.get(zone) ?? 0) + 1);
    const person = options.personOf?.(a.deviceId) ?? `device:${a.deviceId}`;
    let set = people.get(zone);
    if (!set) people.set(zone, (set = new Set()));
    set.add(person);
  }
  return {
    zones: zoneNames.map((zone) => ({
      zone,
      devices: devices.get(zone) ?? 0,
      people: people.get(zone)?.size ?? 0,
    })),
    elsewhere: { devices: devices.get(undefined) ?? 0, people: people.get(undefined)?.size ?? 0 },
  };
}
