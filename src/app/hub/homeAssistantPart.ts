import type { Clock, TimerHandle } from '../../adapters/clock/clock.ts';
import {
  siteEntities,
  sensorEntity,
  zoneEntities,
  type HaAvailability,
  type HaConnectivitySource,
  type HaEntity,
  type HaSensorRef,
  type HaSite,
} from '../../adapters/homeassistant/haEntities.ts';
import type { HaPublisher } from '../../adapters/homeassistant/haPublisher.ts';
import {
  haSlug,
  peopleAttributesTopic,
  sensorStateTopic,
  siteStateTopic,
  zoneStateTopic,
  type HaScope,
} from '../../adapters/homeassistant/haTopics.ts';
import { toApiWindow } from '../../adapters/http/apiMapping.ts';
import type { SensorView } from '../../adapters/http/hubView.ts';
import type { Store, WindowRow } from '../../adapters/storage/store.ts';
import { normaliseSensorId } from '../../core/positioning/probeLogLine.ts';
import type { HubEventBus } from './hubEvents.ts';
import type { ZoneOccupancy } from './zoneOccupancy.ts';

export interface HomeAssistantPartOptions {
  events: HubEventBus;
  publisher: Pick<HaPublisher, 'start' | 'stop' | 'setEntities' | 'setState'>;
  scope: HaScope;
  site: HaSite;
  store: Pick<Store, 'windows' | 'totals'>;
  /** Detectable devices per person, for the estimate without a counting model. */
  ratio: number;
  windowSeconds: number;
  /** The sensors the hub has heard (its registry). */
  heardSensors: () => readonly SensorView[];
  /** The sensors of the site file, heard yet or not. */
  siteSensors: readonly HaSensorRef[];
  connectivity: (sensorId: string) => HaConnectivitySource;
  /** Availability of the site's and zones' entities: the hub's. */
  availability: readonly HaAvailability[];
  /** The zones model, once there is one: per-zone entities follow its zones. */
  zones?: ZoneOccupancy;
  clock: Clock;
  log: (line: string) => void;
}

/** Local midnight before `t` (Unix seconds), in the hub's time zone. */
function startOfDay(t: number): number {
  const d = new Date(t * 1000);
  d.setHours(0, 0, 0, 0);
  return d.getTime() / 1000;
}

const oneDecimal = (x: number) => Math.round(x * 10) / 10;

/**
 * The hub in Home Assistant: a part on the hub's event bus that keeps the discovery entities
 * (site, zones, sensors) and their states up to date through the `HaPublisher`. The site's
 * figures are the newest window's: people (the counting model's estimate with its interval, or
 * devices / ratio), Wi-Fi and Bluetooth devices; visitors today is the dashboard's Little's law
 * (person-minutes since local midnight over the mean stay), unknown without the counting model.
 */
export class HomeAssistantPart {
  /** Resolves once the publisher has connected the first time. */
  ready: Promise<void> = Promise.resolve();
  private latest: WindowRow | undefined;
  /** People estimate of each window of the day so far, by window start. */
  private readonly todayEstimates = new Map<number, number>();
  private dayStart = -Infinity;
  private work: Promise<void> = Promise.resolve();
  private offs: (() => void)[] = [];
  private timer: TimerHandle | undefined;

  constructor(private readonly options: HomeAssistantPartOptions) {}

  /** Listens at once; the broker connection and today's figures follow in the background. */
  start(): void {
    const { events, zones, clock } = this.options;
    this.offs = [
      events.on('windowStored', (row) => this.note([row])),
      events.on('people', (rows) => this.note(rows)),
      events.on('status', () => this.refresh()),
    ];
    if (zones !== undefined) this.offs.push(zones.onChange(() => this.refresh()));
    this.timer = clock.setInterval(() => this.refresh(), this.options.windowSeconds * 1000);
    this.ready = this.options.publisher.start();
    this.ready.catch((error: Error) => this.options.log(`Home Assistant: ${error.message}`));
    this.enqueue(() => this.seedToday());
  }

  async stop(): Promise<void> {
    for (const off of this.offs) off();
    this.offs = [];
    this.options.clock.clearInterval(this.timer);
    await this.settled();
    await this.options.publisher.stop();
  }

  /** Resolves once everything noted so far is handed to the publisher. */
  async settled(): Promise<void> {
    let last: Promise<void>;
    do {
      last = this.work;
      await last;
    } while (last !== this.work);
  }

  private enqueue(job: () => Promise<void> | void): void {
    this.work = this.work
      .then(job)
      .catch((error: Error) => this.options.log(`Home Assistant: ${error.message}`));
  }

  private note(rows: readonly WindowRow[]): void {
    for (const row of rows) {
      if (this.latest === undefined || row.windowStart >= this.latest.windowStart) this.latest = row;
      if (row.people !== null && row.windowStart >= this.dayStart)
        this.todayEstimates.set(row.windowStart, row.people.estimate);
    }
    this.refresh();
  }

  private refresh(): void {
    this.enqueue(() => this.publish());
  }

  /** A hub restarted mid-day starts from what the store has of the day. */
  private async seedToday(): Promise<void> {
    const now = this.options.clock.now();
    this.dayStart = startOfDay(now);
    const rows = await this.options.store.windows(this.dayStart, now + this.options.windowSeconds);
    for (const row of rows) {
      if (row.people !== null) this.todayEstimates.set(row.windowStart, row.people.estimate);
      if (this.latest === undefined || row.windowStart >= this.latest.windowStart) this.latest = row;
    }
    await this.publish();
  }

  private async publish(): Promise<void> {
    const { publisher, scope } = this.options;
    publisher.setEntities(this.entities());
    for (const [topic, payload] of this.sensorStates()) publisher.setState(topic, payload);
    for (const zone of this.options.zones?.current() ?? [])
      publisher.setState(
        zoneStateTopic(scope, haSlug(zone.name)),
        JSON.stringify({ people: oneDecimal(zone.people), occupied: zone.people > 0 ? 'ON' : 'OFF' }),
      );
    await this.publishSite();
  }

  private entities(): HaEntity[] {
    const { scope, site, availability } = this.options;
    return [
      ...siteEntities(scope, site, availability),
      ...(this.options.zones?.current() ?? []).flatMap((zone) =>
        zoneEntities(scope, site, zone.name, availability),
      ),
      ...this.sensors().map((sensor) =>
        sensorEntity(scope, site, sensor, this.options.connectivity(sensor.id), availability),
      ),
    ];
  }

  /** The site file's sensors and the ones heard, once each (ids compare as the site file's do). */
  private sensors(): HaSensorRef[] {
    const byId = new Map<string, HaSensorRef>();
    for (const s of this.options.siteSensors) byId.set(normaliseSensorId(s.id), s);
    for (const s of this.options.heardSensors())
      if (!byId.has(normaliseSensorId(s.id))) byId.set(normaliseSensorId(s.id), { id: s.id });
    return [...byId.values()];
  }

  /** ON or OFF for the sensors whose connectivity the hub itself reports. */
  private sensorStates(): [string, string][] {
    const heard = new Map(this.options.heardSensors().map((s) => [normaliseSensorId(s.id), s]));
    return this.sensors()
      .filter((s) => this.options.connectivity(s.id).kind === 'hub')
      .map((s) => [
        sensorStateTopic(this.options.scope, haSlug(s.id)),
        heard.get(normaliseSensorId(s.id))?.online === true ? 'ON' : 'OFF',
      ]);
  }

  private async publishSite(): Promise<void> {
    const row = this.latest;
    if (row === undefined) return;
    const { publisher, scope, ratio, windowSeconds, clock } = this.options;
    const day = startOfDay(clock.now());
    if (day !== this.dayStart) {
      this.dayStart = day;
      for (const start of this.todayEstimates.keys()) if (start < day) this.todayEstimates.delete(start);
    }
    const w = toApiWindow(row, ratio);
    const totals = await this.options.store.totals();
    let visitors: number | null = null;
    if (this.todayEstimates.size > 0 && totals.meanStayMinutes !== null && totals.meanStayMinutes > 0) {
      let personMinutes = 0;
      for (const estimate of this.todayEstimates.values()) personMinutes += (estimate * windowSeconds) / 60;
      visitors = oneDecimal(personMinutes / totals.meanStayMinutes);
    }
    publisher.setState(
      siteStateTopic(scope),
      JSON.stringify({
        people: w.estimate,
        wifi_devices: w.wifi,
        ble_devices: w.bluetooth,
        visitors_today: visitors,
        day_start: new Date(day * 1000).toISOString(),
      }),
    );
    publisher.setState(
      peopleAttributesTopic(scope),
      JSON.stringify({
        low: w.low,
        high: w.high,
        provisional: w.final === false,
        method: w.estimateMethod,
        window_start: new Date(w.windowStart * 1000).toISOString(),
      }),
    );
  }
}
