/**
 * sd_notify through the real `systemd-notify` to a unix datagram socket standing in for
 * systemd's: READY, STATUS, STOPPING, and a watchdog fed by the process's own timers, which stops
 * when the event loop is blocked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemdNotifier } from '../../../src/adapters/service/systemdNotifier.ts';
import { ManualClock } from '../../helpers/manualClock.ts';
import { SKIP_NO_NOTIFY, startNotifySocket } from '../../helpers/notifySocket.ts';

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test(
  'ready, watchdog pings every half WatchdogSec, stopping: as systemd receives them',
  { skip: SKIP_NO_NOTIFY },
  async () => {
    const socket = await startNotifySocket();
    const clock = new ManualClock();
    try {
      const notifier = new SystemdNotifier({
        env: {
          ...process.env,
          NOTIFY_SOCKET: socket.path,
          WATCHDOG_USEC: '10000000',
          WATCHDOG_PID: String(process.pid),
        },
        clock,
      });
      assert.equal(notifier.active, true);
      assert.equal(notifier.watchdogIntervalMs, 5000);
      await notifier.ready('airtrace dashboard: http://127.0.0.1:8050/\n(second line)');
      assert.deepEqual(
        socket.messages.map((m) => m.text),
        ['READY=1\nSTATUS=airtrace dashboard: http://127.0.0.1:8050/ (second line)'],
      );
      clock.advanceBy(4.9);
      assert.equal(notifier.counters.watchdogPings, 0);
      clock.advanceBy(0.1);
      clock.advanceBy(10);
      await until('three pings', () => socket.messages.length === 4);
      assert.deepEqual(
        socket.messages.slice(1).map((m) => m.text),
        ['WATCHDOG=1', 'WATCHDOG=1', 'WATCHDOG=1'],
      );
      await notifier.stopping();
      clock.advanceBy(60);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(
        socket.messages.slice(4).map((m) => m.text),
        ['STOPPING=1'],
        'no ping after stopping',
      );
      assert.equal(notifier.counters.failed, 0);
    } finally {
      await socket.stop();
    }
  },
);

test(
  'the watchdog is fed by the event loop: a blocked loop stops the pings',
  { skip: SKIP_NO_NOTIFY },
  async () => {
    const socket = await startNotifySocket();
    try {
      const notifier = new SystemdNotifier({
        env: {
          ...process.env,
          NOTIFY_SOCKET: socket.path,
          WATCHDOG_USEC: '300000',
          WATCHDOG_PID: String(process.pid),
        },
      });
      await notifier.ready();
      await new Promise((r) => setTimeout(r, 800));
      const blockedFrom = socket.messages.length;
      const until = Date.now() + 1200;
      while (Date.now() < until) {
        // a handler that never yields: what a hung process looks like to systemd
      }
      await new Promise((r) => setTimeout(r, 700));
      notifier.stopWatchdog();
      const pings = socket.messages.filter((m) => m.text === 'WATCHDOG=1').map((m) => m.t);
      const gaps = pings.slice(1).map((t, i) => t - pings[i]!);
      assert.ok(pings.length >= 5, `${pings.length} pings`);
      assert.ok(
        Math.max(...gaps) >= 0.95,
        `the longest silence, ${Math.max(...gaps).toFixed(2)} s, spans the block`,
      );
      const sorted = [...gaps].sort((a, b) => a - b);
      assert.ok(sorted[Math.floor(sorted.length / 2)]! < 0.6, 'otherwise every 150 ms or so');
      assert.ok(blockedFrom >= 3);
    } finally {
      await socket.stop();
    }
  },
);

test(
  "outside systemd, or with another process's watchdog, nothing is sent",
  { skip: SKIP_NO_NOTIFY },
  async () => {
    const socket = await startNotifySocket();
    try {
      const outside = new SystemdNotifier({ env: { PATH: process.env['PATH'] } });
      assert.equal(outside.active, false);
      assert.equal(outside.watchdogIntervalMs, undefined);
      await outside.ready('x');
      await outside.stopping();
      const other = new SystemdNotifier({
        env: {
          ...process.env,
          NOTIFY_SOCKET: socket.path,
          WATCHDOG_USEC: '1000000',
          WATCHDOG_PID: String(process.pid + 1),
        },
      });
      assert.equal(other.watchdogIntervalMs, undefined, "the shell's watchdog, not ours");
      await other.ready();
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(
        socket.messages.map((m) => m.text),
        ['READY=1'],
      );
    } finally {
      await socket.stop();
    }
  },
);

test('without systemd-notify the service says so once and keeps running', async () => {
  const log: string[] = [];
  const notifier = new SystemdNotifier({
    env: { NOTIFY_SOCKET: '/nonexistent/notify', PATH: '/nonexistent' },
    log: (l) => log.push(l),
  });
  await notifier.ready();
  await notifier.status('still here');
  assert.equal(notifier.counters.failed, 2);
  assert.equal(log.length, 1);
  assert.match(log[0]!, /systemd-notify is not installed/);
});
