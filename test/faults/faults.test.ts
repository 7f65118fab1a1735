/**
 * The fault suite: the real hub (`airtrace hub`), real Mosquitto and real databases, broken the
 * ways a venue's installation breaks, each time counting windows lost and windows stored twice.
 * Prints the table at the end. `npm run test:faults` runs it alone.
 */
import { after, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MqttWindowPublisher } from '../../src/adapters/transport/mqttPublisher.ts';
import { FileOutbox } from '../../src/adapters/transport/outbox.ts';
import type { WindowSummary } from '../../src/core/model.ts';
import { freePort, MosquittoProcess, SKIP_NO_MOSQUITTO } from '../adapters/transport/mosquittoProcess.ts';
import { syntheticWindow } from '../adapters/transport/realWindows.ts';
import { faultWindow, streamStart } from './faultWindows.ts';
import {
  formatTable,
  judge,
  kill,
  startHub,
  startSensorProcess,
  until,
  type FaultResult,
  type Proc,
} from './faultRig.ts';
import { PrivatePostgres, SKIP_NO_PRIVATE_POSTGRES } from './privatePostgres.ts';

const results: FaultResult[] = [];
after(() => {
  if (results.length > 0)
    process.stdout.write(`\nfault suite: windows lost and doubled\n${formatTable(results)}\n\n`);
});

interface Scene {
  dir: string;
  site: string;
  broker: MosquittoProcess;
  t0: number;
  sent: WindowSummary[];
}

async function scene(persistence = true): Promise<Scene> {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-fault-'));
  // A private PostgreSQL runs as the postgres user, who must be able to reach its folder.
  chmodSync(dir, 0o755);
  const broker = new MosquittoProcess(await freePort(), join(dir, 'broker'), [], persistence);
  await broker.start();
  return { dir, site: `fault-${randomBytes(4).toString('hex')}`, broker, t0: streamStart(), sent: [] };
}

function sensor(s: Scene, id: string, outbox = join(s.dir, `outbox-${id}`)): MqttWindowPublisher {
  return new MqttWindowPublisher({
    broker: { url: s.broker.url, reconnectMs: 200 },
    scope: { site: s.site },
    sensorId: id,
    outbox: new FileOutbox({ dir: outbox }),
    resendAfterMs: 5000,
  });
}

/** Two sensors publish windows `from`..`to` in turn, `gapMs` apart; `during(i)` runs before window i. */
async function stream(
  s: Scene,
  sensors: readonly MqttWindowPublisher[],
  ids: readonly string[],
  from: number,
  to: number,
  gapMs: number,
  during: (i: number) => Promise<void> = async () => {},
): Promise<void> {
  for (let i = from; i < to; i++) {
    await during(i);
    for (const [k, pub] of sensors.entries()) {
      const w = faultWindow(ids[k]!, k, s.t0, i);
      s.sent.push(w);
      await pub.publishWindow(w);
    }
    await sleep(gapMs);
  }
}

async function finish(
  t: TestContext,
  s: Scene,
  hub: Proc,
  db: string,
  scenario: string,
  note: string,
  sensors: readonly MqttWindowPublisher[] = [],
): Promise<void> {
  try {
    await Promise.all(sensors.map((p) => p.drained(90_000)));
  } catch (error) {
    // What the hub said is the first thing to read when windows do not arrive.
    t.diagnostic(`hub output:\n${hub.out().split('\n').slice(-40).join('\n')}`);
    throw error;
  }
  await kill(hub, 'SIGTERM');
  for (const p of sensors) await p.stop();
  await s.broker.stop();
  const result = await judge(scenario, s.sent, db, note);
  results.push(result);
  t.diagnostic(
    `${scenario}: sent ${result.sent}, stored ${result.stored}, lost ${result.lost}, doubled ${result.doubled}`,
  );
  assert.equal(result.lost, 0, 'windows lost');
  assert.equal(result.doubled, 0, 'windows stored twice');
  assert.equal(result.stored, result.sent);
}

const skip = SKIP_NO_MOSQUITTO;
const IDS = ['north', 'south'];

test(
  'fault: the broker is killed (SIGKILL, no persistence) mid-stream and restarted',
  { skip, timeout: 180_000 },
  async (t) => {
    const s = await scene(false);
    const db = join(s.dir, 'hub.db');
    const hub = await startHub(s.dir, s.site, s.broker.url, db);
    const sensors = IDS.map((id) => sensor(s, id));
    await Promise.all(sensors.map((p) => p.start()));
    await stream(s, sensors, IDS, 0, 40, 60, async (i) => {
      if (i !== 15) return;
      await s.broker.stop('SIGKILL');
      await sleep(2000);
      await s.broker.start();
    });
    await finish(t, s, hub, db, 'broker SIGKILL', 'kill -9 at window 15, 2 s down, restarted empty', sensors);
  },
);

test('fault: the hub is killed (SIGKILL) mid-stream and restarted', { skip, timeout: 180_000 }, async (t) => {
  const s = await scene();
  const db = join(s.dir, 'hub.db');
  let hub = await startHub(s.dir, s.site, s.broker.url, db);
  const sensors = IDS.map((id) => sensor(s, id));
  await Promise.all(sensors.map((p) => p.start()));
  await stream(s, sensors, IDS, 0, 40, 60, async (i) => {
    if (i === 15) await kill(hub, 'SIGKILL');
    if (i === 25) hub = await startHub(s.dir, s.site, s.broker.url, db);
  });
  await finish(t, s, hub, db, 'hub SIGKILL', 'kill -9 at window 15, restarted at 25', sensors);
});

test(
  'fault: a sensor is killed (SIGKILL) with a full outbox, then restarted',
  { skip, timeout: 180_000 },
  async (t) => {
    const s = await scene();
    const db = join(s.dir, 'hub.db');
    const outbox = join(s.dir, 'outbox-pi');
    const base = { url: s.broker.url, site: s.site, sensorId: 'pi', sensorIndex: 0, outbox, t0: s.t0 };
    // No hub yet: the broker takes the windows, nobody stores them, so the outbox keeps them all.
    const first = startSensorProcess({ ...base, from: 0, to: 40, intervalMs: 10 });
    await until(() => first.out().includes('queued-all'), 'the sensor to queue its windows');
    await kill(first, 'SIGKILL');
    for (let i = 0; i < 40; i++) s.sent.push(faultWindow('pi', 0, s.t0, i));
    const hub = await startHub(s.dir, s.site, s.broker.url, db);
    const second = startSensorProcess({ ...base, from: 40, to: 40, intervalMs: 10 });
    await until(() => second.out().includes('drained'), 'the restarted sensor to empty its outbox', 90_000);
    await kill(second, 'SIGTERM');
    await finish(
      t,
      s,
      hub,
      db,
      'sensor SIGKILL',
      '40 windows in the outbox, no hub; kill -9; hub and sensor restarted',
    );
  },
);

test(
  'fault: PostgreSQL restarts mid-stream',
  { skip: skip || SKIP_NO_PRIVATE_POSTGRES, timeout: 180_000 },
  async (t) => {
    const s = await scene();
    const postgres = new PrivatePostgres(await freePort(), join(s.dir, 'pg'));
    postgres.init();
    postgres.start();
    try {
      const hub = await startHub(s.dir, s.site, s.broker.url, postgres.url);
      const sensors = IDS.map((id) => sensor(s, id));
      await Promise.all(sensors.map((p) => p.start()));
      await stream(s, sensors, IDS, 0, 40, 60, async (i) => {
        if (i !== 15) return;
        postgres.stop('fast');
        await sleep(2000);
        postgres.start();
      });
      await finish(
        t,
        s,
        hub,
        postgres.url,
        'PostgreSQL restart',
        'pg_ctl stop -m fast at window 15, 2 s down',
        sensors,
      );
    } finally {
      postgres.stop('immediate');
    }
  },
);

/** A tiny tmpfs for the outbox: needs root (mount); undefined where it cannot be made. */
function smallDisk(dir: string): { path: string; release: () => void } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const path = join(dir, 'small-disk');
  mkdirSync(path, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', path], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return { path, release: () => execFileSync('umount', ['-l', path], { stdio: 'ignore' }) };
}

test('fault: the outbox disk is full', { skip, timeout: 180_000 }, async (t) => {
  const s = await scene();
  const disk = smallDisk(s.dir);
  if (disk === undefined) {
    t.skip('needs root to mount a small tmpfs');
    await s.broker.stop();
    return;
  }
  try {
    // Leave about one window's room: the rest can only be held in memory.
    writeFileSync(join(disk.path, 'filler'), Buffer.alloc(40 * 1024));
    const db = join(s.dir, 'hub.db');
    const hub = await startHub(s.dir, s.site, s.broker.url, db);
    const pub = sensor(s, 'pi', join(disk.path, 'outbox'));
    await pub.start();
    await stream(s, [pub], ['pi'], 0, 30, 30);
    assert.ok((pub.counters.outboxMemoryOnly ?? 0) > 0, 'the disk really was full');
    await finish(
      t,
      s,
      hub,
      db,
      'outbox disk full',
      `64 KiB tmpfs; ${pub.counters.outboxMemoryOnly} windows held in memory`,
      [pub],
    );
  } finally {
    disk.release();
  }
});

test('fault: one window of 100,000 devices', { skip, timeout: 300_000 }, async (t) => {
  const s = await scene();
  const db = join(s.dir, 'hub.db');
  const hub = await startHub(s.dir, s.site, s.broker.url, db);
  const pub = sensor(s, 'storm');
  await pub.start();
  const huge = syntheticWindow('storm', s.t0, 100_000);
  const next = faultWindow('storm', 0, s.t0, 1);
  s.sent.push(huge, next);
  await pub.publishWindow(huge);
  await pub.publishWindow(next);
  const bytes = JSON.stringify(huge).length;
  await finish(t, s, hub, db, '100k-device window', `${(bytes / 1e6).toFixed(0)} MB of JSON, sent gzipped`, [
    pub,
  ]);
});
