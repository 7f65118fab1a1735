import type { Site } from '../../config/site.ts';
import type { LiveFix } from '../../core/positioning/liveLocator.ts';
import type { VisitorThresholds } from '../../core/history/visitBins.ts';
import type { Store, WindowRow } from '../storage/store.ts';
import type { HeadcountView } from './headcountView.ts';
import type { ZoneOccupancyNow } from './zoneView.ts';

/**
 * What the HTTP API and the dashboard need of a hub: its settings, read access to the store,
 * live state and events, and the two actions the page offers. The hub implements it; routes
 * depend on nothing else of it, so they can be served from any hub (or a test double).
 */
export interface HubView {
  readonly site: SiteView;
  /** Reading only: the API never writes to the store. */
  readonly store: Pick<
    Store,
    | 'windows'
    | 'latestWindow'
    | 'devices'
    | 'totals'
    | 'positions'
    | 'rollups'
    | 'dwellDays'
    | 'sensorHours'
    | 'timeZone'
  >;
  /** Headcounts that calibrate the people estimates; undefined when the hub counts by ratio. */
  readonly headcounts: HeadcountView | undefined;
  /** Resolves once every window received so far is written (or failed): readers see current data. */
  settled(): Promise<void>;
  /** Resolves once the positions located so far are stored. */
  positionsSettled(): Promise<void>;
  /** Time of the newest position located, for "current" views of replayed data. */
  latestFixT(): number | null;
  /** Devices and people per zone now; undefined without live positioning or without zones. */
  zoneOccupancy(maxAgeSeconds?: number): ZoneOccupancyNow | undefined;
  sensors(): SensorView[];
  /** Whether any sensor is capturing now. */
  scanning(): boolean;
  dataState(): { savedAt: number | null; path: string | null };
  /** Every figure for GET /metrics. */
  metrics(): MetricSample[];
  on(listener: Partial<HubViewEvents>): () => void;
  /** Writes both device tables and the windows to a text file on the hub ("Save data"). */
  save(): Promise<{ savedAt: number; path: string }>;
  /** Sets every device's minutes spent to zero. */
  resetTime(): Promise<void>;
  /** Wall clock, Unix seconds. */
  now(): number;
  log(line: string): void;
}

export interface SiteView {
  name: string;
  windowSeconds: number;
  /** Detectable people per person: the ratio fallback's estimate = devices / ratio. */
  ratio: number;
  /** The counting model's interval level, or null when the hub counts by ratio. */
  countingIntervalLevel: number | null;
  positioning: PositioningView | undefined;
  history: HistoryView;
}

/** How the hub keeps its history: the venue's time zone, raw days kept, who counts as a visitor. */
export interface HistoryView {
  timeZone: string;
  /** Days of minute windows kept (0: all); older ranges are drawn from hour and day rollups. */
  retentionDays: number;
  visitors: VisitorThresholds;
}

export interface PositioningView {
  /** The site file as loaded (floor, sensors, zones, floor plan). */
  site: Site;
  /** Folder of the site file, where a floor-plan image path is relative to. */
  siteDir: string;
  method: string;
  windowSeconds: number;
}

export interface SensorView {
  id: string;
  online: boolean;
  scanning: boolean;
  lastWindowStart: number | null;
  /** Windows the sensor has not got to the hub yet, as its last status said. */
  outboxDepth: number | null;
  /** BLE discovery restarts by the sensor's watchdog since it started, as its last status said. */
  bleRestarts: number | null;
}

export interface HubViewEvents {
  /** A window was stored (with its people estimate when there is one). */
  windowStored: (row: WindowRow) => void;
  /** Estimates of these recent windows were made or revised. */
  people: (rows: readonly WindowRow[]) => void;
  position: (fix: LiveFix) => void;
  zoneOccupancy: (occupancy: ZoneOccupancyNow) => void;
  status: (status: { sensorId: string; scanning: boolean }) => void;
  saved: (saved: { savedAt: number; path: string }) => void;
  reset: (at: number) => void;
}

/** One sample of GET /metrics (Prometheus text format). */
export interface MetricSample {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  value: number;
  labels?: Record<string, string>;
}
