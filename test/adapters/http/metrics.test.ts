/** What the hub tells an operator: /metrics, sensor status, refused windows, write failures. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { startHubRig } from '../../helpers/hubRig.ts';
import { buildServer } from '../../../src/adapters/http/server.ts';
import type { ApiSummary } from '../../../src/adapters/http/apiTypes.ts';

import { device, setup, window } from './serverRig.ts';

test('GET /metrics speaks the Prometheus text format', async () => {
  const s = await setup();
  try {
    await s.rig.status({ sensorId: 's1', scanning: true, at: Date.now() / 1000, outboxDepth: 7 });
    const response = await s.app.inject({ url: '/metrics' });
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
    const body = response.body;
    assert.match(body, /^# HELP airtrace_frames_received_total /m);
    assert.match(body, /^# TYPE airtrace_frames_received_total counter$/m);
    assert.match(body, /^airtrace_frames_received_total 4$/m);
    assert.match(body, /^airtrace_sensor_windows_stored_total 1$/m);
    assert.match(body, /^airtrace_sensors_online 1$/m);
    assert.match(body, /^airtrace_sensor_scanning\{sensor="s1"\} 1$/m);
    assert.match(body, /^airtrace_sensor_outbox_depth\{sensor="s1"\} 7$/m);
    assert.match(body, /^airtrace_ingest_lag_seconds \d/m);
    for (const line of body.trim().split('\n'))
      assert.match(line, /^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? [-\d.e+NaN]+)$/, line);
  } finally {
    await s.close();
  }
});

test('a sensor whose last will says offline shows as offline at once', async () => {
  const s = await setup();
  try {
    await s.rig.status({ sensorId: 's1', scanning: false, at: Date.now() / 1000, online: false });
    const summary = (await s.app.inject({ url: '/api/summary' })).json() as ApiSummary;
    assert.equal(summary.site.sensors.find((x) => x.id === 's1')?.status, 'offline');
    await s.rig.status({ sensorId: 's1', scanning: true, at: Date.now() / 1000, online: true });
    const again = (await s.app.inject({ url: '/api/summary' })).json() as ApiSummary;
    assert.equal(again.site.sensors.find((x) => x.id === 's1')?.status, 'online');
    assert.equal(again.scanning, true);
  } finally {
    await s.close();
  }
});

test('windows of the wrong length, off the boundary or from the future are refused and counted', async () => {
  const s = await setup();
  try {
    const now = Date.now() / 1000;
    const future = Math.floor(now / 60) * 60 + 365 * 86_400;
    await s.rig.send(
      { ...window(1020, [device('x', [])]), windowEnd: 1050 },
      { ...window(1020, [device('x', [])]), windowStart: 1030, windowEnd: 1090 },
      window(future, [device('x', [])]),
    );
    const summary = (await s.app.inject({ url: '/api/summary' })).json() as ApiSummary;
    assert.equal(summary.current?.windowStart, 960, 'the latest window is still the real one');
    const metrics = (await s.app.inject({ url: '/metrics' })).body;
    assert.match(metrics, /airtrace_windows_refused_total\{reason="window length 30 s, not 60 s"\} 1/);
    assert.match(metrics, /airtrace_windows_refused_total\{reason="window start not on a 60 s boundary"\} 1/);
    assert.match(
      metrics,
      /airtrace_windows_refused_total\{reason="window in the future \(check the sensor clock\)"\} 1/,
    );
  } finally {
    await s.close();
  }
});

test('a failed window write is the write path’s to report: the API keeps answering from what is stored', async () => {
  const s = await setup();
  try {
    const store = s.hub.store as { writeWindow: (...a: unknown[]) => Promise<unknown> };
    const original = store.writeWindow.bind(store);
    store.writeWindow = async () => {
      store.writeWindow = original;
      throw new Error('disk full');
    };
    s.rig.sendNoWait(window(1020, [device('dd', [])]));
    const response = await s.app.inject({ url: '/api/summary' });
    assert.equal(response.statusCode, 200);
    assert.equal((response.json() as ApiSummary).current?.windowStart, 960);
    await assert.rejects(s.hub.storage.flush(), /disk full/, 'the error is still there for the write path');
    await s.rig.send();
    assert.equal(
      (await s.hub.store.latestWindow())?.windowStart,
      1020,
      'the window was offered again and stored once the disk had room',
    );
  } finally {
    await s.close();
  }
});

test('a flood of made-up sensor ids grows neither the sensor list nor /metrics', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-http-'));
  const store = new SqliteStore(join(dir, 'hub.db'));
  const rig = await startHubRig({
    store,
    siteName: 'x',
    windowSeconds: 60,
    ratio: 0.7,
    exportDir: dir,
    maxSensors: 5,
  });
  const app = await buildServer({ hub: rig.hub, webRoot: join(dir, 'no-web'), projectUrl: '' });
  try {
    for (let i = 0; i < 300; i++)
      await rig.status({ sensorId: `fake-${i}`, scanning: true, at: 0, outboxDepth: i });
    assert.equal(rig.hub.sensors().length, 0, 'a status alone lists no sensor');
    const windows = Array.from({ length: 20 }, (_, i) => ({
      ...window(960, [device(`d${i}`, [])]),
      sensorId: `s${i}`,
    }));
    await rig.send(...windows);
    assert.equal(rig.hub.sensors().length, 5);
    const metrics = (await app.inject({ url: '/metrics' })).body;
    assert.match(metrics, /^airtrace_untracked_sensor_windows_total 15$/m);
    assert.ok(
      metrics.split('\n').filter((l) => l.includes('sensor="')).length <= 10,
      'per-sensor lines stay within the bound',
    );
    assert.equal((await store.totals()).windows, 1, 'every window was stored all the same');
  } finally {
    await app.close();
    await rig.stop();
    await store.close();
  }
});
