import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, connectAsync, type MqttClient } from 'mqtt';
import { PostgresStore } from '../../../src/adapters/storage/postgres/postgresStore.ts';
import type { TransportStatus } from '../../../src/adapters/transport/transport.ts';
import { encodeWindow, MAX_MESSAGE_BYTES } from '../../../src/adapters/transport/windowCodec.ts';
import type { WindowSummary } from '../../../src/core/model.ts';
import { hasCommand } from '../../helpers/paths.ts';
import { POSTGRES_URL, SchemaPool, SKIP_NO_POSTGRES } from '../storage/postgresSchemas.ts';
import { ingestInto } from './hubPipeline.ts';
import { syntheticWindow, waitFor } from './realWindows.ts';
import { MqttWindowPublisher } from '../../../src/adapters/transport/mqttPublisher.ts';
import { MqttWindowSubscriber } from '../../../src/adapters/transport/mqttSubscriber.ts';
import { FileOutbox } from '../../../src/adapters/transport/outbox.ts';
import { sensorTopic } from '../../../src/adapters/transport/topics.ts';
import { freePort, MosquittoProcess, MQTT_URL, SKIP_NO_MOSQUITTO, SKIP_NO_MQTT } from './mosquittoProcess.ts';
import { mqttHarness } from './mqttHarness.ts';
import { transportContract } from './transportContract.ts';

transportContract('MQTT (Mosquitto)', async () => mqttHarness(MQTT_URL), SKIP_NO_MQTT);

const schemas = new SchemaPool();
after(() => schemas.dropAll());

test(
  'MQTT: malformed and oversized messages are rejected and counted, and the hub keeps ingesting',
  { skip: SKIP_NO_MQTT || SKIP_NO_POSTGRES },
  async () => {
    const harness = mqttHarness(MQTT_URL);
    const store = await PostgresStore.open(POSTGRES_URL, { schema: schemas.next() });
    const hub = harness.subscriber();
    const ingest = ingestInto(hub, store);
    const raw = await connectAsync(MQTT_URL, { reconnectPeriod: 0 });
    const topic = (sensor: string) => sensorTopic({ site: harness.site }, sensor, 'window');
    try {
      await hub.start();
      const valid = (start: number) => encodeWindow(syntheticWindow('pi', start, 5));
      await raw.publishAsync(topic('pi'), valid(0), { qos: 1 });
      const bad: [string, string | Buffer][] = [
        ['bad-json', '{"schema":1,"window":{'],
        ['bad-utf8', Buffer.from([0x7b, 0xc3, 0x28, 0x7d])],
        ['schema-version', JSON.stringify({ schema: 99, window: syntheticWindow('pi', 60, 1) })],
        ['invalid', JSON.stringify({ schema: 1, window: { sensorId: 'pi' } })],
        ['oversized', Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20)],
        ['sensor-mismatch', encodeWindow(syntheticWindow('someone-else', 60, 1))],
        ['empty', ''],
      ];
      for (const [, payload] of bad) await raw.publishAsync(topic('pi'), payload, { qos: 1 });
      await raw.publishAsync(topic('pi'), valid(120), { qos: 1 });
      await waitFor('the valid window after the bad ones', async () => (await store.totals()).windows === 2);
      assert.deepEqual(
        (await store.windows(0, 1e9)).map((w) => w.windowStart),
        [0, 120],
      );
      assert.deepEqual(hub.counters.rejected, Object.fromEntries(bad.map(([reason]) => [reason, 1])));
      assert.equal(hub.counters.windows, 2);
      assert.equal(ingest.counters.stored, 2);
    } finally {
      await raw.endAsync();
      await hub.stop();
      await store.close();
      await harness.close();
    }
  },
);

test(
  'MQTT: a sensor whose connection dies is reported offline by its last will, and the status stays retained',
  { skip: SKIP_NO_MQTT },
  async () => {
    const harness = mqttHarness(MQTT_URL);
    const hub = harness.subscriber();
    const statuses: TransportStatus[] = [];
    hub.onStatus((s) => {
      statuses.push(s);
    });
    let sensorClient: MqttClient | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'airtrace-will-'));
    const sensor = new MqttWindowPublisher({
      broker: { url: MQTT_URL },
      scope: { site: harness.site },
      sensorId: 'doomed',
      outbox: new FileOutbox({ dir }),
      connect: (url, options) => (sensorClient = connect(url, options)),
    });
    const late = new MqttWindowSubscriber({
      broker: { url: MQTT_URL },
      scope: { site: harness.site },
      clientId: `late-${harness.site}`,
      persistentSession: false,
    });
    try {
      await hub.start();
      await sensor.start();
      await sensor.publishStatus({ sensorId: 'doomed', scanning: true, at: 100 });
      await waitFor('online', () => statuses.some((s) => s.online && s.scanning));
      sensorClient!.end(true); // no DISCONNECT: to the broker this is a crash
      await waitFor('the last will', () => statuses.at(-1)?.online === false);
      assert.deepEqual(statuses.at(-1), {
        sensorId: 'doomed',
        online: false,
        scanning: false,
        at: statuses.at(-1)!.at,
      });
      // A hub that starts later still learns it from the retained status.
      const lateStatuses: TransportStatus[] = [];
      late.onStatus((s) => {
        lateStatuses.push(s);
      });
      await late.start();
      await waitFor('the retained status', () => lateStatuses.length > 0);
      assert.equal(lateStatuses[0]!.online, false);
    } finally {
      await late.stop();
      await sensor.stop();
      await hub.stop();
      harness.track('doomed');
      await harness.close();
    }
  },
);

test(
  'MQTT: windows queued while the broker was unreachable leave the outbox after a sensor restart',
  { skip: SKIP_NO_MQTT },
  async () => {
    const harness = mqttHarness(MQTT_URL);
    const hub = harness.subscriber();
    const got: WindowSummary[] = [];
    hub.onWindow((w) => {
      got.push(w);
    });
    const dir = mkdtempSync(join(tmpdir(), 'airtrace-restart-'));
    const offline = new MqttWindowPublisher({
      broker: { url: `mqtt://127.0.0.1:${await freePort()}`, reconnectMs: 100 },
      scope: { site: harness.site },
      sensorId: 'pi',
      outbox: new FileOutbox({ dir }),
    });
    const sent = [0, 60, 120].map((start) => syntheticWindow('pi', start, 3));
    await offline.start();
    for (const w of sent) await offline.publishWindow(w);
    assert.equal(offline.counters.outboxDepth, 3);
    await offline.stop();

    harness.track('pi');
    const online = new MqttWindowPublisher({
      broker: { url: MQTT_URL },
      scope: { site: harness.site },
      sensorId: 'pi',
      outbox: new FileOutbox({ dir }),
    });
    try {
      await hub.start();
      await online.start();
      assert.equal(online.counters.outboxDepth, 3);
      await online.drained(10_000);
      await waitFor('the queued windows', () => got.length >= 3);
      assert.deepEqual(got, sent);
    } finally {
      await online.stop();
      await hub.stop();
      await harness.close();
    }
  },
);

test(
  'MQTT: with a persistent session, a window whose handler failed is delivered again',
  { skip: SKIP_NO_MQTT },
  async () => {
    const harness = mqttHarness(MQTT_URL);
    const clientId = `hub-redeliver-${harness.site}`;
    const hub = new MqttWindowSubscriber({
      broker: { url: MQTT_URL, reconnectMs: 100 },
      scope: { site: harness.site },
      clientId,
      retryDelayMs: 50,
    });
    const deliveries: number[] = [];
    hub.onWindow((w) => {
      deliveries.push(w.windowStart);
      if (w.windowStart === 60 && deliveries.filter((s) => s === 60).length === 1)
        throw new Error('database away');
    });
    const sensor = harness.publisher('pi');
    try {
      await hub.start();
      await sensor.start();
      for (const start of [0, 60, 120]) await sensor.publishWindow(syntheticWindow('pi', start, 2));
      await waitFor('the failed window again', () => deliveries.filter((s) => s === 60).length === 2);
      await waitFor('the others', () => deliveries.includes(0) && deliveries.includes(120));
      assert.equal(hub.counters.handlerFailures, 1);
      assert.ok(hub.counters.connects >= 2);
    } finally {
      await sensor.stop();
      await hub.stop();
      // Leave no session behind on the shared broker.
      const cleaner = await connectAsync(MQTT_URL, { clientId, clean: true, reconnectPeriod: 0 });
      await cleaner.endAsync();
      await harness.close();
    }
  },
);

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

const SKIP_NO_TLS_TOOLS =
  SKIP_NO_MOSQUITTO ||
  (hasCommand('openssl') && hasCommand('mosquitto_passwd') ? false : 'needs openssl and mosquitto_passwd');

test('MQTT: TLS with a private CA and a username and password', { skip: SKIP_NO_TLS_TOOLS }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-tls-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '1',
      '-subj',
      '/CN=airtrace test CA',
    ],
    dir,
  );
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '1',
      '-extfile',
      'san.ext',
    ],
    dir,
  );
  execFileSync('mosquitto_passwd', ['-b', '-c', join(dir, 'passwd'), 'sensor', 's3cret'], {
    stdio: 'ignore',
  });
  const broker = new MosquittoProcess(await freePort(), join(dir, 'broker'), [
    `cafile ${join(dir, 'ca.crt')}`,
    `certfile ${join(dir, 'server.crt')}`,
    `keyfile ${join(dir, 'server.key')}`,
    'allow_anonymous false',
    `password_file ${join(dir, 'passwd')}`,
  ]);
  await broker.start();
  const ca = readFileSync(join(dir, 'ca.crt'));
  const url = `mqtts://localhost:${broker.port}`;
  const site = 'tls';
  const hub = new MqttWindowSubscriber({
    broker: { url, username: 'sensor', password: 's3cret', tls: { ca } },
    scope: { site },
    clientId: 'tls-hub',
    persistentSession: false,
  });
  const got: WindowSummary[] = [];
  hub.onWindow((w) => {
    got.push(w);
  });
  const sensor = new MqttWindowPublisher({
    broker: { url, username: 'sensor', password: 's3cret', tls: { ca } },
    scope: { site },
    sensorId: 'pi',
    outbox: new FileOutbox({ dir: join(dir, 'outbox') }),
  });
  const intruder = new MqttWindowPublisher({
    broker: { url, username: 'sensor', password: 'wrong', tls: { ca }, reconnectMs: 100 },
    scope: { site },
    sensorId: 'intruder',
    outbox: new FileOutbox({ dir: join(dir, 'outbox-intruder') }),
  });
  const untrusting = new MqttWindowPublisher({
    broker: { url, username: 'sensor', password: 's3cret', reconnectMs: 100 },
    scope: { site },
    sensorId: 'no-ca',
    outbox: new FileOutbox({ dir: join(dir, 'outbox-no-ca') }),
  });
  try {
    await hub.start();
    await Promise.all([sensor.start(), intruder.start(), untrusting.start()]);
    const w = syntheticWindow('pi', 0, 3);
    await sensor.publishWindow(w);
    await intruder.publishWindow(syntheticWindow('intruder', 0, 3));
    await untrusting.publishWindow(syntheticWindow('no-ca', 0, 3));
    await sensor.drained(5000);
    await waitFor('the window over TLS', () => got.length === 1);
    assert.deepEqual(got, [w]);
    await sleep(500);
    // A wrong password or an unknown CA never connects; those windows wait in their outboxes.
    assert.equal(intruder.counters.connects, 0);
    assert.equal(intruder.counters.outboxDepth, 1);
    assert.equal(untrusting.counters.connects, 0);
    assert.equal(got.length, 1);
  } finally {
    await Promise.all([sensor.stop(), intruder.stop(), untrusting.stop()]);
    await hub.stop();
    await broker.stop();
  }
});

/** A 2 s positioning window whose devices were heard inside it. */
function positioningWindow(sensorId: string, start: number): WindowSummary {
  const w = syntheticWindow(sensorId, start, 3);
  return {
    ...w,
    windowEnd: start + 2,
    purpose: 'positioning',
    devices: w.devices.map((d) => ({ ...d, firstSeen: start, lastSeen: start + 1 })),
  };
}

test(
  'MQTT: positioning windows go out at QoS 0 past the outbox, and are dropped, not queued, while offline',
  { skip: SKIP_NO_MQTT },
  async () => {
    const harness = mqttHarness(MQTT_URL);
    const hub = harness.subscriber();
    const publisher = harness.publisher('pi-pos');
    const received: WindowSummary[] = [];
    hub.onWindow((w) => void received.push(w));
    try {
      await hub.start();
      await publisher.publishWindow(positioningWindow('pi-pos', 2));
      assert.equal(publisher.counters.transientDropped, 1, 'not connected yet: dropped');
      await publisher.start();
      await waitFor('the publisher to connect', async () => publisher.counters.connects > 0);
      await publisher.publishWindow(positioningWindow('pi-pos', 4));
      await waitFor('the positioning window', async () => received.length === 1);
      assert.equal(received[0]!.purpose, 'positioning');
      assert.equal(publisher.counters.outboxDepth, 0, 'never in the outbox');
      assert.equal(publisher.counters.transient, 1);
    } finally {
      await publisher.stop();
      await hub.stop();
      await harness.close();
    }
  },
);
