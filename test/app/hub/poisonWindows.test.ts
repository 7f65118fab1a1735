/**
 * Windows no store can take must not wedge a hub: through real Mosquitto and real PostgreSQL, a
 * window out of range is refused at the boundary, one that fails in the database the same way
 * every time is set aside as a dead letter, and both leave their sensor's outbox while the
 * windows after them are stored as usual.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Hub } from '../../../src/app/hub/hub.ts';
import { PostgresStore } from '../../../src/adapters/storage/postgres/postgresStore.ts';
import { mqttHarness } from '../../adapters/transport/mqttHarness.ts';
import { MQTT_URL, SKIP_NO_MQTT } from '../../adapters/transport/mosquittoProcess.ts';
import { syntheticWindow, waitFor } from '../../adapters/transport/realWindows.ts';
import { POSTGRES_URL, SchemaPool, SKIP_NO_POSTGRES } from '../../adapters/storage/postgresSchemas.ts';

const schemas = new SchemaPool();
after(() => schemas.dropAll());

test(
  'a poison window becomes a dead letter and an out-of-range one is refused: both acknowledged, the rest stored',
  { skip: SKIP_NO_MQTT || SKIP_NO_POSTGRES, timeout: 60_000 },
  async () => {
    const schema = schemas.next();
    const store = await PostgresStore.open(POSTGRES_URL, { schema });
    // A fault nobody foresaw: the database refuses this one device, every time.
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    const t0 = Math.floor(Date.now() / 60_000) * 60 - 3600;
    const poison = syntheticWindow('pi', t0 + 60, 3, 1000); // devices no other window has
    const poisonId = poison.devices[1]!.deviceId;
    await admin.query(
      `ALTER TABLE "${schema}".sightings ADD CONSTRAINT unforeseen CHECK (device_id <> '${poisonId}')`,
    );
    const harness = mqttHarness(MQTT_URL);
    const logs: string[] = [];
    const hub = new Hub({
      store,
      subscriber: harness.subscriber(),
      siteName: 'poison',
      windowSeconds: 60,
      ratio: 0.7,
      exportDir: '/tmp',
      log: (line) => logs.push(line),
    });
    const sensor = harness.publisher('pi');
    try {
      await hub.start();
      await sensor.start();
      const outOfRange = { ...syntheticWindow('pi', t0 + 120, 3), frames: 2 ** 31 };
      const good = [syntheticWindow('pi', t0, 3), syntheticWindow('pi', t0 + 180, 3)];
      for (const w of [good[0]!, poison, outOfRange, good[1]!]) await sensor.publishWindow(w);
      await sensor.drained(30_000);

      assert.equal(sensor.counters.outboxDepth, 0, 'nothing is stuck in the outbox');
      assert.equal(
        sensor.counters.refusedByHub,
        2,
        `the sensor learns both were not stored: ${logs.join(' / ')}`,
      );
      const letters = await store.deadLetters();
      assert.equal(letters.length, 1);
      assert.equal(letters[0]!.windowStart, poison.windowStart);
      assert.match(letters[0]!.reason, /unforeseen/);
      assert.deepEqual(
        (await store.windows(0, 1e12)).map((w) => w.windowStart),
        good.map((w) => w.windowStart),
      );
      const metrics = hub.metrics();
      const value = (name: string) => metrics.filter((m) => m.name === name).reduce((a, m) => a + m.value, 0);
      assert.equal(value('airtrace_windows_dead_letter_total'), 1);
      assert.equal(value('airtrace_transport_messages_rejected_total'), 1, 'the out-of-range window');
      assert.ok(logs.some((l) => /dead letter/.test(l)));
      await waitFor('the hub to keep going', async () => (await store.totals()).windows === 2);
    } finally {
      await sensor.stop();
      await hub.stop();
      await store.close();
      await admin.end();
      await harness.close();
    }
  },
);
