import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceWindow, WindowSummary } from '../../../src/core/model.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { buildServer } from '../../../src/adapters/http/server.ts';
import { startHubRig } from '../../helpers/hubRig.ts';

/** A hub on SQLite with one stored window of attacker-named devices, behind the real HTTP server. */
export const HOSTILE_SSID = '<img src=x onerror=alert(1)>';

export const FORMULA_SSID = '=HYPERLINK("http://evil.example","click")';

export function device(id: string, ssids: string[], medium: DeviceWindow['medium'] = 'wifi'): DeviceWindow {
  return {
    deviceId: id,
    medium,
    randomized: false,
    vendor: '@Vendor',
    frames: 2,
    rssi: { count: 2, mean: -60, std: 1, min: -61, max: -59 },
    ssids,
    frameTypes: { 'probe-req': 2 },
    ieFingerprints: [],
    channels: [1],
    firstSeen: 1000,
    lastSeen: 1010,
  };
}

export function window(start: number, devices: DeviceWindow[]): WindowSummary {
  return {
    schema: 1,
    sensorId: 's1',
    windowStart: start,
    windowEnd: start + 60,
    frames: 4,
    framesWithRssi: 4,
    devices: devices.map((d) => ({ ...d, firstSeen: start + 40, lastSeen: start + 50 })),
  };
}

export async function setup(token?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-http-'));
  const store = new SqliteStore(join(dir, 'hub.db'));
  const rig = await startHubRig({
    store,
    siteName: 'test site',
    windowSeconds: 60,
    ratio: 0.7,
    exportDir: dir,
  });
  const { hub } = rig;
  const app = await buildServer({
    hub,
    webRoot: join(dir, 'no-web'),
    projectUrl: 'https://example.org',
    ...(token === undefined ? {} : { token }),
  });
  await rig.send(
    window(960, [device('aa', [HOSTILE_SSID]), device('bb', [FORMULA_SSID]), device('cc', [], 'ble')]),
  );
  return {
    dir,
    hub,
    rig,
    app,
    async close() {
      await app.close();
      await rig.stop();
      await store.close();
    },
  };
}
