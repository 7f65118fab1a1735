import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresStore } from '../../../src/adapters/storage/postgres/postgresStore.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { MqttWindowPublisher } from '../../../src/adapters/transport/mqttPublisher.ts';
import { MqttWindowSubscriber } from '../../../src/adapters/transport/mqttSubscriber.ts';
import { FileOutbox } from '../../../src/adapters/transport/outbox.ts';
import type { WindowSummary } from '../../../src/core/model.ts';
import { POSTGRES_URL, SchemaPool, SKIP_NO_POSTGRES } from '../storage/postgresSchemas.ts';
import { ingestInto } from './hubPipeline.ts';
import { freePort, MosquittoProcess, SKIP_NO_MOSQUITTO } from './mosquittoProcess.ts';
import { syntheticWindow, waitFor } from './realWindows.ts';
import { storeSnapshot } from './storeSnapshot.ts';

const OUTAGE_SECONDS = Number(process.env['AIRTRACE_OUTAGE_SECONDS'] ?? 30);
const schemas = new SchemaPool();
after(() => schemas.dropAll());

test(
  `fault: the broker stops for ${OUTAGE_SECONDS} s mid-stream and comes back: zero windows lost, zero duplicated`,
  { skip: SKIP_NO_POSTGRES || SKIP_NO_MOSQUITTO, timeout: (OUTAGE_SECONDS + 60) * 1000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'airtrace-outage-'));
    const broker = new MosquittoProcess(await freePort(), join(dir, 'broker'));
    await broker.start();
    const site = `outage-${randomBytes(4).toString('hex')}`;
    const schema = schemas.next();
    const store = await PostgresStore.open(POSTGRES_URL, { schema });
    const hub = new MqttWindowSubscriber({
      broker: { url: broker.url, reconnectMs: 250 },
      scope: { site },
      clientId: `hub-${site}`,
    });
    const ingest = ingestInto(hub, store);
    const sensor = new MqttWindowPublisher({
      broker: { url: broker.url, reconnectMs: 250 },
      scope: { site },
      sensorId: 'pi',
      outbox: new FileOutbox({ dir: join(dir, 'outbox') }),
    });
    const sent: WindowSummary[] = [];
    const publishFor = async (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const i = sent.length;
        const w = syntheticWindow('pi', 60 * i, 40, i);
        sent.push(w);
        await sensor.publishWindow(w);
        await sleep(100);
      }
    };
    const storedWindows = async () => (await store.totals()).windows;
    try {
      await hub.start();
      await sensor.start();
      await publishFor(2000);
      await waitFor('windows stored before the outage', async () => (await storedWindows()) > 0);

      await broker.stop('SIGTERM');
      const before = sent.length;
      await publishFor(OUTAGE_SECONDS * 1000);
      const during = sent.length - before;
      // Everything queued while the broker was away is waiting in the outbox.
      assert.ok(sensor.counters.outboxDepth >= during, `outbox ${sensor.counters.outboxDepth} >= ${during}`);
      assert.equal(sensor.connected, false);

      await broker.start();
      await publishFor(2000);
      await sensor.drained(30_000);
      await waitFor('every window stored', async () => (await storedWindows()) >= sent.length, 30_000);
      await ingest.flush();
      t.diagnostic(
        `${sent.length} windows, ${during} during the outage; hub: ${ingest.counters.stored} stored, ` +
          `${ingest.counters.duplicates} redelivered copies ignored; connects: sensor ${sensor.counters.connects}, hub ${hub.counters.connects}`,
      );

      assert.equal(ingest.counters.stored, sent.length, 'zero lost, zero stored twice');
      assert.equal(sensor.counters.outboxDepth, 0);
      assert.ok(sensor.counters.connects >= 2 && hub.counters.connects >= 2);
      const reference = new SqliteStore(':memory:');
      for (const w of sent) await reference.writeWindow([w]);
      assert.deepEqual(await storeSnapshot(store), await storeSnapshot(reference));
      await reference.close();
    } finally {
      await sensor.stop();
      await hub.stop();
      await store.close();
      await broker.stop();
    }
  },
);
