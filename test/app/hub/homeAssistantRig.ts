/**
 * What the Home Assistant tests share: a site of its own on the real Mosquitto (unique site id,
 * discovery prefix and ESPresense prefix, so runs never see each other's topics), an observer
 * that records every message as Home Assistant's MQTT integration would receive it, and a
 * reading of the few templates airtrace's configs use.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { validateConfig, type AirtraceConfig } from '../../../src/config/config.ts';
import type { ZoneCount, ZoneOccupancy } from '../../../src/app/hub/zoneOccupancy.ts';
import { MQTT_URL } from '../../adapters/transport/mosquittoProcess.ts';

export interface Seen {
  payload: string;
  retained: boolean;
  /** Messages on this topic so far. */
  count: number;
}

/** Records every message on the filters, as Home Assistant's MQTT client sees them. */
export class Observer {
  readonly seen = new Map<string, Seen>();
  private constructor(private readonly client: MqttClient) {}

  static async start(filters: string[]): Promise<Observer> {
    const client = await connectAsync(MQTT_URL, {
      clientId: `ha-observer-${randomBytes(4).toString('hex')}`,
    });
    const observer = new Observer(client);
    client.on('message', (topic, payload, packet) => {
      const before = observer.seen.get(topic)?.count ?? 0;
      observer.seen.set(topic, {
        payload: payload.toString('utf8'),
        retained: packet.retain,
        count: before + 1,
      });
    });
    if (filters.length > 0) await client.subscribeAsync(filters, { qos: 1 });
    return observer;
  }

  payload(topic: string): string | undefined {
    return this.seen.get(topic)?.payload;
  }

  json(topic: string): Record<string, unknown> {
    const text = this.payload(topic);
    if (text === undefined || text === '') throw new Error(`nothing on ${topic}`);
    return JSON.parse(text) as Record<string, unknown>;
  }

  topics(prefix: string): string[] {
    return [...this.seen.keys()].filter((t) => t.startsWith(prefix)).sort();
  }

  async publish(topic: string, payload: string, retain = false): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1, retain });
  }

  async stop(): Promise<void> {
    await this.client.endAsync();
  }
}

/** The retained messages under `filter` now, as a client that subscribes afresh gets them. */
export async function retainedNow(filter: string): Promise<Map<string, string>> {
  const observer = await Observer.start([filter]);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await observer.stop();
  return new Map([...observer.seen].filter(([, s]) => s.retained).map(([t, s]) => [t, s.payload]));
}

export async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The value Home Assistant reads from a state with one of the templates airtrace publishes:
 * `{{ value_json.x }}` and `{{ 'A' if value_json.x else 'B' }}` (a JSON null reads as `None`,
 * which Home Assistant takes for "unknown").
 */
export function renderTemplate(template: string, payload: string): string {
  const json = JSON.parse(payload) as Record<string, unknown>;
  const field = /^\{\{ value_json\.(\w+) \}\}$/.exec(template);
  if (field !== null) {
    const v = json[field[1]!];
    return v === null || v === undefined ? 'None' : String(v);
  }
  const choice = /^\{\{ '(\w+)' if value_json\.(\w+) else '(\w+)' \}\}$/.exec(template);
  if (choice !== null) return json[choice[2]!] ? choice[1]! : choice[3]!;
  throw new Error(`a template this reading does not know: ${template}`);
}

/** A zone list the test sets by hand, where the zones model will plug in. */
export class ZoneList implements ZoneOccupancy {
  private zones: ZoneCount[];
  private readonly listeners = new Set<() => void>();
  constructor(zones: ZoneCount[]) {
    this.zones = zones;
  }
  current(): readonly ZoneCount[] {
    return this.zones;
  }
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(zones: ZoneCount[]): void {
    this.zones = zones;
    for (const listener of this.listeners) listener();
  }
}

export interface HaSite {
  siteId: string;
  discoveryPrefix: string;
  espresensePrefix: string;
  dir: string;
  siteFile: string;
  config: AirtraceConfig;
}

export const SITE_KEY = 'b2'.repeat(32);

export const SITE_SENSORS = [
  { id: 'pi-entrance', label: 'Entrance', x: 1, y: 1, z: 2 },
  // A sensor named by its MAC, as probe logs name them: it must not reach a topic or an entity.
  { id: 'e4956e410ac2', x: 9, y: 1, z: 2 },
  { id: 'esp-kitchen', x: 5, y: 8, z: 2 },
];

/** A site with three sensors (one an ESPresense node) and Home Assistant discovery on. */
export function haSite(options: { sensors?: typeof SITE_SENSORS; espresense?: boolean } = {}): HaSite {
  const tag = randomBytes(4).toString('hex');
  const siteId = `venue_${tag}`;
  const discoveryPrefix = `ha-${tag}`;
  const espresensePrefix = `esp-${tag}`;
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-ha-'));
  const siteFile = join(dir, 'site.json');
  const sensors = options.sensors ?? SITE_SENSORS;
  const espresense = options.espresense ?? true;
  writeSiteFile(siteFile, sensors, espresense);
  const checked = validateConfig({
    site: { id: siteId, name: 'Main Venue', key: SITE_KEY },
    dataDir: join(dir, 'data'),
    hub: { db: join(dir, 'hub.db'), siteFile, http: { port: 0 } },
    mqtt: { url: MQTT_URL },
    homeAssistant: { enabled: true, discoveryPrefix },
    espresense: { enabled: espresense, topicPrefix: espresensePrefix },
  });
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  return { siteId, discoveryPrefix, espresensePrefix, dir, siteFile, config: checked.config };
}

export function writeSiteFile(path: string, sensors: typeof SITE_SENSORS, espresense: boolean): void {
  writeFileSync(
    path,
    JSON.stringify({
      sensors,
      bounds: [0, 0, 10, 10],
      ...(espresense && sensors.some((s) => s.id === 'esp-kitchen')
        ? { espresense: { rooms: { kitchen: 'esp-kitchen' } } }
        : {}),
    }),
  );
}
