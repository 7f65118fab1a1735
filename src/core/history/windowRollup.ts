import type { Medium } from '../model.ts';
import type { Calendar } from './calendar.ts';
import { dwellBin, rssiBin } from './visitBins.ts';

/**
 * What one stored window changes in the hour and day rollups. Both stores call this with the
 * facts of a write (which sensor windows were new, which devices the window had counted already,
 * the window's counts before and after) and the device-days it touches, and write what comes back:
 * one computation, so SQLite and PostgreSQL cannot disagree about a rollup.
 *
 * Every figure is kept so that a write adds to it: distinct devices of an hour or a day go up
 * when a device is first credited there (a later sensor's part of a window it was already counted
 * in adds nothing; a redelivered window never gets here), sums add the window's change, maxima
 * take the window's count after the write (a late part only ever adds devices to a window).
 */

/** One device on one local day: kept with the raw data (same retention), read back on the next window. */
export interface DeviceDay {
  dayStart: number;
  medium: Medium;
  deviceId: string;
  /** Minutes present that day: windows heard in times the window length. */
  minutes: number;
  /** Bit i set: heard in the day's local hour i (0..24; a day of 25 hours has 25). */
  hoursMask: number;
  /** Strongest RSSI heard that day by any sensor; null when no frame carried one. */
  rssiMax: number | null;
  randomized: boolean;
  /** A fixed address first seen before this day; null for randomized addresses, which never return. */
  returning: boolean | null;
}

/** A device in the sensor windows being stored (all of this write's sightings of it together). */
export interface RollupDevice {
  medium: Medium;
  deviceId: string;
  randomized: boolean;
  /** Strongest RSSI among this write's sightings of it. */
  rssiMax: number | null;
  /** Another sensor's part of this window was stored before: the device was credited then. */
  countedInWindow: boolean;
  /** The device's first_seen in its device table after this write. */
  firstSeen: number;
}

/** A window row's device counts, as `windows` holds them. */
export interface WindowCounts {
  wifi: number;
  ble: number;
  both: number;
}

export interface WindowFacts {
  windowStart: number;
  windowEnd: number;
  /** The sensor windows this write stored (never a redelivery). */
  parts: readonly { sensorId: string; frames: number }[];
  /** The window row was created by this write. */
  newWindow: boolean;
  before: WindowCounts;
  after: WindowCounts;
  devices: readonly RollupDevice[];
}

/** What to add to one hour or day bucket; the `*Max` fields are candidates for MAX(). */
export interface BucketDelta {
  start: number;
  windows: number;
  sensorWindows: number;
  frames: number;
  wifiDevices: number;
  bleDevices: number;
  wifiWindowSum: number;
  bleWindowSum: number;
  deviceWindowSum: number;
  wifiMax: number;
  bleMax: number;
  devicesMax: number;
  newDevices: number;
  returningDevices: number;
}

/** A change to one cell of a day's dwell histogram. */
export interface DwellChange {
  dayStart: number;
  medium: Medium;
  randomized: boolean;
  dwellBin: number;
  rssiBin: number;
  delta: number;
}

export interface SensorHourDelta {
  hourStart: number;
  sensorId: string;
  windows: number;
  frames: number;
}

export interface WindowRollupChanges {
  hour: BucketDelta;
  day: BucketDelta;
  /** Device-days as they are after this write, to insert or replace. */
  deviceDays: DeviceDay[];
  dwell: DwellChange[];
  sensorHours: SensorHourDelta[];
}

export const deviceDayKey = (medium: Medium, deviceId: string) => `${medium} ${deviceId}`;

function emptyBucket(start: number): BucketDelta {
  return {
    start,
    windows: 0,
    sensorWindows: 0,
    frames: 0,
    wifiDevices: 0,
    bleDevices: 0,
    wifiWindowSum: 0,
    bleWindowSum: 0,
    deviceWindowSum: 0,
    wifiMax: 0,
    bleMax: 0,
    devicesMax: 0,
    newDevices: 0,
    returningDevices: 0,
  };
}

const union = (c: WindowCounts) => c.wifi + c.ble - c.both;

function cellOf(d: DeviceDay): [number, number] {
  return [dwellBin(d.minutes), rssiBin(d.rssiMax)];
}

function maxRssi(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/**
 * The rollup changes of one write. `deviceDays` holds the device-days of this window's day as
 * they were before the write (absent: the device was not heard yet that day).
 */
export function windowRollupChanges(
  facts: WindowFacts,
  calendar: Calendar,
  deviceDays: ReadonlyMap<string, DeviceDay>,
): WindowRollupChanges {
  const hourStart = calendar.hourStart(facts.windowStart);
  const dayStart = calendar.dayStart(facts.windowStart);
  const hourBit = 2 ** Math.round((hourStart - dayStart) / 3600);
  const windowMinutes = (facts.windowEnd - facts.windowStart) / 60;
  const frames = facts.parts.reduce((a, p) => a + p.frames, 0);

  const shared = (b: BucketDelta) => {
    b.windows = facts.newWindow ? 1 : 0;
    b.sensorWindows = facts.parts.length;
    b.frames = frames;
    b.wifiWindowSum = facts.after.wifi - facts.before.wifi;
    b.bleWindowSum = facts.after.ble - facts.before.ble;
    b.deviceWindowSum = union(facts.after) - union(facts.before);
    b.wifiMax = facts.after.wifi;
    b.bleMax = facts.after.ble;
    b.devicesMax = union(facts.after);
  };
  const hour = emptyBucket(hourStart);
  const day = emptyBucket(dayStart);
  shared(hour);
  shared(day);

  const written: DeviceDay[] = [];
  const dwell: DwellChange[] = [];
  const move = (d: DeviceDay, delta: number) => {
    const [dwellIndex, rssiIndex] = cellOf(d);
    dwell.push({
      dayStart,
      medium: d.medium,
      randomized: d.randomized,
      dwellBin: dwellIndex,
      rssiBin: rssiIndex,
      delta,
    });
  };

  for (const device of facts.devices) {
    const before = deviceDays.get(deviceDayKey(device.medium, device.deviceId));
    const distinct = device.medium === 'wifi' ? 'wifiDevices' : 'bleDevices';
    let after: DeviceDay;
    if (before === undefined) {
      const returning = device.randomized ? null : device.firstSeen < dayStart;
      after = {
        dayStart,
        medium: device.medium,
        deviceId: device.deviceId,
        minutes: windowMinutes,
        hoursMask: hourBit,
        rssiMax: device.rssiMax,
        randomized: device.randomized,
        returning,
      };
      hour[distinct]++;
      day[distinct]++;
      if (returning === true) day.returningDevices++;
      if (returning === false) day.newDevices++;
    } else {
      const credited = device.countedInWindow;
      const inHour = Math.floor(before.hoursMask / hourBit) % 2 === 1;
      if (!credited && !inHour) hour[distinct]++;
      after = {
        ...before,
        minutes: before.minutes + (credited ? 0 : windowMinutes),
        hoursMask: inHour ? before.hoursMask : before.hoursMask + hourBit,
        rssiMax: maxRssi(before.rssiMax, device.rssiMax),
      };
      const [d0, r0] = cellOf(before);
      const [d1, r1] = cellOf(after);
      if (d0 !== d1 || r0 !== r1) move(before, -1);
      else if (
        after.minutes === before.minutes &&
        after.rssiMax === before.rssiMax &&
        after.hoursMask === before.hoursMask
      )
        continue; // nothing of this device-day changed
    }
    written.push(after);
    if (before === undefined || cellOf(before).join() !== cellOf(after).join()) move(after, 1);
  }

  return {
    hour,
    day,
    deviceDays: written,
    dwell,
    sensorHours: facts.parts.map((p) => ({ hourStart, sensorId: p.sensorId, windows: 1, frames: p.frames })),
  };
}

/**
 * A fixed address heard late on an earlier day (a sensor's outbox catching up) was "new" on the
 * later days it was already counted on: those device-days become returning. Returns them changed;
 * each is one fewer new and one more returning device on its day.
 */
export function returningAfterLateSighting(firstSeen: number, laterDays: readonly DeviceDay[]): DeviceDay[] {
  return laterDays
    .filter((d) => d.returning === false && firstSeen < d.dayStart)
    .map((d) => ({ ...d, returning: true }));
}
