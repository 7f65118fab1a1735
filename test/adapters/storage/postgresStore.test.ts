import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DeviceWindow, WindowSummary } from '../../../src/core/model.ts';
import { openStore } from '../../../src/adapters/storage/openStore.ts';
import { PostgresStore } from '../../../src/adapters/storage/postgres/postgresStore.ts';
import { POSTGRES_MIGRATIONS } from '../../../src/adapters/storage/postgres/migrations.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import type { Store } from '../../../src/adapters/storage/store.ts';
import { storeContract } from './storeContract.ts';
import { POSTGRES_URL, SchemaPool, SKIP_NO_POSTGRES } from './postgresSchemas.ts';

const schemas = new SchemaPool();
after(() => schemas.dropAll());

if (SKIP_NO_POSTGRES === false) {
  storeContract('PostgreSQL', (options) =>
    PostgresStore.open(POSTGRES_URL, { schema: schemas.next(), ...options }),
  );
} else {
  test('PostgreSQL store contract', { skip: SKIP_NO_POSTGRES }, () => {});
}

async function query<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

test(
  'PostgreSQL: migrations are recorded once, also when two processes open a new schema at once',
  { skip: SKIP_NO_POSTGRES },
  async () => {
    const schema = schemas.next();
    const [a, b] = await Promise.all([
      PostgresStore.open(POSTGRES_URL, { schema }),
      PostgresStore.open(POSTGRES_URL, { schema }),
    ]);
    await Promise.all([a.close(), b.close()]);
    await (await PostgresStore.open(POSTGRES_URL, { schema })).close(); // reopening applies nothing
    const applied = await query<{ id: number }>(`SELECT id FROM "${schema}".schema_migrations ORDER BY id`);
    assert.deepEqual(
      applied.map((r) => r.id),
      POSTGRES_MIGRATIONS.map((m) => m.id),
    );
    const indexes = await query<{ indexname: string }>(
      'SELECT indexname FROM pg_indexes WHERE schemaname = $1',
      [schema],
    );
    for (const name of [
      'sensor_windows_start',
      'sightings_device',
      'sightings_window_device',
      'wifi_pkey',
      'bluetooth_pkey',
    ]) {
      assert.ok(
        indexes.some((i) => i.indexname === name),
        `index ${name}`,
      );
    }
  },
);

test('PostgreSQL: a schema name that is not a plain identifier is refused', () => {
  assert.throws(() => new PostgresStore(POSTGRES_URL, { schema: 'x"; DROP TABLE y; --' }), RangeError);
});

test(
  'openStore: postgres:// and postgresql:// URLs open PostgreSQL (with ?schema=), anything else SQLite',
  { skip: SKIP_NO_POSTGRES },
  async () => {
    const schema = schemas.next();
    const url = `${POSTGRES_URL.replace(/^postgres:/, 'postgresql:')}?schema=${schema}`;
    const pgStore = await openStore(url);
    assert.ok(pgStore instanceof PostgresStore);
    await pgStore.close();
    assert.equal(
      (await query(`SELECT 1 FROM "${schema}".schema_migrations`)).length,
      POSTGRES_MIGRATIONS.length,
    );
    const sqlite = await openStore(join(mkdtempSync(join(tmpdir(), 'airtrace-open-')), 'a.db'));
    assert.ok(sqlite instanceof SqliteStore);
    await sqlite.close();
  },
);

/** Sensor windows with devices shared between sensors and windows: the cases where writers meet. */
function crowd(sensors: number, starts: number[], devicesPerSensor: number, pool: number): WindowSummary[] {
  const out: WindowSummary[] = [];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (const start of starts) {
    for (let s = 0; s < sensors; s++) {
      const ids = new Set<number>();
      while (ids.size < devicesPerSensor) ids.add(Math.floor(random() * pool));
      const devices: DeviceWindow[] = [...ids].map((i) => ({
        deviceId: `d${i}`,
        medium: i % 5 === 0 ? 'ble' : 'wifi',
        randomized: i % 3 === 0,
        vendor: i % 2 ? 'Acme' : null,
        frames: 3,
        rssi: { count: 3, mean: -50 - (i % 40), std: 1 + (s % 3), min: -60 - (i % 40), max: -45 - (i % 40) },
        ssids: i % 7 === 0 ? [`net${s}`] : [],
        frameTypes: { 'probe-req': 3 },
        ieFingerprints: [],
        channels: [1],
        firstSeen: start + s,
        lastSeen: start + 30 + s,
      }));
      out.push({
        schema: 1,
        sensorId: `s${s}`,
        windowStart: start,
        windowEnd: start + 60,
        frames: 3 * devices.length,
        framesWithRssi: 3 * devices.length,
        devices,
      });
    }
  }
  return out;
}

async function snapshot(store: Store) {
  const windows = await store.windows(0, 1e12);
  const devices = [];
  for (const medium of ['wifi', 'ble'] as const) {
    const { rows } = await store.devices({ medium, sort: 'deviceId', descending: false, limit: 1e6 });
    // Arrival order decides the order of SSIDs and the last bits of the merged RSSI statistics.
    devices.push(
      ...rows.map((r) => ({
        ...r,
        ssids: [...r.ssids].sort(),
        rssiMean: r.rssiMean?.toFixed(9),
        rssiStd: r.rssiStd?.toFixed(9),
      })),
    );
  }
  return { windows, devices };
}

test(
  'PostgreSQL: two stores (two hub processes) writing at once lose no update and count no device twice',
  { skip: SKIP_NO_POSTGRES },
  async () => {
    const starts = [60, 120, 180, 240, 300, 360];
    // Shared devices (writers meet on device rows) and nearly disjoint ones (they meet only on the window row).
    const parts = [
      ...crowd(4, starts, 60, 150),
      ...crowd(
        6,
        starts.map((s) => s + 1e4),
        20,
        1e6,
      ),
    ];
    const reference = new SqliteStore(':memory:');
    for (const p of parts) await reference.writeWindow([p]);
    const schema = schemas.next();
    const [a, b] = await Promise.all([
      PostgresStore.open(POSTGRES_URL, { schema }),
      PostgresStore.open(POSTGRES_URL, { schema }),
    ]);
    try {
      // Alternate sensors between the writers, and send every part to both: claims and merges race.
      await Promise.all([
        Promise.all(parts.map((p, i) => (i % 2 === 0 ? a : b).writeWindow([p]))),
        Promise.all(parts.map((p, i) => (i % 2 === 0 ? b : a).writeWindow([p]))),
      ]);
      assert.deepEqual(await snapshot(a), await snapshot(reference));
      const claims = await query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM "${schema}".sensor_windows`);
      assert.equal(claims[0]!.n, parts.length);
    } finally {
      await Promise.all([a.close(), b.close(), reference.close()]);
    }
  },
);
