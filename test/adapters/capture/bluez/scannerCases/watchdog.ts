/**
 * The discovery watchdog: the stand-in BlueZ goes silent (discovery still reads as on, nothing
 * is heard, nothing fails, as BlueZ on Pis is known to) or turns discovery off by itself; the
 * scanner notices, restarts discovery (or powers the adapter off and on when a restart does not
 * cure it), counts it, and what is heard flows again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SKIP_NO_DBUS_DAEMON as skip } from '../../../../helpers/fakeBluez/privateBus.ts';
import { T0, recorded, replay, rig, until } from './scannerRig.ts';

test(
  'silent discovery is restarted after the watchdog limit, counted, and hearing resumes',
  { skip },
  async (t) => {
    const r = await rig(t, { watchdogSeconds: 60 });
    await r.scanner.start();
    await until(() => r.of('discovery').some((e) => e.active), 'the scanner to know discovery is on');
    await replay(r, recorded.slice(0, 10), T0);
    const heardBefore = r.observations.length;
    assert.ok(heardBefore > 0);

    r.fake.goSilent('restart');
    const silentFrom = r.clock.now();
    r.clock.advanceBy(30);
    assert.equal(r.fake.hear(recorded[10]!), undefined, 'the controller delivers nothing');
    r.clock.advanceBy(29);
    assert.equal(r.of('watchdog').length, 0, 'not before 60 s of silence');
    r.clock.advanceBy(2);
    await until(
      () => r.of('watchdog').length === 1 && r.fake.callsOf('StartDiscovery').length === 2,
      'the restart',
    );
    const [event] = r.of('watchdog');
    assert.equal(event!.reason, 'silent');
    assert.equal(event!.action, 'restart-discovery');
    assert.ok(event!.silentSeconds >= 60 && event!.silentSeconds <= 61, `${event!.silentSeconds}`);
    assert.ok(r.fake.calls.findIndex((c) => c.member === 'StopDiscovery' && c.t > silentFrom) >= 0);
    assert.equal(r.scanner.counters.watchdogRestarts, 1);
    assert.equal(r.of('failed').length, 0, 'a restart is no failure');
    assert.equal(r.scanner.running, true);

    await replay(r, recorded.slice(10, 40), r.clock.now());
    assert.ok(r.observations.length > heardBefore, 'heard again after the restart');
    // Hearing again resets the allowance: another minute of sound scanning restarts nothing.
    r.clock.advanceBy(30);
    await replay(r, recorded.slice(40, 50), r.clock.now());
    r.clock.advanceBy(40);
    assert.equal(r.scanner.counters.watchdogRestarts, 1);
  },
);

test('a restart that does not cure it powers the adapter off and on', { skip }, async (t) => {
  const r = await rig(t, { watchdogSeconds: 60 });
  await r.scanner.start();
  await until(() => r.of('discovery').some((e) => e.active), 'the scanner to know discovery is on');
  r.fake.goSilent('power-cycle');
  r.clock.advanceBy(61);
  await until(() => r.fake.callsOf('StartDiscovery').length === 2, 'the first restart');
  assert.equal(r.fake.hear(recorded[0]!), undefined, 'still silent after restarting discovery');
  r.clock.advanceBy(61);
  await until(
    () => r.of('watchdog').length === 2 && r.fake.callsOf('StartDiscovery').length === 3,
    'the power cycle',
  );
  assert.deepEqual(
    r.of('watchdog').map((e) => e.action),
    ['restart-discovery', 'power-cycle'],
  );
  const powered = r.fake.callsOf('Set.Powered').map((c) => c.args[0]);
  assert.deepEqual(powered.slice(-2), [false, true], 'off, then on');
  assert.equal(r.fake.powered, true);
  assert.equal(r.of('failed').length, 0, 'the power cycle is the watchdog, not a failure');
  assert.equal(r.scanner.counters.watchdogRestarts, 2);
  await replay(r, recorded.slice(0, 10), r.clock.now());
  assert.ok(r.observations.length > 0, 'heard again after the power cycle');
});

test('BlueZ turning discovery off by itself is restarted at once', { skip }, async (t) => {
  const r = await rig(t, { watchdogSeconds: 60 });
  await r.scanner.start();
  await until(() => r.of('discovery').some((e) => e.active), 'the scanner to know discovery is on');
  r.clock.advanceBy(5);
  r.fake.dropDiscovery();
  await until(() => r.of('watchdog').length === 1 && r.fake.discovering, 'discovery on again');
  assert.equal(r.of('watchdog')[0]!.reason, 'discovery-stopped');
  assert.equal(r.scanner.counters.watchdogRestarts, 1);
  await replay(r, recorded.slice(0, 5), r.clock.now());
  assert.ok(r.observations.length > 0);
});

test(
  'duty cycle: only scanning time counts toward the limit; the scanner stopping discovery is no stall',
  { skip },
  async (t) => {
    const r = await rig(t, { watchdogSeconds: 25, scan: { scanSeconds: 10, periodSeconds: 60 } });
    await r.scanner.start();
    // The scanner's own word that a phase took effect (its D-Bus call answered), not the
    // stand-in's: the watchdog starts counting when the scanner knows, and the clock must not
    // move before that.
    const phaseDone = (n: number, active: boolean) =>
      until(() => r.of('discovery').length >= n && r.of('discovery').at(-1)!.active === active, `phase ${n}`);
    await phaseDone(1, true);
    r.fake.goSilent('restart');
    // Two scans of 10 s: 20 s of silence, over two minutes of wall time.
    let phases = 1;
    for (const at of [T0 + 10, T0 + 60, T0 + 70]) {
      r.clock.advanceTo(at);
      await phaseDone(++phases, (at - T0) % 60 === 0);
    }
    assert.equal(r.of('watchdog').length, 0, 'our own StopDiscovery is not BlueZ dropping it');
    r.clock.advanceTo(T0 + 120);
    await phaseDone(++phases, true);
    r.clock.advanceTo(T0 + 124);
    assert.equal(r.of('watchdog').length, 0, '24 s of scanning so far');
    r.clock.advanceTo(T0 + 126);
    await until(() => r.of('watchdog').length === 1, 'the restart in the third scan');
    assert.ok(r.of('watchdog')[0]!.silentSeconds >= 25 && r.of('watchdog')[0]!.silentSeconds < 27);
  },
);

test('watchdog off (0 s): silence restarts nothing', { skip }, async (t) => {
  const r = await rig(t, { watchdogSeconds: 0 });
  await r.scanner.start();
  await until(() => r.of('discovery').some((e) => e.active), 'the scanner to know discovery is on');
  r.fake.goSilent('restart');
  r.clock.advanceBy(3600);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(r.scanner.counters.watchdogRestarts, 0);
  assert.equal(r.fake.callsOf('StartDiscovery').length, 1);
});
