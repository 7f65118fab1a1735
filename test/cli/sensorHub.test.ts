import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sqliteRows } from '../helpers/sqliteRows.ts';
import { runCli } from '../helpers/cli.ts';
import { demoCapture, hasCommand, repoRoot } from '../helpers/paths.ts';

const KEY = randomBytes(32).toString('hex');

function brokerUp(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(1883, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const skip = !hasCommand('dumpcap')
  ? 'needs dumpcap'
  : !(await brokerUp())
    ? 'needs Mosquitto on 127.0.0.1:1883'
    : false;

function start(args: string[]): { child: ChildProcess; out: () => string } {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/airtrace.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (text += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (text += d));
  return { child, out: () => text };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  return code;
}

test(
  'airtrace sensor on a FIFO publishes over Mosquitto to airtrace hub: the same windows as replay',
  { skip },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airtrace-mqtt-cli-'));
    const siteId = `test-${randomBytes(4).toString('hex')}`;
    const config = (name: string) => {
      const path = join(dir, `${name}.yaml`);
      writeFileSync(
        path,
        // The replayed recording is from 2022: the hub takes windows of any age here and keeps them.
        `site:\n  id: ${siteId}\n  key: ${KEY}\ndataDir: ${join(dir, name)}\nmqtt:\n  url: mqtt://127.0.0.1:1883\n` +
          `hub:\n  maxWindowAgeDays: 100000\n  retentionDays: 0\n`,
      );
      return path;
    };
    const hubDb = join(dir, 'hub.db');
    const hub = start(['hub', '-c', config('hub'), '--db', hubDb, '--port', '0']);
    const fifo = join(dir, 'mon0');
    execFileSync('mkfifo', [fifo]);
    let sensor: ReturnType<typeof start> | undefined;
    try {
      await until(() => /airtrace dashboard: http/.test(hub.out()), 'the hub');
      const url = /airtrace dashboard: (http:\/\/\S+\/)/.exec(hub.out())![1]!;
      sensor = start([
        'sensor',
        '-c',
        config('sensor'),
        '--sensor-id',
        'pi-1',
        '-i',
        fifo,
        '--no-monitor-mode',
      ]);
      await until(() => /publishing to mqtt/.test(sensor!.out()), 'the sensor');
      const out = createWriteStream(fifo);
      out.end(readFileSync(demoCapture));
      await once(out, 'close');
      await until(() => /reached the end of its input/.test(sensor!.out()), 'the capture to end');
      assert.equal(await stop(sensor.child), 0, sensor.out());
      const windowsWithFrames = async () => {
        const body = (await (await fetch(`${url}api/windows?from=1666080000&to=1666110000`)).json()) as {
          windows: { wifi: number }[];
        };
        return body.windows.filter((w) => w.wifi > 0).length;
      };
      await until(async () => (await windowsWithFrames()) >= 233, 'all windows at the hub');
      const summary = (await (await fetch(`${url}api/summary`)).json()) as {
        site: { sensors: { id: string; status: string }[] };
      };
      assert.equal(summary.site.sensors[0]?.id, 'pi-1');
      assert.equal(summary.site.sensors[0]?.status, 'offline', 'the sensor said goodbye');
    } finally {
      if (sensor) await stop(sensor.child);
      assert.equal(await stop(hub.child), 0, hub.out());
    }
    const replayDb = join(dir, 'replay.db');
    const replay = await runCli([
      'replay',
      '--db',
      replayDb,
      '--site-key',
      KEY,
      '--sensor',
      'pi-1',
      demoCapture,
    ]);
    assert.equal(replay.code, 0, replay.stderr);
    const rows = sqliteRows;
    const windows =
      'SELECT window_start, wifi_devices, frames FROM windows WHERE frames > 0 ORDER BY window_start';
    const devices = 'SELECT device_id, minutes_spent, rssi_count FROM wifi ORDER BY device_id';
    assert.deepEqual(rows(hubDb, windows), rows(replayDb, windows));
    assert.deepEqual(rows(hubDb, devices), rows(replayDb, devices));
  },
);
