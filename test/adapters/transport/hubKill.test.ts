import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresStore } from '../../../src/adapters/storage/postgres/postgresStore.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { MqttWindowPublisher } from '../../../src/adapters/transport/mqttPublisher.ts';
import { FileOutbox } from '../../../src/adapters/transport/outbox.ts';
import type { WindowSummary } from '../../../src/core/model.ts';
import { POSTGRES_URL, SchemaPool, SKIP_NO_POSTGRES } from '../storage/postgresSchemas.ts';
import { freePort, MosquittoProcess, SKIP_NO_MOSQUITTO } from './mosquittoProcess.ts';
import { syntheticWindow, waitFor } from './realWindows.ts';
import { storeSnapshot } from './storeSnapshot.ts';

const schemas = new SchemaPool();
after(() => schemas.dropAll());

function startHub(config: object): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'hubProcess.ts'), JSON.stringify(config)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`hub exited ${code} before it was ready`)));
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
  });
}

test(
  'fault: the hub is killed (SIGKILL) mid-stream and restarted: no window lost, none stored twice',
  { skip: SKIP_NO_POSTGRES || SKIP_NO_MOSQUITTO, timeout: 90_000 },
  async (t) => {
    const began = Date.now();
    const dir = mkdtempSync(join(tmpdir(), 'airtrace-hubkill-'));
    const broker = new MosquittoProcess(await freePort(), join(dir, 'broker'));
    await broker.start();
    const site = `kill-${randomBytes(4).toString('hex')}`;
    const schema = schemas.next();
    // Three connections sharing the window subscription: persistent sessions of a shared subscription must survive too.
    const hubConfig = {
      url: broker.url,
      site,
      clientId: `hub-${site}`,
      postgres: POSTGRES_URL,
      schema,
      connections: 3,
    };
    const db = new pg.Client({ connectionString: POSTGRES_URL });
    await db.connect();
    const stored = async () =>
      (await db.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM "${schema}".sensor_windows`)).rows[0]!.n;
    const sensors = ['north', 'south'].map(
      (id) =>
        new MqttWindowPublisher({
          broker: { url: broker.url, reconnectMs: 200 },
          scope: { site },
          sensorId: id,
          outbox: new FileOutbox({ dir: join(dir, `outbox-${id}`) }),
        }),
    );
    let hub: ChildProcess | undefined;
    try {
      hub = await startHub(hubConfig);
      await Promise.all(sensors.map((s) => s.start()));
      const sent: WindowSummary[] = [];
      // Two sensors, shared window starts and overlapping devices: the merge is part of the test.
      for (let i = 0; i < 120; i++) {
        sent.push(syntheticWindow('north', 60 * i, 80, i), syntheticWindow('south', 60 * i, 80, i + 40));
      }
      let killedAt: number | undefined;
      for (const [k, w] of sent.entries()) {
        await sensors[k % 2]!.publishWindow(w);
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (killedAt === undefined && (await stored()) >= 40) {
          hub.kill('SIGKILL');
          killedAt = await stored();
        }
      }
      assert.ok(killedAt !== undefined && killedAt < sent.length, `killed mid-stream (after ${killedAt})`);
      const beforeRestart = await stored();
      assert.ok(
        sensors.some((s) => s.counters.outboxDepth > 0),
        'with no hub to store them, windows wait in the outboxes (the broker taking them is not enough)',
      );
      hub = await startHub(hubConfig);
      t.diagnostic(
        `killed after ${killedAt} stored, ${beforeRestart} before the restart (${Date.now() - began} ms)`,
      );
      await Promise.all(sensors.map((s) => s.drained(40_000)));
      await waitFor('every window stored', async () => (await stored()) >= sent.length, 40_000);

      t.diagnostic(`all ${sent.length} stored after ${Date.now() - began} ms`);
      const reference = new SqliteStore(':memory:');
      for (const w of sent) await reference.writeWindow([w]);
      const store = await PostgresStore.open(POSTGRES_URL, { schema });
      assert.equal(await stored(), sent.length);
      assert.deepEqual(await storeSnapshot(store), await storeSnapshot(reference));
      await Promise.all([store.close(), reference.close()]);
    } finally {
      hub?.kill('SIGTERM');
      await Promise.all(sensors.map((s) => s.stop()));
      await db.end();
      await broker.stop();
    }
  },
);
