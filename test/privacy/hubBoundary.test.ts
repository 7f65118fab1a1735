/**
 * Defence in depth at the hub: a sensor of an older version (before SSIDs and names were
 * redacted) or a hostile one can publish windows whose texts carry addresses; the hub should
 * not store or serve them either. Publishes such a window to a real `airtrace hub` over Mosquitto.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { connectAsync } from 'mqtt';
import { encodeWindow } from '../../src/adapters/transport/windowCodec.ts';
import type { DeviceWindow, WindowSummary } from '../../src/core/model.ts';
import { addressNeedles, findNeedles } from './leakScanner.ts';
import { PEERS } from './plantedCaptures.ts';
import { brokerUp, startProcess, stopProcess, until } from './processes.ts';
import { type Artifacts, filesUnder } from './scanPlaces.ts';

const work = mkdtempSync(join(tmpdir(), 'airtrace-hub-boundary-'));
const T0 = Math.floor(Date.now() / 1000) - 5;

test(
  'hub: address text in a window from an older or hostile sensor is stored redacted (defence in depth)',
  {
    skip: (await brokerUp()) ? false : 'needs Mosquitto on 127.0.0.1:1883',
    timeout: 60_000,
  },
  async () => {
    const dir = join(work, 'hostile');
    execFileSync('mkdir', ['-p', dir]);
    const siteId = `privacy-${randomBytes(4).toString('hex')}`;
    const configPath = join(dir, 'hub.yaml');
    writeFileSync(
      configPath,
      `site:\n  id: ${siteId}\n  key: ${randomBytes(32).toString('hex')}\ndataDir: ${join(dir, 'hub')}\nmqtt:\n  url: mqtt://127.0.0.1:1883\n`,
    );
    const hub = startProcess(['hub', '-c', configPath, '--db', join(dir, 'hub.db'), '--port', '0']);
    const publisher = await connectAsync('mqtt://127.0.0.1:1883', { reconnectPeriod: 0 });
    const artifacts: Artifacts = new Map();
    try {
      await until(() => /airtrace dashboard: http/.test(hub.out()), 'the hub');
      const url = /airtrace dashboard: (http:\/\/\S+\/)/.exec(hub.out())![1]!;
      const start = Math.floor(T0 / 60) * 60;
      const device = (medium: 'wifi' | 'ble', text: string): DeviceWindow => ({
        deviceId: randomBytes(16).toString('hex'),
        medium,
        randomized: true,
        vendor: null,
        frames: 1,
        rssi: { count: 1, mean: -60, std: 0, min: -60, max: -60 },
        ssids: medium === 'wifi' ? [text] : [],
        frameTypes: { [medium === 'wifi' ? 'probe-req' : 'adv-ind']: 1 },
        ieFingerprints: [],
        channels: [],
        firstSeen: start + 1,
        lastSeen: start + 1,
        ...(medium === 'ble' ? { name: text } : {}),
      });
      const window: WindowSummary = {
        schema: 1,
        sensorId: 'pi-old',
        windowStart: start,
        windowEnd: start + 60,
        frames: 2,
        framesWithRssi: 2,
        devices: [device('wifi', `peer ${PEERS.wifi}`), device('ble', `peer ${PEERS.blePcap.toUpperCase()}`)],
      };
      await publisher.publishAsync(`airtrace/${siteId}/pi-old/window`, encodeWindow(window), { qos: 1 });
      await until(
        async () =>
          ((await (await fetch(`${url}api/devices/wifi?limit=1`)).json()) as { total: number }).total === 1,
        'the window at the hub',
      );
      for (const path of ['api/devices/wifi?limit=10', 'api/devices/bluetooth?limit=10'])
        artifacts.set(`GET /${path}`, Buffer.from(await (await fetch(url + path)).arrayBuffer()));
    } finally {
      await publisher.endAsync();
      assert.equal(await stopProcess(hub.child), 0, hub.out());
    }
    filesUnder(dir, artifacts, '');
    const needles = [PEERS.wifi, PEERS.blePcap].flatMap((peer) =>
      addressNeedles(peer, 'peer').filter((n) => n.caseInsensitive),
    );
    const findings = [...artifacts].flatMap(([place, bytes]) =>
      findNeedles(bytes, needles).map((found) => `${place}: ${found}`),
    );
    assert.deepEqual(findings, []);
  },
);
