import type { Medium, WindowSummary } from '../../core/model.ts';
import type { LiveFix } from '../../core/positioning/liveLocator.ts';
import type { HeadcountRow, NewHeadcount } from './headcountRows.ts';

export type { HeadcountRow, NewHeadcount } from './headcountRows.ts';

/** One row of the `windows` table: what the sensors heard together during one window. */
export interface WindowRow {
  windowStart: number;
  windowEnd: number;
  wifiDevices: number;
  bluetoothDevices: number;
  /** Devices whose id was heard on both Wi-Fi and Bluetooth in this window. */
  bothDevices: number;
  randomizedDevices: number;
  frames: number;
  sensors: number;
  /** The people estimate of the window, once the hub has made one. */
  people: WindowPeople | null;
}

/** People in one window: the counting model's estimate with its interval. */
export interface WindowPeople {
  windowStart: number;
  windowEnd: number;
  /** Devices present after grouping rotating addresses. */
  devices: number;
  randomizedDevices: number;
  estimate: number;
  low: number;
  high: number;
  /** False while later windows may still change it. */
  final: boolean;
}

/** One row of the `wifi` or `bluetooth` table: the original tracker's per-device line. */
export interface DeviceRow {
  deviceId: string;
  medium: Medium;
  firstSeen: number;
  lastSeen: number;
  rssiMean: number | null;
  rssiStd: number | null;
  rssiCount: number;
  manufacturer: string | null;
  randomized: boolean;
  /** Wi-Fi: SSIDs the device probed for; Bluetooth: advertised names. Attacker-controlled text. */
  ssids: string[];
  minutesSpent: number;
  windowsSeen: number;
}

export interface SightingRow {
  windowStart: number;
  sensorId: string;
  deviceId: string;
  medium: Medium;
  frames: number;
  rssiCount: number;
  rssiMean: number | null;
  rssiStd: number | null;
  rssiMin: number | null;
  rssiMax: number | null;
}

export interface WriteResult {
  /** Sensor windows stored by this call. */
  stored: number;
  /** Sensor windows that were already stored (a redelivery) and were left untouched. */
  duplicates: number;
  /** The window's row as this write left it (with its stored estimate), when anything was stored. */
  window?: WindowRow;
}

export type DeviceSortKey =
  'lastSeen' | 'firstSeen' | 'rssiMean' | 'rssiStd' | 'manufacturer' | 'minutesSpent' | 'deviceId';

export interface DeviceQuery {
  medium: Medium;
  sort?: DeviceSortKey;
  descending?: boolean;
  limit?: number;
  offset?: number;
  /** Case-insensitive substring of id, manufacturer or SSID/name. */
  search?: string;
}

/** Hours or days: the two resolutions rollups are kept at. */
export type RollupResolution = 'hour' | 'day';

/** People in the windows of a bucket that have an estimate. */
export interface RollupPeople {
  /** Windows with an estimate. */
  windows: number;
  /** Sums of the estimates and of their interval ends, for means. */
  sum: number;
  lowSum: number;
  highSum: number;
  /** The largest estimate and its interval (the earliest window, on a tie). */
  max: number;
  maxLow: number;
  maxHigh: number;
  /** Sum of estimate x window minutes. */
  personMinutes: number;
}

/**
 * One hour or one local day of history, kept forever. Every count is over the windows that have
 * data: a bucket a sensor was off for has fewer `windows` (none at all: no row), never zeros.
 */
export interface RollupRow {
  /** Unix seconds the local hour or day starts at. */
  start: number;
  /** '' for the whole site; a zone name once positioning writes per-zone rollups. */
  zone: string;
  /** Window starts with data. */
  windows: number;
  /** Sensor windows stored (one per sensor and window). */
  sensorWindows: number;
  frames: number;
  /** Distinct device ids heard in the bucket. */
  wifiDevices: number;
  bleDevices: number;
  /** Sums over windows of each window's counts, for means per window. */
  wifiWindowSum: number;
  bleWindowSum: number;
  deviceWindowSum: number;
  /** The largest count of one window. */
  wifiMax: number;
  bleMax: number;
  devicesMax: number;
  /** Fixed addresses heard for the first time, and again after an earlier day (days only; 0 in hours). */
  newDevices: number;
  returningDevices: number;
  people: RollupPeople | null;
}

/** Devices of one day in one cell of the dwell histogram (see core/history/visitBins.ts). */
export interface DwellRow {
  dayStart: number;
  medium: Medium;
  randomized: boolean;
  dwellBin: number;
  rssiBin: number;
  devices: number;
}

/** One sensor's windows in one hour: where each sensor was listening. */
export interface SensorHourRow {
  hourStart: number;
  sensorId: string;
  windows: number;
  frames: number;
}

/** What a retention run drops: everything before each time (Unix seconds). */
export interface RetentionPlan {
  /** Sightings, windows, estimates, positions and device-days. */
  rawBefore: number;
  /** Sensor-window claims: kept at least as long as a sensor's outbox holds a window. */
  claimsBefore: number;
  /** Device rows last seen before this. */
  devicesBefore: number;
}

export interface PruneResult {
  windows: number;
  sightings: number;
  positions: number;
  deviceDays: number;
  claims: number;
  devices: number;
}

/** What a retention run removed. */
export interface RetentionResult {
  windows: number;
  sightings: number;
}

export interface StoreTotals {
  wifiDevices: number;
  bluetoothDevices: number;
  windows: number;
  /** Mean minutes spent over all devices in the device tables. */
  averageMinutesSpent: number;
  firstWindow: number | null;
  lastWindow: number | null;
  /** Sum over windows of estimated people x window minutes; null before any estimate. */
  personMinutes: number | null;
  /**
   * Mean minutes spent by Wi-Fi devices with a fixed (not randomized) address seen in at least
   * two windows: the stay of someone who came, as opposed to a passing randomized burst.
   */
  meanStayMinutes: number | null;
}

/** A window that could not be stored however often it was tried, kept for a person to look at. */
export interface DeadLetter {
  /** Unix seconds when it was set aside. */
  at: number;
  sensorId: string;
  windowStart: number;
  /** The last write error, in words. */
  reason: string;
  /** The window as JSON (hashed ids only, as it arrived). */
  payload: string;
}

/**
 * The one storage interface; SQLite (embedded default) and PostgreSQL implement it, and one
 * contract suite runs against both. Async because PostgreSQL is.
 */
export interface Store {
  /**
   * Stores the sensor windows of one window start in one transaction. Idempotent by
   * (sensorId, windowStart): a redelivered sensor window changes nothing, and a sensor window
   * arriving after others of the same window is merged in without counting a device twice.
   */
  writeWindow(parts: readonly WindowSummary[]): Promise<WriteResult>;
  windows(from: number, to: number): Promise<WindowRow[]>;
  latestWindow(): Promise<WindowRow | undefined>;
  devices(query: DeviceQuery): Promise<{ total: number; rows: DeviceRow[] }>;
  sightings(windowStart: number): Promise<SightingRow[]>;
  totals(): Promise<StoreTotals>;
  /** Sets minutes spent to zero for every device; everything else stays. */
  resetMinutes(): Promise<void>;
  /**
   * Retention: drops the windows, sightings and sensor-window claims that start before `t`
   * (Unix seconds). The device tables stay: they are the running totals.
   */
  deleteOlderThan(t: number): Promise<RetentionResult>;
  /**
   * Retention that keeps the story: raw rows, claims and device rows each before their own time;
   * rollups stay. Works in slices, so a writer never waits long behind it.
   */
  prune(plan: RetentionPlan): Promise<PruneResult>;
  /** The IANA time zone whose local hours and days the rollups use (recorded on first open). */
  readonly timeZone: string;
  /** Hour or day rollups with `from <= start < to`, oldest first. */
  rollups(resolution: RollupResolution, from: number, to: number, zone?: string): Promise<RollupRow[]>;
  /** Dwell histogram cells of the days with `from <= dayStart < to` (cells with devices only). */
  dwellDays(from: number, to: number, zone?: string): Promise<DwellRow[]>;
  /** Each sensor's windows per hour, `from <= hourStart < to`. */
  sensorHours(from: number, to: number): Promise<SensorHourRow[]>;
  /** Stores or replaces the people estimates of these windows (and the rollups of their hours and days). */
  writeEstimates(rows: readonly WindowPeople[]): Promise<void>;
  /** Stores positions; a device's position at a time it already has is replaced. */
  writePositions(fixes: readonly LiveFix[]): Promise<void>;
  /** Positions with `from <= t < to`, oldest first, at most `limit`. */
  positions(from: number, to: number, limit?: number): Promise<LiveFix[]>;
  /** Headcounts: stored with a new id, listed by time (oldest first, the newest `limit`), removed by id. */
  addHeadcount(headcount: NewHeadcount): Promise<HeadcountRow>;
  headcounts(limit?: number): Promise<HeadcountRow[]>;
  /** False when no headcount has that id. */
  deleteHeadcount(id: number): Promise<boolean>;
  /** Sets a window aside that cannot be stored. */
  writeDeadLetter(letter: DeadLetter): Promise<void>;
  deadLetters(limit?: number): Promise<DeadLetter[]>;
  /**
   * True for a write error that trying again cannot mend (the data itself is wrong for the
   * store), false for one that may pass (the database was away, a lock timed out).
   */
  isPermanentWriteError(error: unknown): boolean;
  close(): Promise<void>;
}
