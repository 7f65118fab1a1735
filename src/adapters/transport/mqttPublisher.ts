import type { MqttClient } from 'mqtt';
import type { WindowSummary } from '../../core/model.ts';
import { sleep, systemClock, type Clock, type TimerHandle } from '../clock/clock.ts';
import {
  mqttClientId,
  mqttClientOptions,
  mqttConnect,
  type MqttBrokerOptions,
  type MqttConnect,
} from './mqttBroker.ts';
import { DrainWaiters } from './drainWaiters.ts';
import type { Outbox, OutboxEntry } from './outbox.ts';
import { hubStatusTopic, sensorTopic, type TopicScope } from './topics.ts';
import type { PublisherCounters, SensorStatus, WindowPublisher } from './transport.ts';
import {
  decodeAck,
  decodeHubStatus,
  encodeStatus,
  encodeWindow,
  MAX_MESSAGE_BYTES,
  wirePayload,
} from './windowCodec.ts';

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
  /** Windows sent and not yet accepted by the broker; default 16. */
  maxInFlight?: number;
  maxMessageBytes?: number;
  /** The retained status is republished this often (the hub's sign of life); 0 turns it off. Default 30 s. */
  heartbeatSeconds?: number;
  /**
   * A window the broker took but the hub has not acknowledged is sent again after this long
   * (the broker may have lost it, or no hub was listening). Default 60 s.
   */
  resendAfterMs?: number;
  clock?: Clock;
  log?: (line: string) => void;
}

/**
 * The sensor's end of the MQTT transport. A window is written to the outbox (fsync'd) before it
 * is published with QoS 1, and leaves the outbox only when the hub says it has stored it (on
 * `<sensor>/ack`): the broker's PUBACK only means the broker has it, and a broker that crashes
 * without persistence, or that holds no session for an absent hub, would drop it. Windows the
 * broker took but the hub has not acknowledged are sent again when the hub announces itself
 * (its retained status) and after `resendAfterMs`; the hub stores each window once, however
 * often it arrives. While the broker is away windows pile up in the outbox; on every
 * (re)connection the publisher sends what is pending, oldest first, at most `maxInFlight` at a
 * time.
 *
 * Status `<prefix>/<site>/<sensor>/status` is retained: the last will says `{"online":false}`
 * when the connection dies, `stop()` says it on the way out, and each connection and heartbeat
 * says `{"online":true,...}` again, with the outbox depth and the windows refused so far.
 */
export class MqttWindowPublisher implements WindowPublisher {
  private client: MqttClient | undefined;
  /** Sent, waiting for the broker's PUBACK. */
  private readonly inFlight = new Set<number>();
  /** Taken by the broker (when), waiting for the hub's acknowledgement. */
  private readonly delivered = new Map<number, number>();
  /** Outbox entries by the window start the hub's acknowledgement names. */
  private readonly byWindow = new Map<string, Set<number>>();
  private readonly drainWaiters: DrainWaiters;
  private heartbeat: TimerHandle | undefined;
  /** The sensor's BLE watchdog restarts, as its last status said: heartbeats repeat it. */
  private bleRestarts: number | undefined;
  private resendTimer: TimerHandle | undefined;
  private stopping = false;
  private scanning = false;
  /** When the hub last said it is listening (its status's `at`): a new value is a hub that came back. */
  private hubAnnouncedAt: number | undefined;
  private readonly statusTopic: string;
  private readonly ackTopic: string;
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
    resent: 0,
    refusedByHub: 0,
  };

  constructor(private readonly options: MqttPublisherOptions) {
    this.statusTopic = sensorTopic(options.scope, options.sensorId, 'status');
    this.ackTopic = sensorTopic(options.scope, options.sensorId, 'ack');
    this.clock = options.clock ?? systemClock;
    this.drainWaiters = new DrainWaiters(this.clock);
    this.log = options.log ?? (() => {});
  }

  get counters(): PublisherCounters {
    const outbox = this.options.outbox;
    return {
      ...this.tally,
      outboxDepth: outbox.depth,
      outboxBytes: outbox.bytes,
      outboxDropped: outbox.counters.dropped,
      outboxMemoryOnly: outbox.counters.memoryOnly,
    };
  }

  /** True while connected to the broker. */
  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async start(): Promise<void> {
    if (this.client !== undefined) return;
    this.stopping = false;
    const { outbox, scope, sensorId } = this.options;
    outbox.open();
    for (const entry of outbox.pending()) this.index(entry);
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
      client.subscribe([this.ackTopic, hubStatusTopic(scope)], { qos: 1 }, (error) => {
        if (error) this.log(`mqtt publisher ${sensorId}: subscribe failed: ${error.message}`);
      });
      this.pump();
    });
    client.on('message', (topic, payload) => this.receive(topic, payload));
    client.on('error', (error) => this.log(`mqtt publisher ${sensorId}: ${error.message}`));
    const seconds = this.options.heartbeatSeconds ?? 30;
    if (seconds > 0)
      this.heartbeat = this.clock.setInterval(() => this.sendStatus(this.clock.now()), seconds * 1000);
    const resendAfterMs = this.options.resendAfterMs ?? 60_000;
    this.resendTimer = this.clock.setInterval(() => this.resendStale(), Math.max(1000, resendAfterMs / 4));
  }

  async publishWindow(summary: WindowSummary): Promise<void> {
    const json = encodeWindow(summary);
    const topic = sensorTopic(this.options.scope, summary.sensorId, 'window');
    if (summary.purpose === 'positioning') {
      // Live positions are worth nothing late: QoS 0, no outbox, dropped while the broker is away,
      // so an outage never pushes counting windows out of the outbox.
      const client = this.client;
      if (client === undefined || !client.connected || this.stopping) {
        this.tally.transientDropped++;
        return;
      }
      client.publish(topic, wirePayload(json), { qos: 0 });
      this.tally.transient++;
      return;
    }
    const limit = this.options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
    const size = wirePayload(json).length;
    if (size > limit) {
      this.tally.oversized++;
      throw new RangeError(
        `window ${summary.windowStart} of ${summary.sensorId} is ${size} bytes on the wire, over the ${limit}-byte limit`,
      );
    }
    this.index(this.options.outbox.append(topic, json, String(summary.windowStart)));
    this.tally.windows++;
    this.pump();
  }

  async publishStatus(status: SensorStatus): Promise<void> {
    this.scanning = status.scanning;
    if (status.bleRestarts !== undefined) this.bleRestarts = status.bleRestarts;
    this.tally.statuses++;
    // Offline, MQTT.js keeps it and sends it first thing after reconnecting.
    this.sendStatus(status.at, true);
  }

  private index(entry: OutboxEntry): void {
    if (entry.key === undefined) return;
    const seqs = this.byWindow.get(entry.key);
    if (seqs === undefined) this.byWindow.set(entry.key, new Set([entry.seq]));
    else seqs.add(entry.seq);
  }

  private receive(topic: string, payload: Buffer): void {
    if (topic === this.ackTopic) {
      const ack = decodeAck(payload);
      if (!ack.ok)
        return this.log(`mqtt publisher ${this.options.sensorId}: bad acknowledgement: ${ack.message}`);
      const { windowStart, status, reason } = ack.value;
      // A window sent twice is acknowledged twice: only the first settles and counts.
      if (!this.settle(String(windowStart))) return;
      if (status === 'refused' || status === 'dead-letter') {
        this.tally.refusedByHub++;
        this.log(
          `the hub ${status === 'refused' ? 'refused' : 'set aside'} window ${windowStart}: ${reason ?? ''}`,
        );
      }
      return;
    }
    const hub = decodeHubStatus(payload);
    if (!hub.ok || !hub.value.online) return;
    // A hub that announces itself anew (restarted, or reconnected to a broker that lost
    // everything) may have missed what the broker took meanwhile: send that again. The same
    // announcement seen again (this sensor reconnected) changes nothing.
    const at = hub.value.at ?? Number.NaN;
    if (at === this.hubAnnouncedAt) return;
    this.hubAnnouncedAt = at;
    this.resend(() => true);
  }

  /** The hub has a window: it leaves the outbox. False when nothing waited for this acknowledgement. */
  private settle(key: string): boolean {
    const seqs = this.byWindow.get(key);
    if (seqs === undefined) return false;
    this.byWindow.delete(key);
    for (const seq of seqs) {
      this.delivered.delete(seq);
      if (this.options.outbox.ack(seq)) this.tally.acknowledged++;
    }
    this.drainWaiters.wake();
    return true;
  }

  private resendStale(): void {
    const before = this.clock.now() * 1000 - (this.options.resendAfterMs ?? 60_000);
    this.resend((sentAtMs) => sentAtMs <= before);
  }

  private resend(due: (sentAtMs: number) => boolean): void {
    let any = false;
    for (const [seq, sentAtMs] of this.delivered) {
      if (!due(sentAtMs)) continue;
      this.delivered.delete(seq);
      this.tally.resent++;
      any = true;
    }
    if (any) this.pump();
  }

  private sendStatus(at: number, evenOffline = false): void {
    const client = this.client;
    if (client === undefined || this.stopping || !(client.connected || evenOffline)) return;
    client.publish(
      this.statusTopic,
      encodeStatus({
        online: true,
        scanning: this.scanning,
        at,
        outboxDepth: this.options.outbox.depth,
        refused: this.tally.oversized + this.tally.refusedByHub,
        ...(this.bleRestarts === undefined ? {} : { bleRestarts: this.bleRestarts }),
      }),
      { qos: 1, retain: true },
    );
  }

  /** Sends pending outbox entries, oldest first, while the broker is there and the window allows. */
  private pump(): void {
    const client = this.client;
    if (client === undefined || !client.connected || this.stopping) return;
    const max = this.options.maxInFlight ?? 16;
    for (const entry of this.options.outbox.pending()) {
      if (this.inFlight.size >= max) break;
      if (this.inFlight.has(entry.seq) || this.delivered.has(entry.seq)) continue;
      this.inFlight.add(entry.seq);
      client.publish(entry.topic, wirePayload(entry.payload), { qos: 1 }, (error) => {
        this.inFlight.delete(entry.seq);
        if (error) {
          // Only a connection torn down for good fails a QoS 1 publish; the entry waits in the outbox.
          this.log(
            `mqtt publisher ${this.options.sensorId}: window not taken by the broker: ${error.message}`,
          );
        } else if (entry.key === undefined) {
          // Nothing names it in an acknowledgement: the broker's word is all there is.
          if (this.options.outbox.ack(entry.seq)) this.tally.acknowledged++;
        } else if (this.byWindow.get(entry.key)?.has(entry.seq)) {
          this.delivered.set(entry.seq, this.clock.now() * 1000);
        }
        this.pump();
      });
    }
  }

  /** Resolves once the hub has acknowledged every window queued so far, or rejects after `timeoutMs`. */
  drained(timeoutMs = 30_000): Promise<void> {
    return this.drainWaiters.wait(
      () => this.options.outbox.depth,
      timeoutMs,
      (n) => `outbox still holds ${n} windows after ${timeoutMs} ms`,
    );
  }

  async stop(): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    this.stopping = true;
    this.clock.clearInterval(this.heartbeat);
    this.clock.clearInterval(this.resendTimer);
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
    this.delivered.clear();
    this.byWindow.clear();
    this.hubAnnouncedAt = undefined;
    this.options.outbox.close();
  }
}
