import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replay } from '../../../src/app/batch/replay.ts';
import { buildServer } from '../../../src/adapters/http/server.ts';
import type { ApiWindow, ApiWindows } from '../../../src/adapters/http/apiTypes.ts';
import type { ApiHeadcount, ApiHeadcounts } from '../../../src/adapters/http/headcountApiTypes.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import type { WindowRow } from '../../../src/adapters/storage/store.ts';
import { defaultCountingParams } from '../../../src/core/occupancy/countingParams.ts';
import { parseTruthCsv, windowTruth } from '../../../src/core/occupancy/truthSeries.ts';
import type { WindowSummary } from '../../../src/core/model.ts';
import { startHubRig } from '../../helpers/hubRig.ts';
import { fixtures } from '../../helpers/paths.ts';

/** 20 minutes of the brno lab with 17 people in it (the recording's own truth). */
const CAPTURE = join(fixtures, 'occupancy/brno_2022-10-19_1400-1420.pcap');
const TRUTH = join(fixtures, 'occupancy/brno_2022-10-19_1400-1420.truth.csv');
const POST = { 'content-type': 'application/json', 'x-airtrace': '1' };
const DELETE = { 'x-airtrace': '1' };

async function captureWindows(): Promise<WindowSummary[]> {
  const windows: WindowSummary[] = [];
  await replay({
    inputs: [{ path: CAPTURE }],
    windowSeconds: 60,
    sensorId: 'lab',
    siteKey: new Uint8Array(32).fill(9),
    onWindow: (w) => windows.push(w),
  });
  return windows;
}

function truthOf(windows: readonly ApiWindow[]): number[] {
  const parsed = parseTruthCsv(readFileSync(TRUTH, 'utf8'));
  assert.ok(parsed.ok);
  const coverage = [{ start: windows[0]!.windowStart, end: windows.at(-1)!.windowEnd }];
  return windows.map((w) => windowTruth(parsed.rows, { start: w.windowStart, end: w.windowEnd }, coverage)!);
}

async function startLab(dir: string) {
  const store = new SqliteStore(join(dir, 'hub.db'));
  const rig = await startHubRig({
    store,
    siteName: 'lab',
    windowSeconds: 60,
    ratio: 0.7,
    exportDir: dir,
    counting: defaultCountingParams(),
  });
  const app = await buildServer({ hub: rig.hub, webRoot: join(dir, 'none'), projectUrl: '' });
  return {
    rig,
    app,
    async stop() {
      await app.close();
      await rig.stop();
      await store.close();
    },
  };
}

test('a headcount through the API moves a real capture’s served estimates toward it, narrows them, and is undone by removing it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-headcounts-'));
  const lab = await startLab(dir);
  const { rig, app } = lab;
  const announced: WindowRow[][] = [];
  rig.hub.on({ people: (rows) => announced.push([...rows]) });
  try {
    const windows = await captureWindows();
    await rig.send(...windows);
    await rig.hub.settled();
    const range = `/api/windows?from=${windows[0]!.windowStart}&to=${windows.at(-1)!.windowEnd}`;
    const before = ((await app.inject({ url: range })).json() as ApiWindows).windows;
    assert.ok(before.length >= 15, `${before.length} windows`);
    assert.ok(before.every((w) => w.estimateMethod === 'model'));
    const truth = truthOf(before);
    assert.ok(
      truth.every((t) => t === 17),
      'the lab held 17 people throughout',
    );

    // Somebody counts the room five minutes in.
    const at = before[5]!;
    announced.length = 0;
    const posted = await app.inject({
      method: 'POST',
      url: '/api/headcounts',
      headers: POST,
      payload: { t: at.windowStart + 30, count: 17 },
    });
    assert.equal(posted.statusCode, 201, posted.body);
    const headcount = posted.json() as ApiHeadcount;
    assert.equal(headcount.count, 17);
    assert.equal(headcount.estimate, at.estimate, 'stored with the model’s estimate of that window');

    const after = ((await app.inject({ url: range })).json() as ApiWindows).windows;
    assert.deepEqual(
      after.map((w) => w.windowStart),
      before.map((w) => w.windowStart),
    );
    const i = 5;
    assert.ok(
      Math.abs(after[i]!.estimate - 17) < Math.abs(before[i]!.estimate - 17) / 2,
      `at the count: ${before[i]!.estimate} -> ${after[i]!.estimate}`,
    );
    const width = (w: ApiWindow) => w.high! - w.low!;
    assert.ok(width(after[i]!) < width(before[i]!), `interval ${width(before[i]!)} -> ${width(after[i]!)}`);
    assert.ok(after[i]!.low! <= 17 && 17 <= after[i]!.high!, 'the interval holds the count');
    // The rest of the capture moves the same way (the scale persists for hours), each interval narrower.
    const down = after[i]!.estimate < before[i]!.estimate;
    after.forEach((w, k) => {
      const b = before[k]!;
      assert.ok(down ? w.estimate <= b.estimate : w.estimate >= b.estimate, `${b.estimate} -> ${w.estimate}`);
      assert.ok(width(w) < width(b), `window ${k}: interval ${width(b)} -> ${width(w)}`);
    });

    // Every revised window was announced, with its device counts.
    const revised = new Map(announced.flat().map((r) => [r.windowStart, r]));
    assert.equal(revised.size, before.length);
    for (const w of after) {
      const row = revised.get(w.windowStart)!;
      assert.equal(Math.round(row.people!.estimate * 10) / 10, w.estimate);
      assert.equal(row.wifiDevices, w.wifi);
    }

    const listed = (await app.inject({ url: '/api/headcounts' })).json() as ApiHeadcounts;
    assert.equal(listed.available, true);
    assert.deepEqual(listed.headcounts, [headcount]);
    assert.ok(
      listed.scale !== null && Math.abs(listed.scale.mean - 17 / before[i]!.estimate) < 0.1,
      `scale ${JSON.stringify(listed.scale)}`,
    );

    const removed = await app.inject({
      method: 'DELETE',
      url: `/api/headcounts/${headcount.id}`,
      headers: DELETE,
    });
    assert.equal(removed.statusCode, 200, removed.body);
    const restored = ((await app.inject({ url: range })).json() as ApiWindows).windows;
    assert.deepEqual(restored, before, 'the model’s own estimates again');
    assert.equal(
      (await app.inject({ method: 'DELETE', url: `/api/headcounts/${headcount.id}`, headers: DELETE }))
        .statusCode,
      404,
    );
  } finally {
    await lab.stop();
  }
});

test('headcounts are kept with the site: a restarted hub calibrates new windows by them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-headcounts-restart-'));
  const windows = await captureWindows();
  const range = `/api/windows?from=${windows[0]!.windowStart}&to=${windows.at(-1)!.windowEnd}`;
  const first = await startLab(dir);
  let plain: ApiWindows;
  try {
    await first.rig.send(...windows.slice(0, 6));
    await first.rig.hub.settled();
    plain = (await first.app.inject({ url: range })).json() as ApiWindows;
    const at = plain.windows[3]!;
    const posted = await first.app.inject({
      method: 'POST',
      url: '/api/headcounts',
      headers: POST,
      payload: { t: at.windowStart + 10, count: 17 },
    });
    assert.equal(posted.statusCode, 201);
  } finally {
    await first.stop();
  }
  const second = await startLab(dir);
  try {
    await second.rig.send(...windows.slice(6));
    await second.rig.hub.settled();
    const listed = (await second.app.inject({ url: '/api/headcounts' })).json() as ApiHeadcounts;
    assert.equal(listed.headcounts.length, 1);
    assert.ok(listed.headcounts[0]!.estimate !== null, 'its estimate was stored with it');
    const served = ((await second.app.inject({ url: range })).json() as ApiWindows).windows;
    assert.ok(listed.scale !== null);
    // The new windows are estimated afresh after the restart, and calibrated by the stored count:
    // the same windows through a hub without it read the model's own estimates.
    const fresh = served.filter((w) => w.windowStart > plain.windows.at(-1)!.windowStart);
    assert.ok(fresh.length >= 10);
    const baseline = await startLab(mkdtempSync(join(tmpdir(), 'airtrace-headcounts-baseline-')));
    try {
      await baseline.rig.send(...windows.slice(6));
      await baseline.rig.hub.settled();
      const own = ((await baseline.app.inject({ url: range })).json() as ApiWindows).windows;
      assert.deepEqual(
        own.map((w) => w.windowStart),
        fresh.map((w) => w.windowStart),
      );
      const scale = listed.scale.mean;
      assert.ok(Math.abs(scale - 1) > 0.03, `scale ${scale}`);
      fresh.forEach((w, k) => {
        const expected = own[k]!.estimate * scale;
        assert.ok(Math.abs(w.estimate - expected) <= 0.1 + 0.02 * expected, `${w.estimate} vs ${expected}`);
      });
    } finally {
      await baseline.stop();
    }
  } finally {
    await second.stop();
  }
});

test('POST /api/headcounts refuses what is not a count of people now or before', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-headcounts-bad-'));
  const lab = await startLab(dir);
  const { app, rig } = lab;
  const post = (payload: unknown, headers: Record<string, string> = POST) =>
    app.inject({
      method: 'POST',
      url: '/api/headcounts',
      headers,
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  try {
    const now = rig.hub.now();
    for (const bad of [
      { count: -1 },
      { count: 2.5 },
      { count: '12' },
      { count: 10_001 },
      {},
      [12],
      12,
      null,
      { count: 3, t: 'now' },
      { count: 3, t: now + 3600 },
      { count: 3, t: -5 },
      '{"count": 3, "t": 1e400}',
      '{"count": 1e400}',
    ]) {
      const response = await post(bad);
      assert.equal(response.statusCode, 400, `${JSON.stringify(bad)}: ${response.body}`);
      assert.equal((response.json() as { error: { code: string } }).error.code, 'bad-request');
    }
    assert.equal((await post({ count: 3 }, { 'content-type': 'application/json' })).statusCode, 403);
    assert.equal(
      (await app.inject({ method: 'DELETE', url: '/api/headcounts/1' })).statusCode,
      403,
      'DELETE needs the header too',
    );
    assert.equal(
      (await app.inject({ method: 'DELETE', url: '/api/headcounts/abc', headers: DELETE })).statusCode,
      400,
    );
    // Without a time the count is of now (the hub's clock); nothing was estimated: no estimate.
    const ok = await post({ count: 0 });
    assert.equal(ok.statusCode, 201, ok.body);
    const row = ok.json() as ApiHeadcount;
    assert.ok(Math.abs(row.t - now) < 60);
    assert.equal(row.estimate, null);
    const listed = (await app.inject({ url: '/api/headcounts' })).json() as ApiHeadcounts;
    assert.deepEqual(
      listed.headcounts.map((h) => h.count),
      [0],
    );
  } finally {
    await lab.stop();
  }
});
