import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveCapture, type CaptureEvent } from '../../../src/adapters/capture/liveCapture.ts';
import { classifyCaptureFailure } from '../../../src/adapters/capture/captureFailure.ts';
import type { Observation } from '../../../src/core/model.ts';
import { demoCapture, hasCommand } from '../../helpers/paths.ts';

const SKIP_NO_DUMPCAP = hasCommand('dumpcap') ? false : 'needs dumpcap (apt-get install tshark)';
const work = mkdtempSync(join(tmpdir(), 'airtrace-live-'));

function fifo(name: string): string {
  const path = join(work, name);
  execFileSync('mkfifo', [path]);
  return path;
}

/** Real capture bytes into the FIFO that dumpcap reads as its interface. */
async function feed(path: string, bytes: Uint8Array): Promise<void> {
  const out = createWriteStream(path);
  out.end(bytes);
  await once(out, 'close');
}

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test(
  'dumpcap reading a FIFO of real capture bytes: every frame arrives as an observation',
  { skip: SKIP_NO_DUMPCAP },
  async () => {
    const path = fifo('brno');
    const observations: Observation[] = [];
    const events: CaptureEvent[] = [];
    const capture = new LiveCapture({
      interface: path,
      monitorMode: false,
      sensorId: 'pi-1',
      onObservation: (o) => observations.push(o),
      onEvent: (e) => events.push(e),
      initialBackoffMs: 50,
    });
    capture.start();
    await feed(path, readFileSync(demoCapture));
    await until(() => capture.counters.frames === 12613, 'all frames');
    assert.equal(observations.length, 12613);
    assert.equal(new Set(observations.map((o) => o.mac)).size, 2309);
    assert.ok(observations.every((o) => o.sensorId === 'pi-1' && o.rssi !== undefined));
    await capture.stop();
    assert.equal(events[0]?.type, 'started');
  },
);

test(
  'a capture process that dies is restarted with backoff and the gap is reported',
  { skip: SKIP_NO_DUMPCAP },
  async () => {
    const path = fifo('dies');
    const events: CaptureEvent[] = [];
    let frames = 0;
    const capture = new LiveCapture({
      interface: path,
      monitorMode: false,
      sensorId: 'pi-1',
      onObservation: () => frames++,
      onEvent: (e) => events.push(e),
      initialBackoffMs: 100,
    });
    capture.start();
    await until(() => events.some((e) => e.type === 'started'), 'first start');
    const first = events.find((e) => e.type === 'started') as { pid: number };
    process.kill(first.pid, 'SIGKILL');
    await until(() => events.filter((e) => e.type === 'started').length === 2, 'restart');
    const failed = events.find((e) => e.type === 'failed');
    assert.ok(failed, 'the death is reported');
    const restarting = events.find((e) => e.type === 'restarting') as { delayMs: number; attempt: number };
    assert.equal(restarting.delayMs, 100);
    assert.equal(restarting.attempt, 1);
    const gap = events.find((e) => e.type === 'gap') as { from: number; to: number };
    assert.ok(gap.to - gap.from >= 0.09, `gap ${gap.to - gap.from}s`);
    // The restarted dumpcap reads the FIFO again: capture goes on.
    await feed(path, readFileSync(demoCapture));
    await until(() => frames === 12613, 'frames after the restart');
    await capture.stop();
  },
);

test('real dumpcap failures become messages with a fix', { skip: SKIP_NO_DUMPCAP }, async () => {
  const failures: CaptureEvent[] = [];
  for (const [iface, monitorMode] of [
    ['airtrace-no-such0', false],
    ['lo', true],
  ] as const) {
    const capture = new LiveCapture({
      interface: iface,
      monitorMode,
      sensorId: 's',
      onObservation: () => {},
      onEvent: (e) => {
        if (e.type === 'failed') failures.push(e);
      },
      initialBackoffMs: 60_000,
    });
    capture.start();
    await until(() => failures.length > 0, `failure on ${iface}`);
    await capture.stop();
    const failure = (failures.pop() as { failure: { kind: string; fix: string } }).failure;
    assert.equal(failure.kind, monitorMode ? 'no-monitor-mode' : 'no-interface');
    assert.ok(failure.fix.length > 20);
  }
});

test('a missing capture tool says how to install it', async () => {
  const failures: CaptureEvent[] = [];
  const capture = new LiveCapture({
    interface: 'wlan0',
    sensorId: 's',
    onObservation: () => {},
    onEvent: (e) => failures.push(e),
    initialBackoffMs: 60_000,
    spawn: ((_tool: string, args: string[], options: object) =>
      spawn('/nonexistent/dumpcap', args, options as never)) as unknown as typeof spawn,
  });
  capture.start();
  await until(() => failures.some((e) => e.type === 'failed'), 'failure');
  await capture.stop();
  const failed = failures.find((e) => e.type === 'failed') as { failure: { kind: string; fix: string } };
  assert.equal(failed.failure.kind, 'not-installed');
  assert.match(failed.failure.fix, /apt-get install tshark/);
});

test('stderr patterns of permission problems are recognised', () => {
  const failure = classifyCaptureFailure(
    'dumpcap',
    "dumpcap: You don't have permission to capture on that device",
  );
  assert.equal(failure.kind, 'not-permitted');
  assert.match(failure.fix, /setcap/);
  assert.equal(classifyCaptureFailure('dumpcap', 'something odd\n').kind, 'exited');
});
