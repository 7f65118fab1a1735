import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InProcessBus, SensorStatus } from '../../adapters/transport/inProcessBus.ts';
import type { WindowSummary } from '../../core/model.ts';
import type { DeviceQuery, DeviceRow, Store, WindowPeople, WindowRow } from '../../adapters/storage/store.ts';
import { renderTextExport } from '../../adapters/http/exports.ts';
import type { CountingParams } from '../../core/occupancy/countingParams.ts';
import { LiveLocator, type LiveFix } from '../../core/positioning/liveLocator.ts';
import type { MethodName } from '../../core/positioning/methods.ts';
import type { PositioningSite } from '../../core/positioning/positioningSite.ts';
import type { Site } from '../../config/site.ts';
import { HubIngest } from './hubIngest.ts';
import { PeopleEstimator } from './peopleEstimator.ts';

export interface HubOptions {
  store: Store;
  bus: InProcessBus;
  siteName: string;
  windowSeconds: number;
  /** Detectable people per person (the original tracker's ratio). */
  ratio: number;
  /** Where "Save data" writes its text files. */
  exportDir: string;
  /** Live positioning from the sensors' short windows, for a site with sensor coordinates. */
  positioning?: HubPositioning;
  /** The people-counting model; without one, the dashboard falls back to devices / ratio. */
  counting?: CountingParams;
  /** Wall clock in Unix seconds; injected so tests can move it. */
  now?: () => number;
  log?: (line: string) => void;
}

export interface HubPositioning {
  /** The site file as loaded (floor, zones, floor plan) and its positioning view. */
  site: Site;
  positioningSite: PositioningSite;
  /** Folder of the site file, where a floor-plan image path is relative to. */
  siteDir: string;
  method?: MethodName;
  windowSeconds: number;
}

export interface SensorState {
  id: string;
  scanning: boolean;
  /** False once the sensor said it is gone; true again when it is heard. */
  connected: boolean;
  lastHeardAt: number;
  lastWindowStart: number | null;
  /** Windows the sensor has not got to the hub yet, as its last status said. */
  outboxDepth: number | null;
}

/** Extra figures for GET /metrics from parts attached to the hub (an MQTT subscriber, a local sensor). */
export interface MetricSample {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  value: number;
  labels?: Record<string, string>;
}

export interface HubEvents {
  windowStored: (row: WindowRow) => void;
  position: (fix: LiveFix) => void;
  /** Estimates of these recent windows were made or revised. */
  people: (rows: readonly WindowRow[]) => void;
  status: (status: SensorStatus) => void;
  saved: (saved: { savedAt: number; path: string }) => void;
  reset: (at: number) => void;
}

/**
 * The hub: subscribes to sensor windows, stores them, remembers what the dashboard shows
 * besides the tables (sensor status, when data was last saved) and tells listeners.
 */
export class Hub {
  readonly ingest: HubIngest;
  readonly estimator: PeopleEstimator | undefined;
  readonly locator: LiveLocator | undefined;
  private pendingFixes: LiveFix[] = [];
  private readonly pendingPeople = new Map<number, WindowPeople>();
  /** Windows refused for their timing, by reason. */
  readonly rejectedWindows: Record<string, number> = {};
  /** Time of the newest position located, for "current" views of replayed data. */
  latestFixT: number | null = null;
  private fixWrites: Promise<void> = Promise.resolve();
  private readonly sensors = new Map<string, SensorState>();
  private readonly listeners = new Set<Partial<HubEvents>>();
  private unsubscribe: (() => void)[] = [];
  private positioningTimer: NodeJS.Timeout | undefined;
  private lastPositioningPartAt = -Infinity;
  private savedAt: number | null = null;
  private savedPath: string | null = null;
  private readonly now: () => number;
  private readonly metricSources: (() => MetricSample[])[] = [];
  /** Frames counted by sensors in the windows this hub received. */
  framesReceived = 0;
  /** Wall-clock time of the last window received, for the ingest lag. */
  lastWindowReceivedAt: number | null = null;

  constructor(readonly options: HubOptions) {
    this.now = options.now ?? (() => Date.now() / 1000);
    this.estimator =
      options.counting === undefined
        ? undefined
        : new PeopleEstimator(options.counting, options.windowSeconds);
    this.ingest = new HubIngest(options.store, (windowStart) => this.announceWindow(windowStart));
    const positioning = options.positioning;
    this.locator =
      positioning === undefined
        ? undefined
        : new LiveLocator({
            site: positioning.positioningSite,
            windowSeconds: positioning.windowSeconds,
            ...(positioning.method === undefined ? {} : { method: positioning.method }),
            onFix: (fix) => this.pendingFixes.push(fix),
          });
  }

  start(): void {
    const positioning = this.options.positioning;
    if (positioning !== undefined) {
      // A window is located once parts of later windows arrive; when the sensors fall quiet
      // (nobody around, or the last frames of a replay), the clock closes it instead.
      this.positioningTimer = setInterval(() => {
        if (this.now() - this.lastPositioningPartAt > 2 * positioning.windowSeconds) {
          this.locator?.flush();
          this.storePendingFixes();
        }
      }, positioning.windowSeconds * 1000);
      this.positioningTimer.unref();
    }
    this.unsubscribe = [
      this.options.bus.subscribe('window', (summary) => {
        const problem = this.checkTiming(summary);
        if (problem !== undefined) {
          this.rejectedWindows[problem] = (this.rejectedWindows[problem] ?? 0) + 1;
          if (this.rejectedWindows[problem] === 1) {
            this.options.log?.(
              `refused a window from ${summary.sensorId}: ${problem} (counted in /metrics from now on)`,
            );
          }
          return;
        }
        const sensor = this.sensor(summary.sensorId);
        if (summary.purpose === 'positioning') {
          sensor.lastHeardAt = this.now();
          this.locate(summary);
          return;
        }
        sensor.lastWindowStart = Math.max(sensor.lastWindowStart ?? -Infinity, summary.windowStart);
        sensor.lastHeardAt = this.now();
        sensor.connected = true;
        this.framesReceived += summary.frames;
        this.lastWindowReceivedAt = this.now();
        if (this.estimator !== undefined) {
          // Once per new window start, not per sensor part: the windows so far are estimated
          // before a burst (a replay, an outbox draining) pushes the oldest out of the estimator.
          if (summary.windowStart > this.estimator.latestWindowStart) this.collectPeople();
          this.estimator.accept(summary);
        }
        this.ingest.accept(summary);
      }),
      this.options.bus.subscribe('status', (status) => {
        const sensor = this.sensor(status.sensorId);
        sensor.scanning = status.scanning && status.online !== false;
        sensor.connected = status.online !== false;
        sensor.lastHeardAt = this.now();
        if (status.outboxDepth !== undefined) sensor.outboxDepth = status.outboxDepth;
        this.emit('status', status);
      }),
    ];
  }

  async stop(): Promise<void> {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    clearInterval(this.positioningTimer);
    this.locator?.flush();
    this.storePendingFixes();
    await this.fixWrites;
    await this.ingest.flush();
  }

  /**
   * A window must have the site's length, start on its boundary and not lie in the future (a
   * sensor with a wrong clock would otherwise become "the latest window" for a year).
   */
  private checkTiming(summary: WindowSummary): string | undefined {
    const length =
      summary.purpose === 'positioning'
        ? this.options.positioning?.windowSeconds
        : this.options.windowSeconds;
    if (length === undefined) return undefined; // positioning windows without a site are ignored anyway
    const duration = summary.windowEnd - summary.windowStart;
    if (Math.abs(duration - length) > 1e-6) return `window length ${duration} s, not ${length} s`;
    const offset = summary.windowStart / length - Math.round(summary.windowStart / length);
    if (Math.abs(offset) > 1e-6) return `window start not on a ${length} s boundary`;
    if (summary.windowStart > this.now() + 600) return 'window in the future (check the sensor clock)';
    return undefined;
  }

  /** Resolves when the positions located so far are stored. */
  async flushPositions(): Promise<void> {
    this.storePendingFixes();
    await this.fixWrites;
  }

  private locate(summary: WindowSummary): void {
    if (this.locator === undefined) return;
    this.lastPositioningPartAt = this.now();
    this.locator.accept(summary);
    this.storePendingFixes();
  }

  private storePendingFixes(): void {
    if (this.pendingFixes.length === 0) return;
    const fixes = this.pendingFixes;
    this.pendingFixes = [];
    for (const fix of fixes) this.latestFixT = Math.max(this.latestFixT ?? -Infinity, fix.t);
    this.fixWrites = this.fixWrites
      .then(() => this.options.store.writePositions(fixes))
      .then(
        () => {
          for (const fix of fixes) this.emit('position', fix);
        },
        (error: Error) => this.options.log?.(`storing ${fixes.length} positions failed: ${error.message}`),
      );
  }

  on(listener: Partial<HubEvents>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  addMetrics(source: () => MetricSample[]): void {
    this.metricSources.push(source);
  }

  extraMetrics(): MetricSample[] {
    return this.metricSources.flatMap((source) => source());
  }

  get store(): Store {
    return this.options.store;
  }

  get scanning(): boolean {
    return [...this.sensors.values()].some((s) => s.scanning);
  }

  sensorStates(): SensorState[] {
    return [...this.sensors.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** A sensor is online while it has been heard within three windows. */
  isOnline(sensor: SensorState): boolean {
    return sensor.connected && this.now() - sensor.lastHeardAt <= 3 * this.options.windowSeconds;
  }

  get dataState(): { savedAt: number | null; path: string | null } {
    return { savedAt: this.savedAt, path: this.savedPath };
  }

  async resetTime(): Promise<void> {
    await this.options.store.resetMinutes();
    this.emit('reset', this.now());
  }

  /** Writes both device tables and the windows to a text file on the hub, as the original's "Save data". */
  async save(): Promise<{ savedAt: number; path: string }> {
    await this.ingest.settled();
    const all = async (medium: DeviceQuery['medium']): Promise<DeviceRow[]> =>
      (await this.options.store.devices({ medium, limit: 1_000_000, sort: 'lastSeen' })).rows;
    const savedAt = this.now();
    const stamp = new Date(savedAt * 1000).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    mkdirSync(this.options.exportDir, { recursive: true });
    const path = join(this.options.exportDir, `airtrace-${stamp}.txt`);
    writeFileSync(path, renderTextExport(await all('wifi'), await all('ble'), savedAt), { mode: 0o640 });
    this.savedAt = savedAt;
    this.savedPath = path;
    this.emit('saved', { savedAt, path });
    return { savedAt, path };
  }

  private sensor(id: string): SensorState {
    let sensor = this.sensors.get(id);
    if (sensor === undefined) {
      sensor = {
        id,
        scanning: false,
        connected: true,
        lastHeardAt: this.now(),
        lastWindowStart: null,
        outboxDepth: null,
      };
      this.sensors.set(id, sensor);
    }
    return sensor;
  }

  private collectPeople(): void {
    if (this.estimator === undefined || !this.estimator.dirty) return;
    for (const row of this.estimator.update()) this.pendingPeople.set(row.windowStart, row);
  }

  private async announceWindow(windowStart: number): Promise<void> {
    this.collectPeople();
    if (this.pendingPeople.size > 0) {
      const people = [...this.pendingPeople.values()].sort((a, b) => a.windowStart - b.windowStart);
      this.pendingPeople.clear();
      await this.options.store.writeEstimates(people);
      const revised = await this.options.store.windows(
        people[0]!.windowStart,
        people.at(-1)!.windowStart + 1e-6,
      );
      this.emit('people', revised);
    }
    const [row] = await this.options.store.windows(windowStart, windowStart + 1e-6);
    if (row !== undefined) this.emit('windowStored', row);
  }

  private emit<K extends keyof HubEvents>(event: K, ...args: Parameters<HubEvents[K]>): void {
    for (const listener of this.listeners) {
      try {
        (listener[event] as ((...a: Parameters<HubEvents[K]>) => void) | undefined)?.(...args);
      } catch (error) {
        this.options.log?.(`hub listener failed: ${(error as Error).message}`);
      }
    }
  }
}
