import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceWindow, WindowSummary } from '../../../src/core/model.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { startHubRig } from '../../helpers/hubRig.ts';
import { buildServer } from '../../../src/adapters/http/server.ts';
import { BindSecurityError, checkBindSecurity } from '../../../src/adapters/http/auth.ts';
import { csvTextCell } from '../../../src/adapters/export/tableExports.ts';
import type { ApiSummary } from '../../../src/adapters/http/apiTypes.ts';

const HOSTILE_SSID = '<img src=x onerror=alert(1)>';
const FORMULA_SSID = '=HYPERLINK("http://evil.example","click")';

function device(id: string, ssids: string[], medium: DeviceWindow['medium'] = 'wifi'): DeviceWindow {
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

function window(start: number, devices: DeviceWindow[]): WindowSummary {
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

async function setup(token?: string) {
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

test('summary: current window, totals and the ratio-corrected estimate', async () => {
  const s = await setup();
  try {
    const response = await s.app.inject({ url: '/api/summary' });
    assert.equal(response.statusCode, 200);
    const summary = response.json() as ApiSummary;
    assert.equal(summary.current?.wifi, 2);
    assert.equal(summary.current?.bluetooth, 1);
    assert.equal(summary.current?.devices, 3);
    assert.equal(summary.current?.estimate, 4.3); // 3 / 0.7
    assert.equal(summary.totals.devices, 3);
    assert.equal(summary.totals.averageMinutesSpent, 1);
    assert.deepEqual(summary.data, { savedAt: null, path: null });
    assert.equal(summary.site.sensors[0]?.id, 's1');
  } finally {
    await s.close();
  }
});

test('errors have one shape', async () => {
  const s = await setup();
  try {
    for (const [url, status, code] of [
      ['/api/nothing', 404, 'not-found'],
      ['/api/devices/wifi?sort=evil', 400, 'bad-request'],
      ['/api/devices/wifi?limit=-1', 400, 'bad-request'],
      ['/api/windows?from=10&to=5', 400, 'bad-request'],
      ['/api/export/saved.txt', 404, 'not-saved'],
    ] as const) {
      const response = await s.app.inject({ url });
      assert.equal(response.statusCode, status, url);
      assert.equal((response.json() as { error: { code: string } }).error.code, code, url);
    }
  } finally {
    await s.close();
  }
});

test('CSV exports cannot run a formula, and keep the text', async () => {
  const s = await setup();
  try {
    const csv = (await s.app.inject({ url: '/api/export/wifi.csv' })).body;
    assert.ok(csv.includes(`"'=HYPERLINK(""http://evil.example"",""click"")"`), csv);
    assert.ok(csv.includes(`"'@Vendor"`));
    for (const line of csv.split('\r\n')) {
      for (const cell of line.split(',')) assert.doesNotMatch(cell, /^[=+@]/, `cell ${cell}`);
    }
    assert.equal(csvTextCell('-2+3'), `"'-2+3"`);
    assert.equal(csvTextCell('plain'), 'plain');
    const json = (await s.app.inject({ url: '/api/export/wifi.json' })).json() as { ssids: string[] }[];
    assert.ok(json.some((d) => d.ssids.includes(HOSTILE_SSID)));
  } finally {
    await s.close();
  }
});

test('save writes the tables to a text file on the hub and changes the data state', async () => {
  const s = await setup();
  try {
    const saved = (
      await s.app.inject({ method: 'POST', url: '/api/save', headers: { 'x-airtrace': '1' } })
    ).json() as {
      path: string;
      savedAt: number;
    };
    assert.ok(saved.path.startsWith(s.dir));
    const text = readFileSync(saved.path, 'utf8');
    assert.match(text, /Wi-Fi \(2 devices\)/);
    assert.match(text, /Bluetooth \(1 devices\)/);
    const summary = (await s.app.inject({ url: '/api/summary' })).json() as ApiSummary;
    assert.equal(summary.data.path, saved.path);
    assert.equal((await s.app.inject({ url: '/api/export/saved.txt' })).body, text);
  } finally {
    await s.close();
  }
});

test('reset time zeroes minutes spent', async () => {
  const s = await setup();
  try {
    await s.app.inject({ method: 'POST', url: '/api/reset-time', headers: { 'x-airtrace': '1' } });
    const summary = (await s.app.inject({ url: '/api/summary' })).json() as ApiSummary;
    assert.equal(summary.totals.averageMinutesSpent, 0);
    assert.equal(summary.totals.devices, 3);
  } finally {
    await s.close();
  }
});

test('with a token, API, events and exports answer 401 without it', async () => {
  const s = await setup('s3cret');
  try {
    for (const url of ['/api/summary', '/api/events', '/api/export/wifi.csv', '/api/devices/wifi']) {
      const response = await s.app.inject({ url });
      assert.equal(response.statusCode, 401, url);
      assert.equal((response.json() as { error: { code: string } }).error.code, 'unauthorized');
    }
    assert.equal((await s.app.inject({ url: '/api/summary?token=wrong' })).statusCode, 401);
    assert.equal((await s.app.inject({ url: '/api/summary?token=s3cret' })).statusCode, 200);
    const bearer = await s.app.inject({ url: '/api/summary', headers: { authorization: 'Bearer s3cret' } });
    assert.equal(bearer.statusCode, 200);
  } finally {
    await s.close();
  }
});

test('a non-loopback bind without a token is refused', () => {
  assert.throws(() => checkBindSecurity('0.0.0.0', undefined), BindSecurityError);
  assert.throws(() => checkBindSecurity('192.168.1.5', ''), /--token/);
  assert.doesNotThrow(() => checkBindSecurity('0.0.0.0', 'tok'));
  assert.doesNotThrow(() => checkBindSecurity('127.0.0.1', undefined));
  assert.doesNotThrow(() => checkBindSecurity('::1', undefined));
});

test('a stored window reaches an SSE client', async () => {
  const s = await setup();
  try {
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    const address = s.app.server.address() as { port: number };
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${address.port}/api/events`, {
      signal: controller.signal,
    });
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    s.rig.sendNoWait(window(1020, [device('dd', [])]));
    while (!text.includes('event: window')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    controller.abort();
    const data = text.split('event: window\ndata: ')[1]!.split('\n')[0]!;
    assert.deepEqual(JSON.parse(data), {
      windowStart: 1020,
      windowEnd: 1080,
      wifi: 1,
      bluetooth: 0,
      both: 0,
      devices: 1,
      randomized: 0,
      estimate: 1.4,
      low: null,
      high: null,
      estimateMethod: 'ratio',
      final: null,
    });
  } finally {
    await s.close();
  }
});

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

test('the token cannot be dodged by percent-encoding the path', async () => {
  const s = await setup('s3cret');
  try {
    for (const url of [
      '/%61pi/summary',
      '/%6Detrics',
      '/api/%73ummary',
      '/%61pi/export/wifi.csv',
      '/%61pi/events',
    ]) {
      const response = await s.app.inject({ url });
      assert.notEqual(response.statusCode, 200, url);
    }
    const reset = await s.app.inject({
      method: 'POST',
      url: '/%61pi/reset-time',
      headers: { 'x-airtrace': '1' },
    });
    assert.equal(reset.statusCode, 401);
    assert.equal((await s.app.inject({ url: '/healthz' })).statusCode, 200, 'health stays open');
  } finally {
    await s.close();
  }
});

test('without a token: loopback Host names only, and no POST without the airtrace header', async () => {
  const s = await setup();
  try {
    const rebound = await s.app.inject({ url: '/api/summary', headers: { host: 'evil.example:8050' } });
    assert.equal(rebound.statusCode, 403);
    assert.equal((rebound.json() as { error: { code: string } }).error.code, 'forbidden-host');
    for (const host of ['127.0.0.1:8050', 'localhost:8050', '[::1]:8050']) {
      assert.equal((await s.app.inject({ url: '/api/summary', headers: { host } })).statusCode, 200, host);
    }
    const csrf = await s.app.inject({ method: 'POST', url: '/api/reset-time' });
    assert.equal(csrf.statusCode, 403);
    const summary = (await s.app.inject({ url: '/api/summary' })).json() as ApiSummary;
    assert.equal(summary.totals.averageMinutesSpent, 1, 'nothing was reset');
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

test('every answer forbids framing and foreign scripts; no path finds an inherited property', async () => {
  const s = await setup();
  try {
    for (const url of ['/', '/api/summary', '/api/devices/wifi', '/api/nope']) {
      const response = await s.app.inject({ url });
      assert.match(response.headers['content-security-policy'] as string, /frame-ancestors 'none'/, url);
      assert.match(response.headers['content-security-policy'] as string, /script-src 'self'/, url);
      assert.equal(response.headers['x-frame-options'], 'DENY', url);
    }
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const response = await s.app.inject({ url: `/api/devices/${name}` });
      assert.equal(response.statusCode, 404, name);
      assert.equal((response.json() as { error: { code: string } }).error.code, 'not-found');
    }
  } finally {
    await s.close();
  }
});

test('exports and Save data survive any stored row, even one from a broken clock', async () => {
  const s = await setup();
  try {
    // Straight into the store, past every check a hub makes: what an old version may have left.
    await s.hub.store.writeWindow([
      window(1080, [{ ...device('zz', ['wild']), firstSeen: -1e20, lastSeen: 1e20 }]),
    ]);
    for (const name of ['wifi.csv', 'wifi.json', 'windows.csv', 'windows.json']) {
      const response = await s.app.inject({ url: `/api/export/${name}` });
      assert.equal(response.statusCode, 200, `${name}: ${response.body.slice(0, 200)}`);
    }
    const save = await s.app.inject({ method: 'POST', url: '/api/save', headers: { 'x-airtrace': '1' } });
    assert.equal(save.statusCode, 200, save.body);
    assert.equal((await s.app.inject({ url: '/api/devices/wifi' })).statusCode, 200);
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
