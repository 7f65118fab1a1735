import type { MqttClient } from 'mqtt';
import type { WindowSummary } from '../../core/model.ts';
import {
  mqttClientId,
  mqttClientOptions,
  mqttConnect,
  type MqttBrokerOptions,
  type MqttConnect,
} from './mqttBroker.ts';
import type { Outbox } from './outbox.ts';
import { sensorTopic, type TopicScope } from './topics.ts';
import type { PublisherCounters, SensorStatus, WindowPublisher } from './transport.ts';
import { sleep, systemClock, type Clock, type TimerHandle } from '../clock/clock.ts';
import { encodeStatus, encodeWindow, MAX_MESSAGE_BYTES } from './windowCodec.ts';

export interface MqttPublisherOptions {
  broker: MqttBrokerOptions;
  scope: TopicScope;
  /** The sensor this publisher speaks for: its status topic and last will. */
  sensorId: string;
  /** Opened by `start()`; every window passes through it before it is sent. */
  outbox: Outbox;
  /** Default: derived from site and sensor, so a restarted sensor takes over its old connection. */
  clientId?: string;
  connect?: MqttConnect;
  /** Windows sent and not yet acknowledged by the broker; default 16. */
  maxInFlight?: number;
  maxMessageBytes?: number;
  /** The retained status is republished this often (the hub's sign of life); 0 turns it off. Default 30 s. */
  heartbeatSeconds?: number;
  clock?: Clock;
  log?: (line: string) => void;
}

/**
 * The sensor's end of the MQTT transport. A window is written to the outbox (fsync'd) before
 * it is published with QoS 1, and leaves the outbox only on the broker's PUBACK. While the broker
 * is away windows pile up in the outbox; on every (re)connection the publisher sends what is
 * pending, oldest first, at most `maxInFlight` at a time. Windows that MQTT.js already had in
 * flight when the connection dropped are resent by MQTT.js itself, so none goes out twice from
 * one process; after a restart the outbox sends again whatever had no PUBACK (the hub ignores
 * the copies).
 *
 * Status `<prefix>/<site>/<sensor>/status` is retained: the last will says `{"online":false}`
 * when the connection dies, `stop()` says it on the way out, and each connection and heartbeat
 * says `{"online":true,...}` again.
 */
export class MqttWindowPublisher implements WindowPublisher {
  private client: MqttClient | undefined;
  private readonly inFlight = new Set<number>();
  private readonly drainWaiters = new Set<() => void>();
  private heartbeat: TimerHandle | undefined;
  private stopping = false;
  private scanning = false;
  private readonly statusTopic: string;
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private readonly tally = {
    windows: 0,
    acknowledged: 0,
    oversized: 0,
    statuses: 0,
    connects: 0,
    transient: 0,
    transientDropped: 0,
  };

  constructor(private readonly options: MqttPublisherOptions) {
    this.statusTopic = sensorTopic(options.scope, options.sensorId, 'status');
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? (() => {});
  }

  get counters(): PublisherCounters {
    const outbox = this.options.outbox;
    return {
      ...this.tally,
      outboxDepth: outbox.depth,
      outboxBytes: outbox.bytes,
      outboxDropped: outbox.counters.dropped,
    };
  }

  /** True while connected to the broker. */
  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async start(): Promise<void> {
    if (this.client !== undefined) return;
    this.stopping = false;
    this.options.outbox.open();
    const { scope, sensorId } = this.options;
    const client = (this.options.connect ?? mqttConnect)(
      this.options.broker.url,
      mqttClientOptions(this.options.broker, {
        clientId: this.options.clientId ?? mqttClientId('sensor', scope.site, sensorId),
        clean: true,
        will: { topic: this.statusTopic, payload: encodeStatus({ online: false }), qos: 1, retain: true },
      }),
    );
    this.client = client;
    client.on('connect', () => {
      this.tally.connects++;
      this.sendStatus(this.clock.now());
      this.pump();
    });
    client.on('error', (error) => this.log(`mqtt publisher ${sensorId}: ${error.message}`));
    const seconds = this.options.heartbeatSeconds ?? 30;
    if (seconds > 0) {
      this.heartbeat = this.clock.setInterval(() => this.sendStatus(this.clock.now()), seconds * 1000);
    }
  }

  async publishWindow(summary: WindowSummary): Promise<void> {
    const payload = encodeWindow(summary);
    if (summary.purpose === 'positioning') {
      // Live positions are worth nothing late: QoS 0, no outbox, dropped while the broker is away,
      // so an outage never pushes counting windows out of the outbox.
      const client = this.client;
      if (client === undefined || !client.connected || this.stopping) {
        this.tally.transientDropped++;
        return;
      }
      client.publish(sensorTopic(this.options.scope, summary.sensorId, 'window'), payload, { qos: 0 });
      this.tally.transient++;
      return;
    }
    const limit = this.options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
    const size = Buffer.byteLength(payload);
    if (size > limit) {
      this.tally.oversized++;
      throw new RangeError(
        `window ${summary.windowStart} of ${summary.sensorId} is ${size} bytes encoded, over the ${limit}-byte limit`,
      );
    }
    this.options.outbox.append(sensorTopic(this.options.scope, summary.sensorId, 'window'), payload);
    this.tally.windows++;
    this.pump();
  }

  async publishStatus(status: SensorStatus): Promise<void> {
    this.scanning = status.scanning;
    this.tally.statuses++;
    // Offline, MQTT.js keeps it and sends it first thing after reconnecting.
    this.sendStatus(status.at, true);
  }

  private sendStatus(at: number, evenOffline = false): void {
    const client = this.client;
    if (client === undefined || this.stopping || !(client.connected || evenOffline)) return;
    client.publish(
      this.statusTopic,
      encodeStatus({ online: true, scanning: this.scanning, at, outboxDepth: this.options.outbox.depth }),
      {
        qos: 1,
        retain: true,
      },
    );
  }

  /** Sends pending outbox entries, oldest first, while the broker is there and the window allows. */
  private pump(): void {
    const client = this.client;
    if (client === undefined || !client.connected || this.stopping) return;
    const max = this.options.maxInFlight ?? 16;
    for (const entry of this.options.outbox.pending()) {
      if (this.inFlight.size >= max) break;
      if (this.inFlight.has(entry.seq)) continue;
      this.inFlight.add(entry.seq);
      client.publish(entry.topic, entry.payload, { qos: 1 }, (error) => {
        this.inFlight.delete(entry.seq);
        if (error) {
          // Only a connection torn down for good fails a QoS 1 publish; the entry waits in the outbox.
          this.log(`mqtt publisher ${this.options.sensorId}: window not acknowledged: ${error.message}`);
        } else if (this.options.outbox.ack(entry.seq)) {
          this.tally.acknowledged++;
          if (this.options.outbox.depth === 0) for (const wake of this.drainWaiters) wake();
        }
        this.pump();
      });
    }
  }

  drained(timeoutMs = 30_000): Promise<void> {
    if (this.options.outbox.depth === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = () => {
        this.clock.clearTimeout(timer);
        this.drainWaiters.delete(wake);
        resolve();
      };
      const timer = this.clock.setTimeout(() => {
        this.drainWaiters.delete(wake);
        reject(new Error(`outbox still holds ${this.options.outbox.depth} windows after ${timeoutMs} ms`));
      }, timeoutMs);
      this.drainWaiters.add(wake);
    });
  }

  async stop(): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    this.stopping = true;
    this.clock.clearInterval(this.heartbeat);
    if (client.connected) {
      // A clean goodbye: the will is only for connections that die.
      const gaveUp = new AbortController();
      await Promise.race([
        client.publishAsync(this.statusTopic, encodeStatus({ online: false, at: this.clock.now() }), {
          qos: 1,
          retain: true,
        }),
        sleep(this.clock, 2000, gaveUp.signal),
      ]).catch(() => {});
      gaveUp.abort();
    }
    // Give windows already sent a moment for their PUBACK; whatever misses it stays in the outbox.
    for (let waited = 0; this.inFlight.size > 0 && client.connected && waited < 2000; waited += 20)
      await sleep(this.clock, 20);
    await client.endAsync(this.inFlight.size > 0 || !client.connected).catch(() => {});
    this.client = undefined;
    this.inFlight.clear();
    this.options.outbox.close();
  }
}
