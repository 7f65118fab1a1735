import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { PostgresStore } from '../src/adapters/storage/postgres/postgresStore.ts';
import { SqliteStore } from '../src/adapters/storage/sqlite/sqliteStore.ts';
import type { Store } from '../src/adapters/storage/store.ts';
import { MqttWindowPublisher } from '../src/adapters/transport/mqttPublisher.ts';
import { MqttWindowSubscriber } from '../src/adapters/transport/mqttSubscriber.ts';
import { FileOutbox } from '../src/adapters/transport/outbox.ts';
import { WindowStorage } from '../src/app/hub/windowStorage.ts';
import type { DeviceWindow, WindowSummary } from '../src/core/model.ts';
import type { BenchResult } from './result.ts';

const SENSORS = 50;
const DEVICES_PER_WINDOW = 200;
const WINDOWS_PER_SENSOR = 12;
const HUB_CONNECTIONS = Number(process.env['AIRTRACE_BENCH_HUB_CONNECTIONS'] ?? 4);
const POSTGRES_URL = process.env['AIRTRACE_BENCH_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Sensor k hears devices of its own neighbourhood, which overlaps its neighbours': hub merges are real. */
function sensorWindow(sensor: number, index: number): WindowSummary {
  const windowStart = 1_700_000_000 + 60 * index;
  const devices: DeviceWindow[] = [];
  for (let j = 0; j < DEVICES_PER_WINDOW; j++) {
    const n = sensor * 100 + ((index * 37 + j * 7) % 400);
    const frames = 1 + (n % 9);
    const mean = -55 - (n % 35);
    devices.push({
      deviceId: n.toString(16).padStart(32, '0'),
      medium: n % 5 === 0 ? 'ble' : 'wifi',
      randomized: n % 3 !== 0,
      vendor: n % 3 !== 0 ? 'randomized' : 'Apple, Inc.',
      frames,
      rssi: { count: frames, mean, std: frames > 1 ? 2.1 : 0, min: mean - 4, max: mean + 3 },
      ssids: n % 4 === 0 ? [`SSID_${n % 97}`] : [],
      frameTypes: { 'probe-req': frames },
      ieFingerprints: [`${(n % 13).toString(16).padStart(16, 'a')}`],
      channels: [1 + (n % 11)],
      firstSeen: windowStart + (n % 30),
      lastSeen: windowStart + 30 + (n % 29),
      seqFirst: n % 4096,
      seqLast: (n + frames) % 4096,
    });
  }
  return {
    schema: 1,
    sensorId: `sensor-${String(sensor).padStart(2, '0')}`,
    windowStart,
    windowEnd: windowStart + 60,
    frames: devices.reduce((a, d) => a + d.frames, 0),
    framesWithRssi: devices.reduce((a, d) => a + d.frames, 0),
    devices,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** A broker of the bench's own: its queue must hold a whole burst (Mosquitto drops QoS 1 beyond 1,000 by default). */
async function startBroker(dir: string): Promise<{ url: string; child: ChildProcess } | undefined> {
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(
    config,
    [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'max_queued_messages 0', 'log_dest none', ''].join(
      '\n',
    ),
  );
  const child = spawn('mosquitto', ['-c', config], { stdio: 'ignore' });
  const failed = new Promise<boolean>((resolve) => child.once('error', () => resolve(true)));
  for (let i = 0; i < 200; i++) {
    if (await listening(port)) return { url: `mqtt://127.0.0.1:${port}`, child };
    if (child.exitCode !== null || (await Promise.race([failed, sleep(25).then(() => false)])))
      return undefined;
  }
  child.kill();
  return undefined;
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`hub ingest did not finish within ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** 50 sensors publish over MQTT; the hub stores each window before it acknowledges it. */
async function overMqtt(url: string, store: Store, windows: WindowSummary[][], dir: string, tag: string) {
  const site = `bench-${tag}-${process.pid}`;
  const hub = new MqttWindowSubscriber({
    broker: { url },
    scope: { site },
    clientId: `hub-${site}`,
    persistentSession: false,
    // Several windows in hand at once, so those of one minute are written together.
    connections: HUB_CONNECTIONS,
  });
  const ingest = new WindowStorage(store);
  hub.onWindow((summary) => ingest.store(summary));
  await hub.start();
  const sensors = Array.from(
    { length: SENSORS },
    (_, k) =>
      new MqttWindowPublisher({
        broker: { url },
        scope: { site },
        sensorId: windows[0]![k]!.sensorId,
        // A load generator: the sensors' fsyncs are not what this measures.
        outbox: new FileOutbox({ dir: join(dir, tag, String(k)), sync: false }),
        heartbeatSeconds: 0,
      }),
  );
  await Promise.all(sensors.map((s) => s.start()));
  await waitUntil(() => sensors.every((s) => s.connected), 10_000);
  const total = windows.reduce((a, round) => a + round.length, 0);
  const started = performance.now();
  // As in a venue: every sensor closes the same minute at about the same time, and the hub
  // has that burst stored before the next minute's arrives.
  let expected = 0;
  for (const round of windows) {
    for (const [k, w] of round.entries()) await sensors[k]!.publishWindow(w);
    expected += round.length;
    await waitUntil(() => ingest.counters.stored + ingest.counters.duplicates >= expected, 300_000);
  }
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(sensors.map((s) => s.stop()));
  await hub.stop();
  if (ingest.counters.stored !== total)
    throw new Error(`stored ${ingest.counters.stored} of ${total} windows`);
  return total / seconds;
}

/** The same windows handed to WindowStorage in one process: parts of one window start share a transaction. */
async function direct(store: Store, windows: WindowSummary[][]): Promise<number> {
  const ingest = new WindowStorage(store);
  const total = windows.reduce((a, round) => a + round.length, 0);
  const started = performance.now();
  for (const round of windows) await Promise.all(round.map((w) => ingest.store(w)));
  const seconds = (performance.now() - started) / 1000;
  if (ingest.counters.stored !== total)
    throw new Error(`stored ${ingest.counters.stored} of ${total} windows`);
  return total / seconds;
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

/**
 * Windows per second the hub ingests from MQTT (50 simulated sensors, 200 devices a window),
 * into PostgreSQL and into SQLite, measured in the same run; plus the same windows written
 * without a transport, where one transaction takes the parts of all sensors.
 */
export async function benchHubIngest(outDir: string, log: (line: string) => void): Promise<BenchResult[]> {
  const dir = join(outDir, `hub-ingest-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const broker = await startBroker(join(dir, 'broker'));
  if (broker === undefined) {
    log('mosquitto is not installed: hub ingest benchmark skipped');
    return [];
  }
  const hasPostgres = await postgresReachable();
  if (!hasPostgres) log(`no PostgreSQL at ${POSTGRES_URL}: PostgreSQL figures skipped`);
  const round = (index: number) => Array.from({ length: SENSORS }, (_, k) => sensorWindow(k, index));
  const warmUp = [round(1000)];
  const windows = Array.from({ length: WINDOWS_PER_SENSOR }, (_, i) => round(i));
  const total = SENSORS * WINDOWS_PER_SENSOR;
  log(
    `${SENSORS} sensors x ${WINDOWS_PER_SENSOR} windows x ${DEVICES_PER_WINDOW} devices = ${total} sensor windows`,
  );

  const figures: Record<string, number | undefined> = {};
  const run = async (name: string, open: () => Promise<Store>, work: (store: Store) => Promise<number>) => {
    const store = await open();
    try {
      figures[name] = await work(store);
      log(`${name}: ${figures[name]!.toFixed(1)} windows/s`);
    } finally {
      await store.close();
    }
  };
  const sqlite = (name: string) => async () => {
    rmSync(join(dir, `${name}.db`), { force: true });
    return new SqliteStore(join(dir, `${name}.db`));
  };
  const schemas: string[] = [];
  const postgres = (name: string) => () => {
    const schema = `airtrace_bench_${name}_${process.pid}`;
    schemas.push(schema);
    return PostgresStore.open(POSTGRES_URL, { schema });
  };
  try {
    await run('mqtt-sqlite', sqlite('mqtt'), async (store) => {
      await overMqtt(broker.url, store, warmUp, dir, 'warm-sqlite');
      return overMqtt(broker.url, store, windows, dir, 'sqlite');
    });
    await run('direct-sqlite', sqlite('direct'), async (store) => {
      await direct(store, warmUp);
      return direct(store, windows);
    });
    if (hasPostgres) {
      await run('mqtt-postgres', postgres('mqtt'), async (store) => {
        await overMqtt(broker.url, store, warmUp, dir, 'warm-postgres');
        return overMqtt(broker.url, store, windows, dir, 'postgres');
      });
      await run('direct-postgres', postgres('direct'), async (store) => {
        await direct(store, warmUp);
        return direct(store, windows);
      });
    }
  } finally {
    broker.child.kill();
    for (const schema of schemas) await dropSchema(schema).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }

  const label = `${SENSORS} sensors x ${DEVICES_PER_WINDOW} devices`;
  const results: BenchResult[] = [];
  if (figures['mqtt-postgres'] !== undefined) {
    results.push({
      name: `hub ingest: MQTT -> PostgreSQL (${label})`,
      value: figures['mqtt-postgres'],
      unit: 'windows/s',
      reference: figures['mqtt-sqlite'],
      referenceName: 'MQTT -> SQLite',
    });
  }
  results.push({
    name: `hub ingest: MQTT -> SQLite (${label})`,
    value: figures['mqtt-sqlite']!,
    unit: 'windows/s',
    reference: figures['direct-sqlite'],
    referenceName: 'in-process -> SQLite, all sensors of a window in one transaction',
  });
  if (figures['direct-postgres'] !== undefined) {
    results.push({
      name: `hub ingest: in-process -> PostgreSQL, all sensors of a window in one transaction (${label})`,
      value: figures['direct-postgres'],
      unit: 'windows/s',
      reference: figures['direct-sqlite'],
      referenceName: 'in-process -> SQLite',
    });
  }
  return results;
}
