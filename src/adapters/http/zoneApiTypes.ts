/** The JSON shape of GET /api/zones and the `zoneOccupancy` event (see apiTypes.ts for the rest). */

export interface ApiZoneCount {
  zone: string;
  devices: number;
  /** Devices of one person (rotating addresses that counting groups as one device) count once. */
  people: number;
}

export interface ApiZoneOccupancy {
  /** The time the counts are for, Unix seconds (the data's now: the newest fix moved on by the hub's clock). */
  t: number;
  /** Devices not placed for longer than this are left out. */
  maxAgeSeconds: number;
  /** Every zone of the live floor in the site file's order, zeros included. */
  zones: ApiZoneCount[];
  /** Devices placed on the floor in no zone. */
  elsewhere: { devices: number; people: number };
  /** Each device counted, with its current zone (null: in no zone). */
  devices: { deviceId: string; zone: string | null; t: number }[];
}
