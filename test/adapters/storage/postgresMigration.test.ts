import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { WindowSummary } from '../../../src/core/model.ts';
import { PostgresStore } from '../../../src/adapters/storage/postgres/postgresStore.ts';
import { POSTGRES_MIGRATIONS } from '../../../src/adapters/storage/postgres/migrations.ts';
import { POSTGRES_URL, SchemaPool, SKIP_NO_POSTGRES } from './postgresSchemas.ts';

const schemas = new SchemaPool();
after(() => schemas.dropAll());

/** 2023-08-20 10:00 in Prague (08:00 UTC). */
const T0 = 1_692_518_400;
const DAY = 86_400;

function seen(start: number, id: string): WindowSummary {
  return {
    schema: 1,
    sensorId: 's1',
    windowStart: start,
    windowEnd: start + 60,
    frames: 1,
    framesWithRssi: 1,
    devices: [
      {
        deviceId: id,
        medium: 'wifi',
        randomized: false,
        vendor: null,
        frames: 1,
        rssi: { count: 1, mean: -60, std: 0, min: -60, max: -60 },
        ssids: [],
        frameTypes: { 'probe-req': 1 },
        ieFingerprints: [],
        channels: [1],
        firstSeen: start + 1,
        lastSeen: start + 2,
      },
    ],
  };
}

async function partitions(client: pg.Client, schema: string, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace
     WHERE p.relname = $1 AND n.nspname = $2 ORDER BY 1`,
    [table, schema],
  );
  return rows.map((r) => r.name);
}

test(
  'PostgreSQL: sightings and positions of a database from before partitioning become one partition, new days get their own, retention drops them whole',
  { skip: SKIP_NO_POSTGRES },
  async () => {
    const schema = schemas.next();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      // A database as the previous release left it: migrations 1 to 3, one window stored.
      await client.query(`CREATE SCHEMA "${schema}"; SET search_path TO "${schema}"`);
      await client.query(
        'CREATE TABLE schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at double precision NOT NULL)',
      );
      for (const m of POSTGRES_MIGRATIONS.filter((m) => m.id <= 3)) {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations VALUES ($1, $2, 0)', [m.id, m.name]);
      }
      await client.query(
        `INSERT INTO sightings VALUES ($1, 's1', 'old', 'wifi', false, 1, 1, -60, 0, -60, -60, $1, $1, '{}')`,
        [T0],
      );
      await client.query(`INSERT INTO positions VALUES ($1, 'old', 'ble', 1, 2, 0.5, 3, 'wnls')`, [T0 + 5]);

      const store = await PostgresStore.open(POSTGRES_URL, { schema, timeZone: 'Europe/Prague' });
      try {
        assert.deepEqual(await partitions(client, schema, 'sightings'), ['sightings_before_partitioning']);
        // Later the same day (the old partition ends at the next UTC midnight), then two days on.
        await store.writeWindow([seen(T0 + 3600, 'a')]);
        await store.writeWindow([seen(T0 + 17 * 3600, 'a')]);
        await store.writeWindow([seen(T0 + 2 * DAY, 'b')]);
        await store.writePositions([
          {
            t: T0 + 2 * DAY + 1,
            deviceId: 'b',
            medium: 'ble',
            x: 1,
            y: 1,
            uncertainty: 1,
            sensors: 3,
            method: 'wnls',
          },
        ]);
        const names = await partitions(client, schema, 'sightings');
        assert.deepEqual(names, [
          'sightings_before_partitioning',
          // 2023-08-21 00:00 UTC is 02:00 in Prague: that day's partition starts where the old one ends.
          `sightings_p20230821_${T0 - 8 * 3600 + DAY}`,
          'sightings_p20230822',
        ]);
        assert.equal((await store.sightings(T0)).length, 1, 'the old rows are still read');
        assert.equal((await store.sightings(T0 + 17 * 3600)).length, 1);
        assert.deepEqual(await partitions(client, schema, 'positions'), [
          'positions_before_partitioning',
          'positions_p20230822',
        ]);

        const result = await store.prune({
          rawBefore: T0 + 2 * DAY - 10 * 3600, // Prague midnight starting 2023-08-22
          claimsBefore: 0,
          devicesBefore: 0,
        });
        assert.deepEqual([result.sightings, result.positions], [3, 1]);
        assert.deepEqual(await partitions(client, schema, 'sightings'), ['sightings_p20230822']);
        assert.deepEqual(await partitions(client, schema, 'positions'), ['positions_p20230822']);
        const { rows } = await client.query<{ n: number }>(
          `SELECT COUNT(*)::int AS n FROM pg_tables WHERE schemaname = $1 AND tablename LIKE 'sightings_%'`,
          [schema],
        );
        assert.equal(rows[0]!.n, 1, 'dropped, not only detached');
        assert.equal((await store.sightings(T0 + 2 * DAY)).length, 1);
        // Rollups outlive the partitions.
        assert.equal((await store.rollups('day', 0, 1e12)).length, 3);
      } finally {
        await store.close();
      }
    } finally {
      await client.end();
    }
  },
);

test(
  'PostgreSQL: a database from before rollups gets them rebuilt from its raw rows by the migration',
  { skip: SKIP_NO_POSTGRES },
  async () => {
    const current = schemas.next();
    const old = schemas.next();
    const store = await PostgresStore.open(POSTGRES_URL, { schema: current, timeZone: 'Europe/Prague' });
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      for (let day = 0; day < 3; day++)
        for (let m = 0; m < 40; m += 7) {
          const start = T0 + day * DAY + m * 60;
          await store.writeWindow([seen(start, m % 2 === 0 ? 'a' : `visitor${day}`)]);
          await store.writeWindow([{ ...seen(start, 'a'), sensorId: 's2' }]);
        }
      await store.writeEstimates([
        {
          windowStart: T0,
          windowEnd: T0 + 60,
          devices: 1,
          randomizedDevices: 0,
          estimate: 1.5,
          low: 1,
          high: 2,
          final: true,
        },
      ]);
      const expected = {
        hours: await store.rollups('hour', 0, 2e9),
        days: await store.rollups('day', 0, 2e9),
        dwell: await store.dwellDays(0, 2e9),
        sensors: await store.sensorHours(0, 2e9),
        totals: await store.totals(),
      };
      assert.ok(
        expected.days[1]!.returningDevices > 0 && expected.days[1]!.newDevices > 0,
        'new and returning',
      );
      // The previous release's schema, holding the same raw rows.
      await client.query(`CREATE SCHEMA "${old}"; SET search_path TO "${old}"`);
      await client.query(
        'CREATE TABLE schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at double precision NOT NULL)',
      );
      for (const m of POSTGRES_MIGRATIONS.filter((m) => m.id <= 3)) {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations VALUES ($1, $2, 0)', [m.id, m.name]);
      }
      for (const table of ['windows', 'sightings', 'sensor_windows', 'wifi', 'bluetooth', 'estimates'])
        await client.query(`INSERT INTO "${old}".${table} SELECT * FROM "${current}".${table}`);
      const migrated = await PostgresStore.open(POSTGRES_URL, { schema: old, timeZone: 'Europe/Prague' });
      try {
        assert.deepEqual(await migrated.rollups('hour', 0, 2e9), expected.hours);
        assert.deepEqual(await migrated.rollups('day', 0, 2e9), expected.days);
        assert.deepEqual(await migrated.dwellDays(0, 2e9), expected.dwell);
        assert.deepEqual(await migrated.sensorHours(0, 2e9), expected.sensors);
        assert.deepEqual(await migrated.totals(), expected.totals);
      } finally {
        await migrated.close();
      }
    } finally {
      await client.end();
      await store.close();
    }
  },
);
