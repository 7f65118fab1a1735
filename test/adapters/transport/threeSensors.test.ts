import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresStore } from '../../../src/adapters/storage/postgres/postgresStore.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { MqttWindowPublisher } from '../../../src/adapters/transport/mqttPublisher.ts';
import { FileOutbox } from '../../../src/adapters/transport/outbox.ts';
import { replay } from '../../../src/app/batch/replay.ts';
import { CaptureStreamReader } from '../../../src/core/frames/captureReader.ts';
import { demoCapture } from '../../helpers/paths.ts';
import { POSTGRES_URL, SchemaPool, SKIP_NO_POSTGRES } from '../storage/postgresSchemas.ts';
import { ingestInto } from './hubPipeline.ts';
import { MQTT_URL, SKIP_NO_MQTT } from './mosquittoProcess.ts';
import { mqttHarness } from './mqttHarness.ts';
import { SITE_KEY, waitFor } from './realWindows.ts';
import { storeSnapshot } from './storeSnapshot.ts';

const schemas = new SchemaPool();
after(() => schemas.dropAll());

/** Deals the frames of a classic microsecond pcap out to `parts` captures, frame by frame, with the repo's reader. */
function dealFrames(bytes: Buffer, parts: number): Buffer[] {
  assert.equal(bytes.readUInt32LE(0), 0xa1b2c3d4, 'a little-endian microsecond pcap');
  const outputs: Buffer[][] = Array.from({ length: parts }, () => [bytes.subarray(0, 24)]);
  let frame = 0;
  const reader = new CaptureStreamReader({
    onRecord(record) {
      let seconds = Math.floor(record.t);
      let micros = Math.round((record.t - seconds) * 1e6);
      if (micros === 1e6) [seconds, micros] = [seconds + 1, 0];
      const out = Buffer.alloc(16 + record.data.length);
      out.writeUInt32LE(seconds, 0);
      out.writeUInt32LE(micros, 4);
      out.writeUInt32LE(record.data.length, 8);
      out.writeUInt32LE(record.origLen, 12);
      out.set(record.data, 16);
      outputs[frame++ % parts]!.push(out);
    },
    onProblem(problem) {
      if (problem.fatal) throw new Error(problem.message);
    },
  });
  reader.push(bytes);
  reader.end();
  return outputs.map((chunks) => Buffer.concat(chunks));
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

test(
  'three sensors replaying a real capture reach one hub over Mosquitto, and PostgreSQL holds what a single-process replay stores',
  { skip: SKIP_NO_MQTT || SKIP_NO_POSTGRES, timeout: 120_000 },
  async (t) => {
    const capture = readFileSync(demoCapture);
    const reference = new SqliteStore(':memory:');
    const single = await replay({
      inputs: [{ path: demoCapture }],
      store: reference,
      windowSeconds: 60,
      sensorId: 'single',
      siteKey: SITE_KEY,
    });

    const harness = mqttHarness(MQTT_URL);
    const store = await PostgresStore.open(POSTGRES_URL, { schema: schemas.next() });
    // Three connections: windows of the same minute from different sensors are written together.
    const hub = harness.subscriber(3);
    const ingest = ingestInto(hub, store);
    const dir = mkdtempSync(join(tmpdir(), 'airtrace-three-'));
    const ids = ['entrance', 'hall', 'cafe'];
    const sensors = ids.map((sensorId) => {
      harness.track(sensorId);
      return new MqttWindowPublisher({
        broker: { url: MQTT_URL },
        scope: { site: harness.site },
        sensorId,
        outbox: new FileOutbox({ dir: join(dir, sensorId) }),
      });
    });
    try {
      await hub.start();
      await Promise.all(sensors.map((s) => s.start()));
      const parts = dealFrames(capture, ids.length);
      const reports = await Promise.all(
        ids.map((sensorId, k) =>
          replay({
            inputs: [{ path: '-' }],
            stdin: once(parts[k]!),
            windowSeconds: 60,
            sensorId,
            siteKey: SITE_KEY,
            onWindow: (w) => void sensors[k]!.publishWindow(w),
          }),
        ),
      );
      assert.equal(
        reports.reduce((a, r) => a + r.frames, 0),
        single.frames,
      );
      await Promise.all(sensors.map((s) => s.drained(60_000)));
      const published = sensors.reduce((a, s) => a + s.counters.windows, 0);
      await waitFor('every sensor window at the hub', () => hub.counters.windows >= published, 60_000);
      await ingest.flush();
      t.diagnostic(`${single.windows} windows, ${published} sensor windows from ${ids.length} sensors`);

      assert.equal(ingest.counters.stored, published);
      const merged = await storeSnapshot(store, { sensors: false });
      const expected = await storeSnapshot(reference, { sensors: false });
      assert.equal(merged.windows.length, single.windows);
      assert.deepEqual(merged.windows, expected.windows);
      assert.equal(merged.devices.length, expected.devices.length);
      assert.deepEqual(merged.devices, expected.devices);
      assert.ok((await store.windows(0, Infinity)).every((w) => w.sensors >= 1 && w.sensors <= 3));
    } finally {
      await Promise.all(sensors.map((s) => s.stop()));
      await hub.stop();
      await store.close();
      await reference.close();
      await harness.close();
    }
  },
);
