import { SubscriberHandlers } from './subscriberHandlers.ts';
import type { IPublishPacket, MqttClient } from 'mqtt';
import { mqttClientOptions, mqttConnect, type MqttBrokerOptions, type MqttConnect } from './mqttBroker.ts';
import { hubStatusTopic, parseSensorTopic, sensorTopic, siteFilter, type TopicScope } from './topics.ts';
import type { SubscriberCounters, TransportStatus, WindowOutcome, WindowSubscriber } from './transport.ts';
import { sleep, systemClock, type Clock, type TimerHandle } from '../clock/clock.ts';
import {
  decodeStatus,
  decodeWindow,
  encodeAck,
  encodeHubStatus,
  MAX_MESSAGE_BYTES,
  peekWindowStart,
  type WireAck,
} from './windowCodec.ts';

export interface MqttSubscriberOptions {
  broker: MqttBrokerOptions;
  scope: TopicScope;
  /** Fixed per hub: with a persistent session the broker keeps its messages while it is down. */
  clientId: string;
  /** Default true (clean session off). */
  persistentSession?: boolean;
  /**
   * Connections that share the window subscription (MQTT shared subscription); default 1. Each
   * connection holds one window until it is stored, so with more of them windows of several
   * sensors wait together and the hub writes them in one transaction. Keep it fixed for a client
   * id: with persistent sessions the broker goes on queueing to every connection it has seen.
   */
  connections?: number;
  connect?: MqttConnect;
  maxMessageBytes?: number;
  /** After a handler failure, the connection is renewed this much later so the broker redelivers. Default 1 s. */
  retryDelayMs?: number;
  clock?: Clock;
  log?: (line: string) => void;
}

/**
 * The hub's end of the MQTT transport. It subscribes to every sensor's window and status topic
 * of one site with QoS 1, checks each message (size, UTF-8, JSON, schema version, shape, and that
 * a window's sensor is the topic's sensor) and hands valid ones to the handlers. Bad messages are
 * counted by reason, acknowledged and forgotten: the hub keeps going.
 *
 * The PUBACK of a window goes out only after every handler's promise has settled, so a hub that
 * stores the window before its handler resolves loses nothing when it is killed: the broker
 * still holds the message in the persistent session and sends it again. MQTT.js handles one
 * incoming message per connection at a time until it is acknowledged; `connections` > 1 lets
 * several windows wait together (an MQTT shared subscription spreads them over the connections).
 */
export class MqttWindowSubscriber extends SubscriberHandlers implements WindowSubscriber {
  private clients: MqttClient[] = [];
  private readonly tally: SubscriberCounters = {
    windows: 0,
    statuses: 0,
    rejected: {},
    handlerFailures: 0,
    connects: 0,
  };
  private readonly retrying = new Map<MqttClient, TimerHandle>();
  private readonly busy = new Set<Promise<void>>();
  private stopped = false;
  private readonly clock: Clock;
  private readonly log: (line: string) => void;

  constructor(private readonly options: MqttSubscriberOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? (() => {});
  }

  get counters(): SubscriberCounters {
    return { ...this.tally, rejected: { ...this.tally.rejected } };
  }

  async start(): Promise<void> {
    if (this.clients.length > 0) return;
    this.stopped = false;
    const count = Math.max(1, Math.floor(this.options.connections ?? 1));
    const windows = siteFilter(this.options.scope, 'window');
    const status = siteFilter(this.options.scope, 'status');
    // Retained statuses are not sent to shared subscriptions: the first connection takes them alone.
    const group = this.options.clientId.replace(/[^A-Za-z0-9_.-]/g, '_');
    const shared = count > 1 ? `$share/${group}/${windows}` : windows;
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        this.open(
          i === 0 ? this.options.clientId : `${this.options.clientId}-${i}`,
          i === 0 ? [shared, status] : [shared],
        ),
      ),
    );
  }

  /**
   * One connection: resolves once its subscriptions are in place. The first connection also
   * speaks for the hub: its retained status says online once the hub listens (so sensors send
   * again what it may have missed), and its last will says offline.
   */
  private open(clientId: string, filters: string[]): Promise<void> {
    const speaksForHub = clientId === this.options.clientId;
    const hubTopic = hubStatusTopic(this.options.scope);
    const client = (this.options.connect ?? mqttConnect)(
      this.options.broker.url,
      mqttClientOptions(this.options.broker, {
        clientId,
        clean: !(this.options.persistentSession ?? true),
        ...(speaksForHub
          ? { will: { topic: hubTopic, payload: encodeHubStatus({ online: false }), qos: 1, retain: true } }
          : {}),
      }),
    );
    this.clients.push(client);
    client.handleMessage = (packet, done) => {
      // Once stopping, nothing more is taken: unacknowledged, it waits on the broker for the next run.
      const handled = this.stopped
        ? Promise.reject(new Error('subscriber stopping'))
        : this.receive(packet, client);
      const settled = handled.then(
        () => {},
        () => {},
      );
      this.busy.add(settled);
      void settled.then(() => this.busy.delete(settled));
      handled.then(
        () => done(),
        (error: unknown) => done(error as Error),
      );
    };
    client.on('error', (error) => this.log(`mqtt subscriber ${clientId}: ${error.message}`));
    return new Promise((resolve) => {
      client.on('connect', (connack) => {
        this.tally.connects++;
        const announce = () => {
          if (speaksForHub && !this.stopped)
            client.publish(hubTopic, encodeHubStatus({ online: true, at: this.clock.now() }), {
              qos: 1,
              retain: true,
            });
          resolve();
        };
        // A broker that kept the session keeps the subscriptions; one that lost it (a restart
        // without persistence) needs them again before the hub says it is listening.
        if (connack.sessionPresent) return announce();
        client.subscribe(filters, { qos: 1 }, (error) => {
          if (error) this.log(`mqtt subscriber ${clientId}: subscribe failed: ${error.message}`);
          else announce();
        });
      });
    });
  }

  private reject(reason: string, topic: string, message: string): void {
    this.tally.rejected[reason] = (this.tally.rejected[reason] ?? 0) + 1;
    this.log(`mqtt subscriber: rejected message on ${topic}: ${message}`);
  }

  /** Resolves to acknowledge the message, rejects to leave it unacknowledged (redelivered later). */
  private async receive(packet: IPublishPacket, client: MqttClient): Promise<void> {
    const topic = packet.topic;
    const parsed = parseSensorTopic(this.options.scope, topic);
    if (parsed === undefined) return this.reject('foreign-topic', topic, 'not a sensor topic of this site');
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const maxBytes = this.options.maxMessageBytes ?? MAX_MESSAGE_BYTES;

    if (parsed.kind === 'status') {
      if (payload.length === 0) return; // a retained status being cleared
      const decoded = decodeStatus(payload, maxBytes);
      if (!decoded.ok) return this.reject(decoded.reason, topic, decoded.message);
      this.tally.statuses++;
      const status: TransportStatus = {
        sensorId: parsed.sensorId,
        online: decoded.value.online,
        scanning: decoded.value.online && (decoded.value.scanning ?? false),
        at: decoded.value.at ?? this.clock.now(),
      };
      if (decoded.value.outboxDepth !== undefined) status.outboxDepth = decoded.value.outboxDepth;
      if (decoded.value.bleRestarts !== undefined) status.bleRestarts = decoded.value.bleRestarts;
      await this.deliver(this.statusHandlers, status, client);
      return;
    }

    const decoded = decodeWindow(payload, maxBytes);
    if (!decoded.ok) {
      this.reject(decoded.reason, topic, decoded.message);
      // Told, the sensor stops sending a window that would be refused every time.
      const windowStart = peekWindowStart(payload, maxBytes);
      if (windowStart !== undefined)
        this.acknowledge(client, parsed.sensorId, {
          windowStart,
          status: 'refused',
          reason: decoded.message,
        });
      return;
    }
    if (decoded.value.sensorId !== parsed.sensorId) {
      return this.reject(
        'sensor-mismatch',
        topic,
        `window of sensor ${JSON.stringify(decoded.value.sensorId)}`,
      );
    }
    this.tally.windows++;
    const window = decoded.value;
    const outcome = await this.deliver(this.windowHandlers, window, client);
    if (window.purpose !== 'positioning') {
      this.acknowledge(client, window.sensorId, {
        windowStart: window.windowStart,
        status: outcome?.status ?? 'stored',
        ...(outcome?.reason === undefined ? {} : { reason: outcome.reason }),
      });
    }
  }

  /** The sensor keeps a window until it hears this; lost on the way, the window comes again. */
  private acknowledge(client: MqttClient, sensorId: string, ack: WireAck): void {
    this.tally.acknowledgements = (this.tally.acknowledgements ?? 0) + 1;
    client.publish(sensorTopic(this.options.scope, sensorId, 'ack'), encodeAck(ack), { qos: 1 });
  }

  /** Resolves with the first outcome a handler gave; rejects (for redelivery) when one failed. */
  private async deliver<T>(
    handlers: Iterable<(value: T) => unknown>,
    value: T,
    client: MqttClient,
  ): Promise<WindowOutcome | undefined> {
    const results = await Promise.allSettled([...handlers].map(async (handler) => handler(value)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed === undefined) {
      for (const r of results)
        if (r.status === 'fulfilled' && typeof r.value === 'object' && r.value !== null)
          return r.value as WindowOutcome;
      return undefined;
    }
    this.tally.handlerFailures++;
    this.log(
      `mqtt subscriber: handler failed, message left for redelivery: ${(failed.reason as Error)?.message}`,
    );
    this.scheduleRedelivery(client);
    throw failed.reason;
  }

  /** A broker resends unacknowledged messages only on a new connection of the same session. */
  private scheduleRedelivery(client: MqttClient): void {
    if (this.retrying.has(client) || this.stopped) return;
    const timer = this.clock.setTimeout(() => {
      this.retrying.delete(client);
      if (!this.stopped) client.stream.destroy();
    }, this.options.retryDelayMs ?? 1000);
    this.retrying.set(client, timer);
  }

  /** Waits for the messages in hand, then disconnects; a persistent session keeps the rest on the broker. */
  async stop(): Promise<void> {
    if (this.clients.length === 0) return;
    this.stopped = true;
    for (const timer of this.retrying.values()) this.clock.clearTimeout(timer);
    this.retrying.clear();
    await Promise.all(this.busy);
    const first = this.clients[0];
    if (first?.connected) {
      // A clean goodbye: sensors stop waiting for this hub until it says it is back. A broker
      // that goes away meanwhile must not hold the shutdown.
      const gaveUp = new AbortController();
      await Promise.race([
        first.publishAsync(
          hubStatusTopic(this.options.scope),
          encodeHubStatus({ online: false, at: this.clock.now() }),
          { qos: 1, retain: true },
        ),
        sleep(this.clock, 2000, gaveUp.signal),
      ]).catch(() => {});
      gaveUp.abort();
    }
    await Promise.all(this.clients.map((client) => client.endAsync(!client.connected).catch(() => {})));
    this.clients = [];
  }
}
