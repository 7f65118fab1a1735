/**
 * The privacy scan: MAC addresses planted in SSIDs and BLE names in every spelling (another
 * device's address as text, the sender's own address as text, raw bytes and vendor suffix) go
 * through the real programs, and every place they could end up is searched for every spelling
 * of every address, the transmitters' own included: the SQLite database with its -wal and -shm
 * files, the data folders (outbox, saved exports), the processes' output, the MQTT traffic of
 * the site, the API's JSON, the SSE stream and every export.
 *
 * Black box: real captures into `airtrace replay`, `count`, and into `airtrace sensor` through
 * a FIFO read by dumpcap (Wi-Fi and BLE link-layer pcaps) and a stand-in BlueZ on a private
 * D-Bus; the sensors publish to Mosquitto, `airtrace hub` stores and serves. The scan is first
 * shown to find the addresses where they are (the inputs, the decoded observations as JSON and
 * CSV), so a clean result means something.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { connectAsync } from 'mqtt';
import { readCaptureStream } from '../../src/adapters/capture/captureSource.ts';
import { displayBytes } from '../../src/core/frames/displayBytes.ts';
import type { Observation } from '../../src/core/model.ts';
import { runCli } from '../helpers/cli.ts';
import { hasCommand } from '../helpers/paths.ts';
import { FakeBluez } from '../helpers/fakeBluez/fakeBluez.ts';
import { SKIP_NO_DBUS_DAEMON, startPrivateBus } from '../helpers/fakeBluez/privateBus.ts';
import { findNeedles, plantSecretNeedles } from './leakScanner.ts';
import {
  bleCapture,
  blePcapPlants,
  bluezName,
  bluezPlants,
  btsnoopLog,
  btsnoopPlants,
  wifiCapture,
  wifiPlants,
} from './plantedCaptures.ts';
import { brokerUp, startProcess, stopProcess, until } from './processes.ts';
import { type Artifacts, assertClean, filesUnder, scan } from './scanPlaces.ts';

const work = mkdtempSync(join(tmpdir(), 'airtrace-privacy-'));
/** Recent times: a hub may refuse windows far from its clock. */
const T0 = Math.floor(Date.now() / 1000) - 5;
const WIFI = wifiPlants();
const BLE_PCAP = blePcapPlants();
const BLUEZ = bluezPlants();
const BTSNOOP = btsnoopPlants();
const files = {
  wifi: join(work, 'planted-wifi.pcap'),
  ble: join(work, 'planted-ble.pcap'),
  btsnoop: join(work, 'planted-btsnoop.log'),
};
writeFileSync(files.wifi, wifiCapture(WIFI, T0));
writeFileSync(files.ble, bleCapture(BLE_PCAP, T0));
writeFileSync(files.btsnoop, btsnoopLog(BTSNOOP, T0));

/** Observations decoded by the real readers, before any windowing: what a leak would look like. */
async function decodedObservations(path: string): Promise<Observation[]> {
  const observations: Observation[] = [];
  const bytes = readFileSync(path);
  const chunks = (async function* () {
    yield bytes;
  })();
  const result = await readCaptureStream(chunks, {
    sensorId: 'control',
    onObservation: (o) => observations.push(o),
  });
  assert.equal(result.fatal, undefined);
  return observations;
}

const csvCell = (text: string) => `"${text.replace(/"/g, '""')}"`;

test('the scan finds every planted address where it is: the inputs and their decoded, unredacted texts', async () => {
  const inputs: Artifacts = new Map(Object.entries(files).map(([k, path]) => [k, readFileSync(path)]));
  const inInputs = new Set(
    scan(inputs, [...WIFI, ...BLE_PCAP, ...BTSNOOP]).map((f) => `${f.place}: ${f.found}`),
  );
  for (const plant of [...WIFI, ...BLE_PCAP, ...BTSNOOP]) {
    const input = plant.source === 'wifi-pcap' ? 'wifi' : plant.source === 'ble-pcap' ? 'ble' : 'btsnoop';
    // 802.11 sends the address most significant byte first; BLE and HCI least significant first.
    const order = plant.source === 'wifi-pcap' ? 'raw bytes' : 'raw bytes reversed';
    assert.ok(inInputs.has(`${input}: transmitter ${plant.mac} ${order}`), `${plant.mac} in ${input}`);
  }
  const observations = [
    ...(await decodedObservations(files.wifi)),
    ...(await decodedObservations(files.ble)),
    ...(await decodedObservations(files.btsnoop)),
    ...BLUEZ.map((p) => ({ mac: p.mac, name: displayBytes(p.bytes) })),
  ];
  const texts = observations.map(
    (o) => ('ssid' in o ? o.ssid : undefined) ?? ('name' in o ? o.name : '') ?? '',
  );
  const controls: Artifacts = new Map([
    ['observations.json', Buffer.from(JSON.stringify(observations))],
    ['observations.csv', Buffer.from(texts.map(csvCell).join('\r\n'))],
    ['observations.txt', Buffer.from(texts.join('\n'))],
  ]);
  for (const plant of [...WIFI, ...BLE_PCAP, ...BLUEZ, ...BTSNOOP]) {
    for (const [name, bytes] of controls) {
      const found = findNeedles(bytes, plantSecretNeedles(plant));
      assert.ok(found.length > 0, `the scan misses ${displayBytes(plant.bytes)} (${plant.mac}) in ${name}`);
    }
  }
});

test('replay and count: no address in the database, its WAL, the key file or the output', async () => {
  const dir = join(work, 'replay');
  execFileSync('mkdir', ['-p', dir]);
  const db = join(dir, 'replay.db');
  const replay = await runCli(['replay', '--db', db, '--rows', '100', files.wifi, files.ble, files.btsnoop]);
  assert.equal(replay.code, 0, replay.stderr);
  const fromStdin = await runCli(['replay', '--json', '--db', join(dir, 'stdin.db'), '-'], {
    stdin: readFileSync(files.btsnoop),
  });
  assert.equal(fromStdin.code, 0, fromStdin.stderr);
  const count = await runCli(['count', '--json', '--window', '60', files.wifi, files.ble, files.btsnoop]);
  assert.equal(count.code, 0, count.stderr);
  // The texts arrived, redacted: the scan below has something to look at.
  assert.match(replay.stdout, /my \[mac\] net/);
  assert.match(replay.stdout, /Shelly-\[mac\]/);
  assert.match(replay.stdout, /5 Wi-Fi devices, 20 Bluetooth devices/);
  const artifacts: Artifacts = new Map([
    ['replay stdout', Buffer.from(replay.stdout)],
    ['replay stderr', Buffer.from(replay.stderr)],
    ['replay - stdout', Buffer.from(fromStdin.stdout + fromStdin.stderr)],
    ['count output', Buffer.from(count.stdout + count.stderr)],
  ]);
  filesUnder(dir, artifacts, 'replay/');
  assert.ok(artifacts.has('replay/replay.db') && artifacts.has('replay/replay.db.key'));
  assertClean(artifacts, [...WIFI, ...BLE_PCAP, ...BTSNOOP]);
});

const skipLive = !hasCommand('dumpcap')
  ? 'needs dumpcap (apt-get install tshark)'
  : !(await brokerUp())
    ? 'needs Mosquitto on 127.0.0.1:1883'
    : SKIP_NO_DBUS_DAEMON;

const API_PATHS = [
  'api/summary',
  `api/windows?from=${T0 - 3600}&to=${T0 + 3600}`,
  'api/devices/wifi?limit=1000',
  'api/devices/bluetooth?limit=1000',
  'api/devices/wifi?limit=1000&search=mac',
  'api/devices/bluetooth?limit=1000&search=raw',
  'api/site',
  'api/positions/current',
  `api/positions?from=${T0 - 3600}&to=${T0 + 3600}`,
  'metrics',
  'healthz',
];
const EXPORTS = ['wifi.csv', 'bluetooth.csv', 'windows.csv', 'wifi.json', 'bluetooth.json', 'windows.json'];

test(
  'sensors over MQTT to the hub: no address in the database, WAL, data folders, logs, MQTT, API, SSE or exports',
  { skip: skipLive, timeout: 180_000 },
  async () => {
    const dir = join(work, 'live');
    const siteId = `privacy-${randomBytes(4).toString('hex')}`;
    const key = randomBytes(32).toString('hex');
    const config = (name: string) => {
      const path = join(dir, `${name}.yaml`);
      writeFileSync(
        path,
        `site:\n  id: ${siteId}\n  key: ${key}\ndataDir: ${join(dir, name)}\nmqtt:\n  url: mqtt://127.0.0.1:1883\n`,
      );
      return path;
    };
    execFileSync('mkdir', ['-p', dir]);
    const mqttTraffic: Buffer[] = [];
    const sniffer = await connectAsync('mqtt://127.0.0.1:1883', { reconnectPeriod: 0 });
    sniffer.on('message', (topic, payload) => {
      const body = payload[0] === 0x1f && payload[1] === 0x8b ? gunzipSync(payload) : payload;
      mqttTraffic.push(Buffer.from(`${topic}\n`), body, Buffer.from('\n'));
    });
    await sniffer.subscribeAsync(`airtrace/${siteId}/#`, { qos: 1 });

    const bus = await startPrivateBus();
    const bluez = await FakeBluez.start(bus.address, { now: () => Date.now() / 1000 });
    const fifos = { wifi: join(dir, 'wlan0mon'), ble: join(dir, 'ble0') };
    execFileSync('mkfifo', [fifos.wifi, fifos.ble]);
    const hubDb = join(dir, 'hub.db');
    const hub = startProcess(['hub', '-c', config('hub'), '--db', hubDb, '--port', '0']);
    const sensors: ReturnType<typeof startProcess>[] = [];
    const sse = new AbortController();
    let sseText = '';
    const artifacts: Artifacts = new Map();
    try {
      await until(() => /airtrace dashboard: http/.test(hub.out()), 'the hub');
      const url = /airtrace dashboard: (http:\/\/\S+\/)/.exec(hub.out())![1]!;
      const events = await fetch(`${url}api/events`, { signal: sse.signal });
      const sseDone = (async () => {
        const decoder = new TextDecoder();
        try {
          for await (const chunk of events.body!)
            sseText += decoder.decode(chunk as Uint8Array, { stream: true });
        } catch {
          // aborted at the end of the test
        }
      })();

      const wifiSensor = startProcess(
        [
          'sensor',
          '-c',
          config('sensor-wifi'),
          '--sensor-id',
          'pi-wifi',
          '-i',
          fifos.wifi,
          '--no-monitor-mode',
        ].concat(['--bluetooth', 'hci0']),
        { DBUS_SYSTEM_BUS_ADDRESS: bus.address },
      );
      const bleSensor = startProcess([
        'sensor',
        '-c',
        config('sensor-ble'),
        '--sensor-id',
        'pi-ble',
        '-i',
        fifos.ble,
        '--no-monitor-mode',
        '--no-bluetooth',
      ]);
      sensors.push(wifiSensor, bleSensor);
      await until(() => sensors.every((s) => /publishing to mqtt/.test(s.out())), 'the sensors');
      await until(() => bluez.callsOf('StartDiscovery').length > 0, 'BlueZ discovery');
      for (const plant of BLUEZ)
        bluez.hear({ address: plant.mac, addressType: 'public', rssi: -61, name: bluezName(plant) });
      for (const [fifo, path] of [
        [fifos.wifi, files.wifi],
        [fifos.ble, files.ble],
      ] as const) {
        const out = createWriteStream(fifo);
        out.end(readFileSync(path));
        await once(out, 'close');
      }
      await until(
        () => sensors.every((s) => /reached the end of its input/.test(s.out())),
        'the captures to end',
      );
      for (const sensor of sensors) assert.equal(await stopProcess(sensor.child), 0, sensor.out());

      const totals = async () =>
        Promise.all(
          ['wifi', 'bluetooth'].map(
            async (m) =>
              ((await (await fetch(`${url}api/devices/${m}?limit=1`)).json()) as { total: number }).total,
          ),
        );
      await until(async () => (await totals()).join() === '5,20', 'every device at the hub', 60_000);
      for (const path of API_PATHS)
        artifacts.set(`GET /${path}`, Buffer.from(await (await fetch(url + path)).arrayBuffer()));
      for (const name of EXPORTS) {
        const response = await fetch(`${url}api/export/${name}`);
        assert.equal(response.status, 200, name);
        artifacts.set(`export ${name}`, Buffer.from(await response.arrayBuffer()));
      }
      const saved = await fetch(`${url}api/save`, { method: 'POST', headers: { 'x-airtrace': '1' } });
      assert.equal(saved.status, 200);
      artifacts.set('POST /api/save', Buffer.from(await saved.arrayBuffer()));
      const savedText = await fetch(`${url}api/export/saved.txt`);
      assert.equal(savedText.status, 200);
      artifacts.set('export saved.txt', Buffer.from(await savedText.arrayBuffer()));
      // The database as it is while the hub runs: recent pages are in the WAL.
      filesUnder(dir, artifacts, 'running: ');
      await until(() => /event: window/.test(sseText), 'a window on the SSE stream');
      sse.abort();
      await sseDone;
    } finally {
      sse.abort();
      for (const sensor of sensors) await stopProcess(sensor.child);
      assert.equal(await stopProcess(hub.child), 0, hub.out());
      await sniffer.endAsync();
      bluez.stop();
      await bus.stop();
    }
    filesUnder(dir, artifacts, 'stopped: ');
    artifacts.set('hub output', Buffer.from(hub.out()));
    sensors.forEach((s, i) => artifacts.set(`sensor ${i + 1} output`, Buffer.from(s.out())));
    artifacts.set('MQTT traffic', Buffer.concat(mqttTraffic));
    artifacts.set('SSE stream', Buffer.from(sseText));

    // What arrived is what was planted, redacted: otherwise a clean scan would prove nothing.
    const wifi = artifacts.get('GET /api/devices/wifi?limit=1000')!.toString();
    const ble = artifacts.get('GET /api/devices/bluetooth?limit=1000')!.toString();
    for (const text of [
      'peer [mac]',
      'me [mac]',
      'ESP_[mac]',
      'rev[mac]',
      'caf[mac]e',
      'my [mac] net',
      'eduroam',
    ])
      assert.ok(wifi.includes(JSON.stringify(text)), `${text} in ${wifi}`);
    for (const text of ['p [mac]', 'ESP_[mac]', 'raw[mac]', 'Shelly-[mac]', 'Pixel_[mac]', 'peer [mac]'])
      assert.ok(ble.includes(JSON.stringify(text)), `${text} in ${ble}`);
    assert.ok(artifacts.get('MQTT traffic')!.includes('pi-wifi/window'), 'windows crossed MQTT');
    assert.ok(artifacts.has('running: hub.db-wal'), 'the WAL was scanned while the hub ran');

    assertClean(artifacts, [...WIFI, ...BLE_PCAP, ...BLUEZ]);
  },
);
