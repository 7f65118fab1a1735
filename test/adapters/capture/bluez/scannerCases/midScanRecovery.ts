/**
 * Recovery while scanning: the adapter or bluetoothd going away mid-scan is reported, retried
 * with backoff on the injected clock, and scanning resumes by itself when they come back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeBluez } from '../../../../helpers/fakeBluez/fakeBluez.ts';
import { SKIP_NO_DBUS_DAEMON as skip } from '../../../../helpers/fakeBluez/privateBus.ts';
import { T0, recorded, replay, rig, until } from './scannerRig.ts';

test(
  'the adapter vanishing mid-scan is reported, retried with backoff, and scanning resumes when it returns',
  { skip },
  async (t) => {
    const r = await rig(t);
    await r.scanner.start();
    await until(() => r.fake.discovering, 'discovery');
    await replay(r, recorded.slice(0, 20), T0);
    const before = r.observations.length;
    assert.ok(before > 0);

    const removedAt = r.clock.now();
    r.fake.removeAdapter();
    await until(() => r.of('failed').length === 1, 'the failure');
    assert.equal(r.of('failed')[0]!.failure.kind, 'adapter-gone');
    assert.match(r.of('failed')[0]!.failure.fix, /plug it back in/);
    assert.deepEqual(r.of('retrying')[0], { type: 'retrying', delayMs: 1000, attempt: 1 });
    assert.equal(r.scanner.running, false);

    // The backoff runs out while the adapter is still missing: another failure, a longer wait.
    r.clock.advanceBy(1);
    await until(() => r.of('failed').length === 2, 'the second failure');
    assert.equal(r.of('failed')[1]!.failure.kind, 'no-adapter');
    assert.match(r.of('failed')[1]!.failure.message, /BlueZ sees no adapter/);
    assert.deepEqual(r.of('retrying')[1], { type: 'retrying', delayMs: 2000, attempt: 2 });

    // Plugged back in: BlueZ announces it, the scanner retries at once (no clock move) and powers it.
    r.clock.advanceBy(0.5);
    r.fake.addAdapter();
    await until(() => r.of('recovered').length === 1 && r.fake.discovering, 'recovery');
    assert.deepEqual(r.of('recovered')[0], { type: 'recovered', from: removedAt, to: removedAt + 1.5 });
    assert.equal(r.fake.callsOf('Set.Powered').length, 2);
    assert.equal(r.fake.callsOf('StartDiscovery').length, 2);
    assert.equal(r.scanner.running, true);

    const recoveredAt = r.clock.now();
    await replay(r, recorded.slice(20, 60), recoveredAt);
    assert.ok(r.observations.length > before, 'new observations flow');
    assert.ok(r.observations.slice(before).every((o) => o.t > recoveredAt));
  },
);

test(
  'BlueZ restarting mid-scan is reported and scanning resumes with the new bluetoothd',
  { skip },
  async (t) => {
    const r = await rig(t);
    await r.scanner.start();
    await until(() => r.fake.discovering, 'discovery');
    r.fake.stop();
    await until(() => r.of('failed').length === 1, 'the failure');
    assert.equal(r.of('failed')[0]!.failure.kind, 'adapter-gone');
    assert.match(r.of('failed')[0]!.failure.message, /bluetoothd/);

    const restarted = await FakeBluez.start(r.bus.address, { now: r.clock.now });
    t.after(() => restarted.stop());
    await until(() => r.of('recovered').length === 1 && restarted.discovering, 'recovery on the new owner');
    r.clock.advanceBy(1);
    assert.notEqual(restarted.hear(recorded[0]!), undefined);
    await until(() => r.observations.length === 1, 'an observation through the new bluetoothd');
    assert.equal(r.observations[0]!.mac, recorded[0]!.address);
  },
);
