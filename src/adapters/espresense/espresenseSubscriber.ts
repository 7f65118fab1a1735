import type { IPublishPacket, MqttClient } from 'mqtt';
import type { WindowSummary } from '../../core/model.ts';
import { systemClock, type Clock, type TimerHandle } from '../clock/clock.ts';
import {
  mqttClientOptions,
  mqttConnect,
  type MqttBrokerOptions,
  type MqttConnect,
} from '../transport/mqttBroker.ts';
import { SubscriberHandlers } from '../transport/subscriberHandlers.ts';
import type { SubscriberCounters, TransportStatus, WindowSubscriber } from '../transport/transport.ts';
import { decodeEspresenseReport, decodeRoomStatus, parseEspresenseTopic } from './espresenseMessages.ts';
import { EspresenseWindowing, type EspresenseWindowingOptions } from './espresenseWindowing.ts';

export interface EspresenseSubscriberOptions {
  broker: MqttBrokerOptions;
  clientId: string;
  /** ESPresense's base topic, `espresense` unless the nodes were built otherwise. */
  topicPrefix: string;
  /** Room (as the nodes publish it) -> the sensor id it is in the site file. */
  rooms: ReadonlyMap<string, string>;
  /** The keyed hash of the site: applied to every device id the moment a report arrives. */
  hashId: (id: string) => string;
  windowSeconds: number;
  positioning?: EspresenseWindowingOptions['positioning'];
  connect?: MqttConnect;
  clock?: Clock;
  log?: (line: string) => void;
}

/** How often windows are closed and listening nodes touched. */
const TICK_MS = 1000;
/** A window the hub could not take is offered again on the next ticks, this many times at most. */
const MAX_TRIES = 5;
/** Windows kept for another try at most; a hub that refuses more is down, and they are dropped. */
const MAX_RETRYING = 200;
/** Room names logged as unknown, at most (a flood of made-up rooms must not flood the log). */
const MAX_LOGGED_ROOMS = 32;

interface RoomState {
  online: boolean;
  /** Wall-clock time of the node's last report. */
  lastReportAt: number;
}

/**
 * ESPresense nodes as sensors of the site: a `WindowSubscriber` that reads the nodes' device
 * reports from MQTT and hands the hub the windows an airtrace sensor would have sent. Each node
 * (room) is the sensor the site file maps it to; reports of rooms it does not map are counted and
 * dropped. Device ids are keyed-hashed on arrival, before anything else looks at them; the
 * report's `mac` is never read. Rejections are logged by room and reason, never with the topic
 * (which holds the device id).
 *
 * A node's retained status (`online`/`offline`, its last will) becomes the sensor's status, and a
 * node that is online (or reporting) has a window every period even when it hears nobody.
 */
export class EspresenseSubscriber extends SubscriberHandlers implements WindowSubscriber {
  private client: MqttClient | undefined;
  private ticker: TimerHandle | undefined;
  private readonly windowing: EspresenseWindowing;
  private readonly roomStates = new Map<string, RoomState>();
  private readonly loggedRooms = new Set<string>();
  private retrying: { summary: WindowSummary; tries: number }[] = [];
  private deliveries = new Set<Promise<void>>();
  private readonly tally: SubscriberCounters = {
    windows: 0,
    statuses: 0,
    rejected: {},
    handlerFailures: 0,
    connects: 0,
  };
  /** Device reports taken. */
  reports = 0;
  /** Windows given up on after MAX_TRIES, or because too many waited. */
  windowsDropped = 0;
  private readonly clock: Clock;
  private readonly log: (line: string) => void;

  constructor(private readonly options: EspresenseSubscriberOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? (() => {});
    this.windowing = new EspresenseWindowing({
      windowSeconds: options.windowSeconds,
      ...(options.positioning === undefined ? {} : { positioning: options.positioning }),
      onWindow: (summary) => this.deliverWindow(summary, 1),
    });
  }

  get counters(): SubscriberCounters {
    return { ...this.tally, rejected: { ...this.tally.rejected } };
  }

  /** Resolves once connected and subscribed. */
  async start(): Promise<void> {
    if (this.client !== undefined) return;
    const { topicPrefix } = this.options;
    const client = (this.options.connect ?? mqttConnect)(
      this.options.broker.url,
      mqttClientOptions(this.options.broker, { clientId: this.options.clientId, clean: true }),
    );
    this.client = client;
    client.on('message', (topic, payload, packet) => this.receive(topic, payload, packet));
    client.on('error', (error) => this.log(`ESPresense: ${error.message}`));
    this.ticker = this.clock.setInterval(() => this.tick(), TICK_MS);
    await new Promise<void>((resolve) => {
      client.on('connect', () => {
        this.tally.connects++;
        client.subscribe(
          [`${topicPrefix}/devices/+/+`, `${topicPrefix}/rooms/+/status`],
          { qos: 0 },
          (error) => {
            if (error) this.log(`ESPresense: subscribe failed: ${error.message}`);
            else resolve();
          },
        );
      });
    });
  }

  /** Closes the windows open now (they are delivered), then disconnects. */
  async stop(): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    this.client = undefined;
    this.clock.clearInterval(this.ticker);
    this.ticker = undefined;
    this.windowing.flush();
    await Promise.all(this.deliveries);
    await client.endAsync().catch(() => {});
  }

  private reject(reason: string, room: string): void {
    const first = this.tally.rejected[reason] === undefined;
    this.tally.rejected[reason] = (this.tally.rejected[reason] ?? 0) + 1;
    if (first)
      this.log(
        `ESPresense: refused a report from room ${JSON.stringify(room)}: ${reason} (counted from now on)`,
      );
  }

  private receive(topic: string, payload: Buffer, _packet: IPublishPacket): void {
    const parsed = parseEspresenseTopic(this.options.topicPrefix, topic);
    if (parsed === undefined) return;
    const sensorId = this.options.rooms.get(parsed.room);
    if (sensorId === undefined) {
      this.tally.rejected['unknown-room'] = (this.tally.rejected['unknown-room'] ?? 0) + 1;
      if (this.loggedRooms.size < MAX_LOGGED_ROOMS && !this.loggedRooms.has(parsed.room)) {
        this.loggedRooms.add(parsed.room);
        this.log(
          `ESPresense: room ${JSON.stringify(parsed.room)} is no sensor of the site (add it to espresense.rooms in the site file)`,
        );
      }
      return;
    }
    const now = this.clock.now();
    if (parsed.kind === 'room-status') {
      if (payload.length === 0) return; // a retained status being cleared
      const online = decodeRoomStatus(payload);
      if (online === undefined) return this.reject('bad-status', parsed.room);
      const room = this.room(parsed.room);
      room.online = online;
      this.tally.statuses++;
      const status: TransportStatus = { sensorId, online, scanning: online, at: now };
      for (const handler of this.statusHandlers) void Promise.resolve(handler(status)).catch(() => {});
      return;
    }
    const decoded = decodeEspresenseReport(payload, parsed.deviceId);
    if (!decoded.ok) return this.reject(decoded.reason, parsed.room);
    // The id is hashed first thing; the raw one goes no further than this line.
    const { id, ...rest } = decoded.report;
    const hashed = this.options.hashId(`espresense:${id}`);
    this.reports++;
    this.room(parsed.room).lastReportAt = now;
    this.windowing.add(sensorId, hashed, rest, now);
  }

  private room(name: string): RoomState {
    let state = this.roomStates.get(name);
    if (state === undefined) {
      state = { online: false, lastReportAt: -Infinity };
      this.roomStates.set(name, state);
    }
    return state;
  }

  /** Each second: listening nodes have a window, ended windows close, refused ones are offered again. */
  private tick(): void {
    const now = this.clock.now();
    for (const [room, state] of this.roomStates) {
      const sensorId = this.options.rooms.get(room);
      if (sensorId === undefined) continue;
      if (state.online || now - state.lastReportAt <= this.options.windowSeconds)
        this.windowing.touch(sensorId, now);
    }
    this.windowing.advanceTo(now);
    const again = this.retrying;
    this.retrying = [];
    for (const { summary, tries } of again) this.deliverWindow(summary, tries + 1);
  }

  private deliverWindow(summary: WindowSummary, tries: number): void {
    if (tries === 1) this.tally.windows++;
    const delivery = (async () => {
      const results = await Promise.allSettled(
        [...this.windowHandlers].map(async (handler) => handler(summary)),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed === undefined) return;
      this.tally.handlerFailures++;
      if (tries < MAX_TRIES && this.retrying.length < MAX_RETRYING && this.client !== undefined) {
        this.retrying.push({ summary, tries });
        return;
      }
      this.windowsDropped++;
      this.log(
        `ESPresense: dropped window ${summary.windowStart} of ${summary.sensorId} after ${tries} tries: ${(failed.reason as Error)?.message}`,
      );
    })();
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
  }
}
