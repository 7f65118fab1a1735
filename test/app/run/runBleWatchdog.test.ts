/**
 * The BLE watchdog as `airtrace run` wires it: the stand-in BlueZ (on a private dbus-daemon,
 * found through DBUS_SYSTEM_BUS_ADDRESS as on a real system) goes silent, the sensor's watchdog
 * restarts discovery, and the hub's /metrics counts it for that sensor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRunApp } from '../../../src/app/run/runApp.ts';
import { validateConfig } from '../../../src/config/config.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { FakeBluez } from '../../helpers/fakeBluez/fakeBluez.ts';
import { SKIP_NO_DBUS_DAEMON, startPrivateBus } from '../../helpers/fakeBluez/privateBus.ts';
import { recordedAdvertisements } from '../../helpers/fakeBluez/recordedAdvertisements.ts';
import { ManualClock } from '../../helpers/manualClock.ts';

const T0 = 1_700_000_040;

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test(
  'run: BLE discovery going silent is restarted and counted in /metrics',
  { skip: SKIP_NO_DBUS_DAEMON },
  async () => {
    const bus = await startPrivateBus();
    const previous = process.env['DBUS_SYSTEM_BUS_ADDRESS'];
    process.env['DBUS_SYSTEM_BUS_ADDRESS'] = bus.address;
    const clock = new ManualClock(T0);
    const fake = await FakeBluez.start(bus.address, { now: clock.now });
    const dir = mkdtempSync(join(tmpdir(), 'airtrace-ble-watchdog-'));
    const checked = validateConfig({
      dataDir: join(dir, 'data'),
      sensor: {
        id: 'pi-ble',
        wifi: null,
        bluetooth: { enabled: true, adapter: 'hci0', watchdogSeconds: 30 },
      },
      hub: { db: join(dir, 'hub.db'), http: { port: 0 } },
    });
    assert.ok(checked.ok);
    const log: string[] = [];
    const running = await startRunApp(
      checked.config,
      new SqliteStore(checked.config.hub.db),
      (l) => log.push(l),
      {
        clock,
      },
    );
    let metrics = '';
    try {
      await until('discovery', () => fake.discovering);
      for (const ad of recordedAdvertisements().slice(0, 20)) fake.hear(ad);
      await new Promise((r) => setTimeout(r, 50));
      fake.goSilent('restart');
      for (let s = 0; s < 31; s++) {
        clock.advanceBy(1);
        await new Promise((r) => setTimeout(r, 2));
      }
      await until('the restart', () => fake.callsOf('StartDiscovery').length === 2);
      assert.ok(
        log.some((l) => /nothing heard for 30 s of scanning; restarting discovery \(watchdog/.test(l)),
      );
      // Hearing works again; the window closes, and the hub lists the sensor with what its status said.
      const again = recordedAdvertisements().slice(20, 60);
      for (let s = 0; s < 40; s++) {
        fake.hear(again[s]!);
        clock.advanceBy(1);
        await new Promise((r) => setTimeout(r, 2));
      }
      await running.hub.hub.settled();
      await until('the sensor listed', () => running.hub.hub.sensors().length === 1);
      metrics = await (await fetch(`${running.url}metrics`)).text();
    } finally {
      await running.stop();
      fake.stop();
      await bus.stop();
      if (previous === undefined) delete process.env['DBUS_SYSTEM_BUS_ADDRESS'];
      else process.env['DBUS_SYSTEM_BUS_ADDRESS'] = previous;
    }
    assert.match(metrics, /# TYPE airtrace_sensor_ble_discovery_restarts_total counter/);
    assert.match(metrics, /^airtrace_sensor_ble_discovery_restarts_total\{sensor="pi-ble"\} 1$/m);
  },
);
