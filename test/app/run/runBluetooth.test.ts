/**
 * `airtrace run` with Bluetooth on: BlueZ is a stand-in on a private dbus-daemon (found through
 * DBUS_SYSTEM_BUS_ADDRESS, as on a real system), replaying real advertising reports. Checks that
 * devices reach the API and that no raw Bluetooth address reaches the database, the API or the log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRunApp } from '../../../src/app/run/runApp.ts';
import { validateConfig } from '../../../src/config/config.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { FakeBluez } from '../../helpers/fakeBluez/fakeBluez.ts';
import { SKIP_NO_DBUS_DAEMON, startPrivateBus } from '../../helpers/fakeBluez/privateBus.ts';
import { addressSpellings, recordedAdvertisements } from '../../helpers/fakeBluez/recordedAdvertisements.ts';

test(
  'run with BlueZ: recorded devices reach the API, raw addresses reach nothing',
  { skip: SKIP_NO_DBUS_DAEMON },
  async () => {
    const bus = await startPrivateBus();
    const previous = process.env['DBUS_SYSTEM_BUS_ADDRESS'];
    process.env['DBUS_SYSTEM_BUS_ADDRESS'] = bus.address;
    const fake = await FakeBluez.start(bus.address, { now: () => Date.now() / 1000 });
    const dir = mkdtempSync(join(tmpdir(), 'airtrace-run-ble-'));
    const checked = validateConfig({
      dataDir: join(dir, 'data'),
      sensor: { id: 'pi-ble', wifi: null, bluetooth: { enabled: true, adapter: 'hci0' } },
      hub: { db: join(dir, 'hub.db'), http: { port: 0 } },
    });
    assert.ok(checked.ok, 'config is valid');
    const log: string[] = [];
    const running = await startRunApp(checked.config, new SqliteStore(checked.config.hub.db), (line) =>
      log.push(line),
    );
    const recorded = recordedAdvertisements();
    const addresses = [...new Set(recorded.map((ad) => ad.address))];
    const api: string[] = [];
    try {
      const deadline = Date.now() + 10_000;
      while (!fake.callsOf('StartDiscovery').length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal(fake.callsOf('StartDiscovery').length, 1, 'discovery started');
      for (const ad of recorded) fake.hear(ad);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await running.sensor.stop(); // closes the open window
      await running.hub.hub.settled();
      for (const url of [
        'api/devices/bluetooth?limit=100',
        'api/summary',
        'api/export/bluetooth.csv',
        'api/windows?from=0&to=4000000000',
        'metrics',
      ]) {
        api.push(await (await fetch(`${running.url}${url}`)).text());
      }
      await running.stop();
      fake.stop();
      await bus.stop();
      if (previous === undefined) delete process.env['DBUS_SYSTEM_BUS_ADDRESS'];
      else process.env['DBUS_SYSTEM_BUS_ADDRESS'] = previous;
    }
    const devices = JSON.parse(api[0]!) as {
      total: number;
      rows: { deviceId: string; manufacturer: string | null }[];
    };
    assert.equal(devices.total, addresses.length, 'every recorded advertiser is a device');
    assert.ok(
      devices.rows.some((r) => r.manufacturer === 'Apple, Inc.'),
      'company names from manufacturer data',
    );
    const files = readdirSync(dir, { recursive: true })
      .map((f) => join(dir, String(f)))
      .filter((f) => /hub\.db/.test(f))
      .map((f) => readFileSync(f));
    const haystack = Buffer.concat(files);
    const text = (haystack.toString('latin1') + api.join('\n') + log.join('\n')).toLowerCase();
    for (const address of addresses) {
      for (const spelling of addressSpellings(address))
        assert.ok(!text.includes(spelling.toLowerCase()), `found ${spelling}`);
      const bytes = Buffer.from(address.replace(/:/g, ''), 'hex');
      assert.equal(haystack.indexOf(bytes), -1, `found the bytes of ${address}`);
      assert.equal(
        haystack.indexOf(Buffer.from(bytes).reverse()),
        -1,
        `found the on-air bytes of ${address}`,
      );
    }
  },
);
