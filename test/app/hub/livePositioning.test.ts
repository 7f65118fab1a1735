import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hub } from '../../../src/app/hub/hub.ts';
import { loadLivePositioning } from '../../../src/app/hub/livePositioningSetup.ts';
import { createSensorWindower } from '../../../src/app/sensor/sensorWindower.ts';
import { readProbeLog } from '../../../src/adapters/capture/probeLog.ts';
import { buildServer } from '../../../src/adapters/http/server.ts';
import type { ApiHeatmap, ApiPositions, ApiSite } from '../../../src/adapters/http/apiTypes.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { InProcessTransport } from '../../../src/adapters/transport/inProcessTransport.ts';
import type { WindowSummary } from '../../../src/core/model.ts';
import { startHubRig } from '../../helpers/hubRig.ts';
import { fixtures } from '../../helpers/paths.ts';

test('positioning windows of a real walk become stored positions, current positions and a heat map', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-hub-pos-'));
  const store = new SqliteStore(join(dir, 'hub.db'));
  const positioning = await loadLivePositioning(
    join(fixtures, 'positioning/boun_site.json'),
    2,
    'wnls+kalman',
    () => {},
  );
  const rig = await startHubRig({
    store,
    siteName: 'hall',
    windowSeconds: 60,
    ratio: 0.7,
    exportDir: dir,
    positioning,
  });
  const { hub } = rig;
  const app = await buildServer({ hub, webRoot: join(dir, 'none'), projectUrl: '' });
  const streamed: unknown[] = [];
  hub.on({ position: (fix) => streamed.push(fix) });
  try {
    const windower = createSensorWindower({
      windowSeconds: 2,
      latenessSeconds: 0,
      purpose: 'positioning',
      onWindow: (summary) => parts.push(summary),
    });
    const parts: WindowSummary[] = [];
    const { observations } = await readProbeLog(join(fixtures, 'positioning/boun_straight_01.log'));
    for (const o of observations.sort((a, b) => a.t - b.t)) windower.add(o);
    windower.flush();
    await rig.send(...parts);
    hub.positioning!.locator.flush();
    await hub.positionsSettled();

    const site = (await app.inject({ url: '/api/site' })).json() as ApiSite;
    assert.equal(site.sensors.length, 12);
    assert.deepEqual(site.positioning, { method: 'wnls+kalman', windowSeconds: 2 });
    const all = (await app.inject({ url: '/api/positions' })).json() as ApiPositions;
    assert.ok(all.positions.length >= 5, `positions: ${all.positions.length}`);
    assert.equal(streamed.length, all.positions.length, 'every stored position was streamed');
    for (const p of all.positions) {
      assert.ok(p.x >= site.bounds![0] && p.x <= site.bounds![2], 'inside the floor');
      assert.equal(p.medium, 'ble');
      assert.match(p.deviceId, /^[0-9a-f]{32}$/, 'a hashed id, never the beacon MAC');
    }
    const current = (await app.inject({ url: '/api/positions/current' })).json() as ApiPositions;
    assert.equal(current.positions.length, 1, 'one device walked');
    assert.equal(current.positions[0]!.t, all.positions.at(-1)!.t);
    const heat = (await app.inject({ url: '/api/positions/heatmap?cell=1' })).json() as ApiHeatmap;
    assert.equal(
      heat.counts.reduce((a, b) => a + b, 0),
      all.positions.length,
    );
    assert.equal(heat.columns, Math.ceil(site.bounds![2] - site.bounds![0]));
    assert.equal((await store.windows(0, 1e12)).length, 0, 'positioning windows are not counting windows');
  } finally {
    await app.close();
    await rig.stop();
    await store.close();
  }
});

test('without a site file the hub says so instead of inventing a floor', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-hub-nopos-'));
  const store = new SqliteStore(join(dir, 'hub.db'));
  const hub = new Hub({
    store,
    subscriber: new InProcessTransport().subscriber,
    siteName: 'shop',
    windowSeconds: 60,
    ratio: 0.7,
    exportDir: dir,
  });
  const app = await buildServer({ hub, webRoot: join(dir, 'none'), projectUrl: '' });
  try {
    const site = (await app.inject({ url: '/api/site' })).json() as ApiSite;
    assert.equal(site.bounds, null);
    assert.equal(site.positioning, null);
    const heat = await app.inject({ url: '/api/positions/heatmap' });
    assert.equal(heat.statusCode, 404);
    assert.equal((heat.json() as { error: { code: string } }).error.code, 'no-site');
  } finally {
    await app.close();
    await store.close();
  }
});
