/**
 * ESPresense nodes as sensors, end to end: three nodes publish device reports in the firmware's
 * documented format to the real Mosquitto, the hub (as `airtrace hub` composes it) turns them into
 * windows, presence and live positions, and the SQLite files on disk hold no raw device id and no
 * address in any spelling.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { startHubApp } from '../../../src/app/hub/hubApp.ts';
import { validateConfig } from '../../../src/config/config.ts';
import { createNodeMacHasher } from '../../../src/adapters/identity/nodeMacHasher.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { InProcessTransport } from '../../../src/adapters/transport/inProcessTransport.ts';
import { ManualClock } from '../../helpers/manualClock.ts';
import { addressNeedles, findNeedles } from '../../privacy/leakScanner.ts';
import { MQTT_URL, SKIP_NO_MQTT } from '../transport/mosquittoProcess.ts';

const T0 = 1_700_000_040; // on a minute boundary
const SITE_KEY = 'a1'.repeat(32);
const NODES = [
  { room: 'kitchen', id: 'esp-kitchen', x: 0, y: 0 },
  { room: 'hall', id: 'esp-hall', x: 10, y: 0 },
  { room: 'study', id: 'esp-study', x: 0, y: 8 },
];
const PHONE = { id: 'apple:1005:9-26', mac: '4c0ffee12345', name: "Kate's iPhone", x: 4, y: 3 };
const TAG = { id: 'known:d4e5f6a7b8c9', mac: 'd4e5f6a7b8c9', x: 7, y: 6 };

/** What a node reports: the model's RSSI at the true distance, 6 dB low (a wall), in whole dB. */
function rawRssi(device: { x: number; y: number }, n: { x: number; y: number }): number {
  return Math.round(-59 - 20 * Math.log10(Math.hypot(device.x - n.x, device.y - n.y)) - 6);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test(
  'ESPresense reports through Mosquitto give presence and positions; no raw id reaches the database',
  { skip: SKIP_NO_MQTT },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airtrace-espresense-'));
    const prefix = `espresense-test-${randomBytes(4).toString('hex')}`;
    const siteFile = join(dir, 'site.json');
    writeFileSync(
      siteFile,
      JSON.stringify({
        sensors: NODES.map((n) => ({ id: n.id, x: n.x, y: n.y, z: 1.2 })),
        bounds: [0, 0, 12, 10],
        deviceZ: 1.2,
        pathLoss: { model: 'reference', rssiAt1m: -59, n: 2 },
        espresense: { rooms: Object.fromEntries(NODES.map((n) => [n.room, n.id])) },
      }),
    );
    const checked = validateConfig({
      site: { id: 'home', key: SITE_KEY },
      dataDir: join(dir, 'data'),
      hub: { db: join(dir, 'hub.db'), siteFile, http: { port: 0 } },
      mqtt: { url: MQTT_URL },
      espresense: { enabled: true, topicPrefix: prefix },
      positioning: { enabled: true, windowSeconds: 2 },
    });
    assert.ok(checked.ok, JSON.stringify(!checked.ok && checked.issues));
    const config = checked.config;
    const clock = new ManualClock(T0);
    const log: string[] = [];
    const store = new SqliteStore(config.hub.db);
    const running = await startHubApp({
      config,
      store,
      subscriber: new InProcessTransport(clock).subscriber,
      log: (line) => log.push(line),
      clock,
    });
    const node = await connectAsync(MQTT_URL, { clientId: `espresense-nodes-${prefix}` });
    try {
      for (const n of NODES)
        await node.publishAsync(`${prefix}/rooms/${n.room}/status`, 'online', { qos: 1, retain: true });
      // Five seconds of reports, as each node publishes them (its distance is the truth; its raw
      // RSSI is 6 dB low, as behind a wall: positions must follow the node's distance).
      let sent = 0;
      for (let second = 0; second < 5; second++) {
        for (const device of [PHONE, TAG]) {
          for (const n of NODES) {
            const distance = Math.hypot(device.x - n.x, device.y - n.y);
            const report = {
              id: device.id,
              ...('name' in device ? { name: device.name } : {}),
              idType: device === PHONE ? -5 : 210,
              'rssi@1m': -59,
              rssi: rawRssi(device, n),
              raw: Number(distance.toFixed(2)),
              distance: Number(distance.toFixed(2)),
              speed: 0,
              mac: device.mac,
              interval: 1000,
            };
            await node.publishAsync(`${prefix}/devices/${device.id}/${n.room}`, JSON.stringify(report));
            sent++;
          }
        }
        await node.publishAsync(
          `${prefix}/devices/${TAG.id}/garage`,
          JSON.stringify({ id: TAG.id, rssi: -70 }),
        );
        // Everything of this second is in before the hub's clock moves on.
        const rejected = () =>
          running.hub.metrics().find((m) => m.name === 'airtrace_transport_messages_rejected_total')!.value;
        await until(() => rejected() === second + 1, `the reports of second ${second}`);
        await clock.advanceByAsync(1, 0.5);
      }
      assert.equal(sent, 30);
      await clock.advanceByAsync(70, 1);
      await running.hub.settled();
      await running.hub.positionsSettled();

      // Presence: one window, heard by the three nodes, two devices (each heard by all three).
      const windows = await store.windows(T0, T0 + 60);
      assert.equal(windows.length, 1);
      assert.equal(windows[0]!.sensors, 3);
      assert.equal(windows[0]!.bluetoothDevices, 2);
      assert.equal(windows[0]!.wifiDevices, 0);
      const hash = createNodeMacHasher(Buffer.from(SITE_KEY, 'hex'));
      const phoneId = hash(`espresense:${PHONE.id}`);
      const tagId = hash(`espresense:${TAG.id}`);
      const devices = (await store.devices({ medium: 'ble' })).rows;
      assert.deepEqual(devices.map((d) => d.deviceId).sort(), [phoneId, tagId].sort());
      const phone = devices.find((d) => d.deviceId === phoneId)!;
      assert.equal(phone.manufacturer, 'Apple, Inc.');
      assert.deepEqual(phone.ssids, [PHONE.name]);
      assert.equal(phone.rssiCount, 15);
      const expectedMean = NODES.reduce((sum, n) => sum + rawRssi(PHONE, n), 0) / NODES.length;
      assert.ok(
        Math.abs(phone.rssiMean! - expectedMean) < 1e-9,
        `raw RSSI kept for presence: ${phone.rssiMean}`,
      );
      assert.deepEqual(
        running.hub.sensors().map((s) => [s.id, s.online]),
        NODES.map((n) => [n.id, true]).sort(),
      );

      // Positions: from the nodes' distances, within half a metre of where each device was.
      const fixes = await store.positions(T0, T0 + 60);
      for (const device of [
        { id: phoneId, x: PHONE.x, y: PHONE.y },
        { id: tagId, x: TAG.x, y: TAG.y },
      ]) {
        const own = fixes.filter((f) => f.deviceId === device.id);
        assert.ok(own.length >= 2, `fixes for ${device.id}: ${own.length}`);
        const last = own[own.length - 1]!;
        const error = Math.hypot(last.x - device.x, last.y - device.y);
        assert.ok(error < 0.5, `error ${error.toFixed(2)} m at (${last.x}, ${last.y})`);
        assert.equal(last.sensors, 3);
      }
    } finally {
      for (const n of NODES)
        await node.publishAsync(`${prefix}/rooms/${n.room}/status`, '', { qos: 1, retain: true });
      await node.endAsync();
      await running.stop();
    }

    // The unmapped room was counted, named in the log once, and nothing of it stored.
    assert.equal(log.filter((l) => l.includes('"garage" is no sensor')).length, 1);
    const files = readdirSync(dir)
      .filter((f) => f.startsWith('hub.db'))
      .map((f) => readFileSync(join(dir, f)));
    assert.ok(files.length >= 1);
    const haystack = Buffer.concat([...files, Buffer.from(log.join('\n'))]);
    const needles = [
      ...addressNeedles(PHONE.mac.replace(/(..)(?!$)/g, '$1:'), 'phone report mac'),
      ...addressNeedles(TAG.mac.replace(/(..)(?!$)/g, '$1:'), 'tag mac, also in its id'),
    ];
    assert.deepEqual(findNeedles(haystack, needles), []);
    const text = haystack.toString('latin1').toLowerCase();
    for (const raw of [PHONE.id, TAG.id, '1005:9-26', 'known:'])
      assert.ok(!text.includes(raw.toLowerCase()), `raw id text ${raw} stored`);
  },
);
