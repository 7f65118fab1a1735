import type { ZoneCount } from '../../core/positioning/zoneOccupancy.ts';

/** Devices and people per zone of the live floor now (see src/app/hub/livePositioning.ts). */
export interface ZoneOccupancyNow {
  /** The time the counts are for, Unix seconds: the data's now (see `LivePositioning.dataNow`). */
  t: number;
  /** Devices placed longer ago than this are left out. */
  maxAgeSeconds: number;
  /** One entry per zone, in the site file's order, zeros included. */
  zones: ZoneCount[];
  /** Devices placed on the floor in no zone. */
  elsewhere: { devices: number; people: number };
  /** Each device counted: its current zone (after hysteresis; undefined: in no zone) and when it was placed. */
  devices: { deviceId: string; zone: string | undefined; t: number }[];
}
