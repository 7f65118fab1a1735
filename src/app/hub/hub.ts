import type { CountingParams } from '../../core/occupancy/countingParams.ts';
import { systemClock, type Clock } from '../../adapters/clock/clock.ts';
import type {
  HubView,
  HubViewEvents,
  MetricSample,
  SensorView,
  SiteView,
} from '../../adapters/http/hubView.ts';
import type { ZoneOccupancyNow } from '../../adapters/http/zoneView.ts';
import type { Store } from '../../adapters/storage/store.ts';
import type { WindowSubscriber } from '../../adapters/transport/transport.ts';
import { DataSaver } from './dataSaver.ts';
import { HubEventBus, type HubEvents } from './hubEvents.ts';
import { HubHeadcounts } from './hubHeadcounts.ts';
import { hubMetrics } from './hubMetrics.ts';
import { LatestWindow } from './latestWindow.ts';
import { LivePositioning, type HubPositioning } from './livePositioning.ts';
import { PeopleCounting } from './peopleCounting.ts';
import { Retention } from './retention.ts';
import { DEFAULT_VISITOR_THRESHOLDS, type VisitorThresholds } from '../../core/history/visitBins.ts';
import { SensorRegistry } from './sensorRegistry.ts';
import { WindowIntake } from './windowIntake.ts';
import { WindowStorage } from './windowStorage.ts';

export interface HubOptions {
  store: Store;
  /** Where sensor windows come from: the in-process transport or MQTT. */
  subscriber: WindowSubscriber;
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
  /** Days of raw data kept (rollups are kept forever); 0 (default) keeps everything. */
  retentionDays?: number;
  /** Who counts as a visitor in the venue views; default 5 minutes within -80 dBm. */
  visitors?: VisitorThresholds;
  /** How far ahead of the hub's clock a window may start. Default 600 s. */
  futureSkewSeconds?: number;
  /** Windows older than this are refused; undefined takes any age (the demo replays 2022). */
  maxWindowAgeSeconds?: number;
  /** Sensors listed one by one (and in /metrics); windows of more are stored all the same. Default 256. */
  maxSensors?: number;
  clock?: Clock;
  log?: (line: string) => void;
}

/**
 * The hub: parts on one event bus, each with start() and stop(). The intake checks windows from
 * the transport and hands them to storage; people counting, live positioning and the sensor
 * registry follow the bus; the saver and retention act on the store. The dashboard sees the hub
 * through `HubView` only.
 */
export class Hub implements HubView {
  readonly events: HubEventBus;
  readonly storage: WindowStorage;
  readonly intake: WindowIntake;
  readonly sensorRegistry: SensorRegistry;
  readonly people: PeopleCounting | undefined;
  readonly headcounts: HubHeadcounts | undefined;
  readonly positioning: LivePositioning | undefined;
  readonly site: SiteView;
  private readonly saver: DataSaver;
  private readonly retention: Retention;
  private readonly latest: LatestWindow;
  private readonly clock: Clock;
  private readonly logLine: (line: string) => void;
  private offTransport: (() => void)[] = [];

  constructor(private readonly options: HubOptions) {
    const clock = (this.clock = options.clock ?? systemClock);
    const log = (this.logLine = options.log ?? (() => {}));
    const now = () => clock.now();
    const events = (this.events = new HubEventBus((error, event) =>
      log(`hub: a listener of ${String(event)} failed: ${(error as Error).message}`),
    ));
    const { store } = options;
    this.people =
      options.counting === undefined
        ? undefined
        : new PeopleCounting({
            events,
            store,
            params: options.counting,
            windowSeconds: options.windowSeconds,
            clock,
            log,
          });
    this.headcounts =
      this.people === undefined ? undefined : new HubHeadcounts({ store, people: this.people, clock });
    this.storage = new WindowStorage(store, async (row) => {
      events.emit('windowStored', this.people === undefined ? row : this.people.withPeople(row));
    });
    this.positioning =
      options.positioning === undefined
        ? undefined
        : new LivePositioning({
            events,
            store,
            positioning: options.positioning,
            clock,
            log,
            ...(this.people === undefined ? {} : { personOf: (id: string) => this.people!.personOf(id) }),
          });
    this.intake = new WindowIntake({
      events,
      storage: this.storage,
      deadLetters: store,
      now,
      log,
      rules: () => {
        const t = now();
        return {
          windowSeconds: options.windowSeconds,
          positioningWindowSeconds: options.positioning?.windowSeconds,
          now: t,
          futureSkewSeconds: options.futureSkewSeconds ?? 600,
          oldestStart:
            options.maxWindowAgeSeconds === undefined ? undefined : t - options.maxWindowAgeSeconds,
        };
      },
    });
    this.sensorRegistry = new SensorRegistry({
      events,
      now,
      windowSeconds: options.windowSeconds,
      ...(options.maxSensors === undefined ? {} : { maxSensors: options.maxSensors }),
    });
    this.saver = new DataSaver({
      events,
      store,
      exportDir: options.exportDir,
      now,
      settled: () => this.settled(),
    });
    this.retention = new Retention({ store, days: options.retentionDays ?? 0, clock, log });
    this.latest = new LatestWindow(events);
    this.site = {
      name: options.siteName,
      windowSeconds: options.windowSeconds,
      ratio: options.ratio,
      countingIntervalLevel: this.people?.intervalLevel ?? null,
      history: {
        timeZone: store.timeZone,
        retentionDays: options.retentionDays ?? 0,
        visitors: options.visitors ?? DEFAULT_VISITOR_THRESHOLDS,
      },
      positioning:
        options.positioning === undefined || this.positioning === undefined
          ? undefined
          : {
              site: options.positioning.site,
              siteDir: options.positioning.siteDir,
              method: this.positioning.locator.method.name,
              windowSeconds: options.positioning.windowSeconds,
            },
    };
  }

  get store(): Store {
    return this.options.store;
  }

  /** Starts every part, then the transport: nothing arrives before the parts listen. */
  async start(): Promise<void> {
    this.sensorRegistry.start();
    this.latest.start();
    this.people?.start();
    this.positioning?.start();
    await this.headcounts?.start();
    await this.retention.start();
    const { subscriber } = this.options;
    this.offTransport = [
      subscriber.onWindow(this.intake.receive),
      subscriber.onStatus((status) => {
        if (this.sensorRegistry.noteStatus(status)) this.events.emit('status', status);
      }),
    ];
    await subscriber.start();
  }

  /** Stops the transport first (windows in hand are finished), then the parts. */
  async stop(): Promise<void> {
    await this.options.subscriber.stop();
    for (const off of this.offTransport) off();
    this.offTransport = [];
    this.retention.stop();
    await this.positioning?.stop();
    await this.storage.settled();
    await this.people?.stop();
    this.sensorRegistry.stop();
    this.latest.stop();
    await this.storage.settled();
  }

  /** Resolves once the windows received so far are stored and their estimates written. */
  async settled(): Promise<void> {
    await this.storage.settled();
    await this.people?.settled();
  }

  async positionsSettled(): Promise<void> {
    await this.positioning?.settled();
  }

  latestFixT(): number | null {
    return this.positioning?.latestFixT ?? null;
  }

  zoneOccupancy(maxAgeSeconds?: number): ZoneOccupancyNow | undefined {
    return this.positioning?.occupancy(maxAgeSeconds);
  }

  sensors(): SensorView[] {
    return this.sensorRegistry.list();
  }

  scanning(): boolean {
    return this.sensorRegistry.scanning;
  }

  dataState(): { savedAt: number | null; path: string | null } {
    return this.saver.state;
  }

  metrics(): MetricSample[] {
    return hubMetrics({
      storage: this.storage.counters,
      transport: this.options.subscriber.counters,
      refusedWindows: this.intake.refused,
      deadLetters: this.intake.deadLettered,
      sensors: this.sensors(),
      untrackedSensors: this.sensorRegistry.untracked,
      framesReceived: this.sensorRegistry.framesReceived,
      lastWindowReceivedAt: this.sensorRegistry.lastWindowReceivedAt,
      latestWindow: this.latest.row,
      ratio: this.options.ratio,
      now: this.now(),
    });
  }

  on(listener: Partial<HubViewEvents>): () => void {
    const offs = (Object.keys(listener) as (keyof HubViewEvents)[]).map((event) =>
      this.events.on(event, listener[event] as (payload: HubEvents[typeof event]) => void),
    );
    return () => {
      for (const off of offs) off();
    };
  }

  save(): Promise<{ savedAt: number; path: string }> {
    return this.saver.writeSaveFile();
  }

  resetTime(): Promise<void> {
    return this.saver.resetMinutes();
  }

  now(): number {
    return this.clock.now();
  }

  log(line: string): void {
    this.logLine(line);
  }
}
