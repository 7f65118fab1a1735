import type { HistoryPoint } from '../../core/history/series.ts';
import type { DwellBar, VisitDay } from '../../core/history/venueFigures.ts';
import type { ApiZoneOccupancy } from './zoneApiTypes.ts';

/**
 * The JSON shapes of the HTTP API: the dashboard and anyone else read these. Errors always have
 * the shape `ApiError` with a matching HTTP status.
 */

export interface ApiError {
  error: { code: string; message: string };
}

/**
 * One window as the page plots it. `estimate` is people: the counting model's estimate with its
 * interval `low`..`high` (`estimateMethod: 'model'`), or, where the hub has no model estimate for
 * the window, `devices / ratio` with no interval (`'ratio'`). Rounded to one decimal.
 */
export interface ApiWindow {
  windowStart: number;
  windowEnd: number;
  wifi: number;
  bluetooth: number;
  both: number;
  /** Distinct addresses over both media (a device heard on both counts once). */
  devices: number;
  randomized: number;
  estimate: number;
  low: number | null;
  high: number | null;
  estimateMethod: 'model' | 'ratio';
  /** Model estimates are provisional (false) until later windows can no longer change them. */
  final: boolean | null;
}

/** A device's position from the sensors that heard it (metres, site coordinates). */
export interface ApiPosition {
  deviceId: string;
  medium: 'wifi' | 'ble';
  /** Middle of the positioning window, Unix seconds. */
  t: number;
  x: number;
  y: number;
  /** One-sigma radius in metres. */
  uncertainty: number;
  sensors: number;
  /** Radius holding the true position 9 times in 10, metres; null when the method has none. */
  radius90: number | null;
  /** The device's zone after hysteresis; null when the site has no zones or it is in none. */
  zone: string | null;
}

/** The site's floor for the floor-plan view; `bounds` null when the hub has no site file. */
export interface ApiSite {
  name: string;
  /** [xmin, ymin, xmax, ymax] in metres. */
  bounds: [number, number, number, number] | null;
  sensors: { id: string; label: string | null; x: number; y: number; z: number | null }[];
  zones: { name: string; polygon: [number, number][] }[];
  /**
   * An image of the floor: `url` (relative to the page), metres per pixel, and the pixel
   * (column, row) of the site's origin; y grows upwards on the floor and downwards in the image.
   */
  floorPlan: { url: string; metresPerPixel: number; origin: [number, number] } | null;
  positioning: { method: string; windowSeconds: number } | null;
}

export interface ApiPositions {
  from: number;
  to: number;
  positions: ApiPosition[];
}

/** Fixes counted per cell over a time range: `counts[row * columns + column]`, row 0 at ymin. */
export interface ApiHeatmap {
  from: number;
  to: number;
  cell: number;
  bounds: [number, number, number, number];
  columns: number;
  rows: number;
  counts: number[];
  max: number;
}

export interface ApiSensor {
  id: string;
  status: 'online' | 'offline';
  lastWindowStart: number | null;
}

export interface ApiSummary {
  site: { name: string; sensors: ApiSensor[]; projectUrl: string };
  /** A scan window is open on at least one sensor right now. */
  scanning: boolean;
  windowSeconds: number;
  /** Detectable people per person: estimate = devices / ratio. */
  ratio: number;
  /** How people are counted: the fitted model (with intervals) or devices / ratio. */
  counting: { method: 'model' | 'ratio'; intervalLevel: number | null };
  current: ApiWindow | null;
  totals: {
    wifi: number;
    bluetooth: number;
    /** Distinct addresses in the database. */
    devices: number;
    /**
     * People who came: with the model, person-minutes / mean stay of devices with a fixed
     * address (Little's law); without it, devices / ratio.
     */
    estimate: number;
    personMinutes: number | null;
    meanStayMinutes: number | null;
    windows: number;
    averageMinutesSpent: number;
  };
  data: { savedAt: number | null; path: string | null };
  /** How history is kept: the venue's time zone (of every local day and hour), raw days kept, visitors. */
  history: {
    timeZone: string;
    retentionDays: number;
    visitor: { minDwellMinutes: number; minRssi: number };
  };
}

export interface ApiWindows {
  from: number;
  to: number;
  windows: ApiWindow[];
}

export interface ApiDevice {
  deviceId: string;
  firstSeen: number;
  lastSeen: number;
  rssiMean: number | null;
  rssiStd: number | null;
  manufacturer: string | null;
  randomized: boolean;
  /** SSIDs probed for (Wi-Fi) or names advertised (Bluetooth): attacker-controlled text. */
  ssids: string[];
  minutesSpent: number;
}

export interface ApiDevices {
  total: number;
  rows: ApiDevice[];
}

export interface ApiSaved {
  path: string;
  savedAt: number;
  download: string;
}

/** Server-Sent Events on GET /api/events: `event: <name>` with JSON `data`. */
export interface ApiEvents {
  window: ApiWindow;
  /** Estimates made or revised for these recent windows (replace by windowStart). */
  people: ApiWindow[];
  position: ApiPosition;
  /** Devices and people per zone, whenever they change. */
  zoneOccupancy: ApiZoneOccupancy;
  status: { scanning: boolean; sensorId: string };
  saved: { savedAt: number; path: string };
  reset: { at: number };
}

export type { HistoryPoint as ApiHistoryPoint } from '../../core/history/series.ts';
export type { DwellBar as ApiDwellBar, VisitDay as ApiVisitDay } from '../../core/history/venueFigures.ts';

/**
 * GET /api/history: one point per minute window, local hour or local day of the range, in the
 * venue's time zone. A bucket without data is a gap: `coverage` 0 and every figure null.
 */
export interface ApiHistory {
  from: number;
  to: number;
  resolution: 'minute' | 'hour' | 'day';
  timeZone: string;
  /** '' for the whole site, or the zone asked for. */
  zone: string;
  points: HistoryPoint[];
}

/** GET /api/history/visits: visitors vs passers-by per day, the dwell distribution, repeat visitors. */
export interface ApiVisits {
  from: number;
  to: number;
  timeZone: string;
  /** The thresholds used (the hub's, or the request's). */
  visitor: { minDwellMinutes: number; minRssi: number };
  filter: { medium: 'wifi' | 'ble' | null; fixedOnly: boolean };
  days: VisitDay[];
  dwell: DwellBar[];
  totals: { visitors: number; passersBy: number; newDevices: number; returningDevices: number };
}

/** GET /api/history/busy-hours: mean people per window by local weekday (0 = Monday) and hour. */
export interface ApiBusyHours {
  from: number;
  to: number;
  timeZone: string;
  method: 'model' | 'ratio';
  people: (number | null)[][];
  hours: number[][];
}

/** GET /api/history/compare?day=: a day hour by hour next to the same weekday a week before. */
export interface ApiCompare {
  timeZone: string;
  day: ApiCompareDay;
  lastWeek: ApiCompareDay;
}

export interface ApiCompareDay {
  date: string;
  start: number;
  points: HistoryPoint[];
  /** Totals of the day; null figures when it has no data at all. */
  personMinutes: number | null;
  peopleMax: number | null;
  visitors: number | null;
  passersBy: number | null;
  coverage: number;
}
