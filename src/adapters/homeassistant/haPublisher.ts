import type { MqttClient } from 'mqtt';
import { systemClock, type Clock, type TimerHandle } from '../clock/clock.ts';
import {
  mqttClientOptions,
  mqttConnect,
  type MqttBrokerOptions,
  type MqttConnect,
} from '../transport/mqttBroker.ts';
import type { HaEntity } from './haEntities.ts';
import { availabilityTopic, discoveryFilter, type HaScope } from './haTopics.ts';

export interface HaPublisherOptions {
  broker: MqttBrokerOptions;
  clientId: string;
  scope: HaScope;
  /** Where Home Assistant announces itself (its birth message, `online`); default `<discoveryPrefix>/status`. */
  statusTopic?: string;
  /**
   * Configs of this node that earlier runs left retained and no entity of this run claims are
   * removed this long after connecting: long enough for sensors to be heard again first.
   */
  staleAfterMs: number;
  connect?: MqttConnect;
  clock?: Clock;
  log?: (line: string) => void;
}

export interface HaPublisherCounters {
  configsPublished: number;
  configsRemoved: number;
  statesPublished: number;
  /** Times Home Assistant said it was back and every config went out again. */
  republished: number;
}

interface Desired {
  json: string;
  ownStateTopics: readonly string[];
}

/**
 * airtrace's end of Home Assistant MQTT discovery. Keeps the broker's retained configs equal to
 * the entities it is given: new or changed ones are published, gone ones are removed with an
 * empty retained payload (their own state topics cleared too), and configs of this node left by
 * earlier runs that nothing claims any more are removed after `staleAfterMs`. States are retained
 * and remembered. When Home Assistant says `online` on its status topic (it restarted), every
 * config and then every state goes out again. The connection's last will marks everything
 * unavailable: `offline` on the availability topic, retained.
 */
export class HaPublisher {
  readonly counters: HaPublisherCounters = {
    configsPublished: 0,
    configsRemoved: 0,
    statesPublished: 0,
    republished: 0,
  };
  private client: MqttClient | undefined;
  private readonly desired = new Map<string, Desired>();
  private readonly states = new Map<string, string>();
  /** Config topics of this node the broker held retained when we subscribed. */
  private readonly retainedSeen = new Set<string>();
  /** Removals (configs and their states) that could not be sent yet: they go out on reconnecting. */
  private readonly pendingRemovals = new Set<string>();
  private staleTimer: TimerHandle | undefined;
  private stopping = false;
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private readonly statusTopic: string;
  private readonly availability: string;

  constructor(private readonly options: HaPublisherOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? (() => {});
    this.statusTopic = options.statusTopic ?? `${options.scope.discoveryPrefix}/status`;
    this.availability = availabilityTopic(options.scope);
  }

  /** Resolves once connected, announced online and subscribed. */
  async start(): Promise<void> {
    if (this.client !== undefined) return;
    this.stopping = false;
    const client = (this.options.connect ?? mqttConnect)(
      this.options.broker.url,
      mqttClientOptions(this.options.broker, {
        clientId: this.options.clientId,
        clean: true,
        will: { topic: this.availability, payload: 'offline', qos: 1, retain: true },
      }),
    );
    this.client = client;
    client.on('error', (error) => this.log(`Home Assistant: ${error.message}`));
    client.on('message', (topic, payload, packet) => this.receive(topic, payload, packet.retain));
    await new Promise<void>((resolve) => {
      client.on('connect', () => {
        client.publish(this.availability, 'online', { qos: 1, retain: true });
        client.subscribe([this.statusTopic, discoveryFilter(this.options.scope)], { qos: 1 }, (error) => {
          if (error) {
            this.log(`Home Assistant: subscribe failed: ${error.message}`);
            return;
          }
          // Retained configs arrive right after the subscription; the broker may have lost ours.
          this.republish(false);
          resolve();
        });
      });
    });
    this.staleTimer = this.clock.setTimeout(() => this.removeStale(), this.options.staleAfterMs);
  }

  /** Says offline (as the last will would) and disconnects; the configs stay retained. */
  async stop(): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    this.stopping = true;
    this.clock.clearTimeout(this.staleTimer);
    if (client.connected)
      await client.publishAsync(this.availability, 'offline', { qos: 1, retain: true }).catch(() => {});
    await client.endAsync(!client.connected).catch(() => {});
    this.client = undefined;
  }

  /** The entities there should be now: publishes what is new or changed, removes what is gone. */
  setEntities(entities: readonly HaEntity[]): void {
    const next = new Map(
      entities.map((e) => [e.topic, { json: JSON.stringify(e.config), ownStateTopics: e.ownStateTopics }]),
    );
    for (const [topic, old] of this.desired) {
      if (next.has(topic)) continue;
      this.desired.delete(topic);
      this.remove(topic, old.ownStateTopics);
    }
    for (const [topic, entry] of next) {
      if (this.desired.get(topic)?.json === entry.json) continue;
      this.desired.set(topic, entry);
      this.publishConfig(topic, entry.json);
    }
  }

  /** A retained state; sent again whenever Home Assistant comes back. */
  setState(topic: string, payload: string): void {
    if (this.states.get(topic) === payload) return;
    this.states.set(topic, payload);
    this.pendingRemovals.delete(topic);
    if (this.send(topic, payload)) this.counters.statesPublished++;
  }

  /** The config topics published now, for a look from outside. */
  get entityTopics(): string[] {
    return [...this.desired.keys()];
  }

  private receive(topic: string, payload: Buffer, retained: boolean): void {
    if (topic === this.statusTopic) {
      if (payload.toString('utf8').trim() === 'online') this.republish(true);
      return;
    }
    if (retained && payload.length > 0) this.retainedSeen.add(topic);
  }

  private republish(homeAssistantAsked: boolean): void {
    if (homeAssistantAsked) {
      this.counters.republished++;
      this.log('Home Assistant came online: discovery configs and states sent again');
    }
    for (const topic of [...this.pendingRemovals])
      if (this.send(topic, '')) this.pendingRemovals.delete(topic);
    for (const [topic, entry] of this.desired) this.publishConfig(topic, entry.json);
    for (const [topic, payload] of this.states)
      if (this.send(topic, payload)) this.counters.statesPublished++;
  }

  private removeStale(): void {
    this.staleTimer = undefined;
    for (const topic of this.retainedSeen) if (!this.desired.has(topic)) this.remove(topic, []);
    this.retainedSeen.clear();
  }

  private publishConfig(topic: string, json: string): void {
    this.pendingRemovals.delete(topic);
    if (this.send(topic, json)) this.counters.configsPublished++;
  }

  /** An empty retained payload deletes the entity in Home Assistant and the config on the broker. */
  private remove(topic: string, ownStateTopics: readonly string[]): void {
    if (this.send(topic, '')) {
      this.counters.configsRemoved++;
      this.pendingRemovals.delete(topic);
    } else this.pendingRemovals.add(topic);
    for (const state of ownStateTopics) {
      this.states.delete(state);
      if (!this.send(state, '')) this.pendingRemovals.add(state);
    }
  }

  /** Sends when connected; what is missed goes out with the republish on the next connection. */
  private send(topic: string, payload: string): boolean {
    const client = this.client;
    if (client === undefined || !client.connected || this.stopping) return false;
    client.publish(topic, payload, { qos: 1, retain: true });
    return true;
  }
}
