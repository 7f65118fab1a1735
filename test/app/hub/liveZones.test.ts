import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLivePositioning } from '../../../src/app/hub/livePositioningSetup.ts';
import { createSensorWindower } from '../../../src/app/sensor/sensorWindower.ts';
import { readProbeLog } from '../../../src/adapters/capture/probeLog.ts';
import { buildServer } from '../../../src/adapters/http/server.ts';
import type { ApiPositions } from '../../../src/adapters/http/apiTypes.ts';
import type { ApiZoneOccupancy } from '../../../src/adapters/http/zoneApiTypes.ts';
import type { ZoneOccupancyNow } from '../../../src/adapters/http/zoneView.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import type { WindowSummary } from '../../../src/core/model.ts';
import { startHubRig } from '../../helpers/hubRig.ts';
import { ManualClock } from '../../helpers/manualClock.ts';
import { fixtures } from '../../helpers/paths.ts';

/** The BOUN hall split into four quadrants at x = 10.33 and y = 8.82 (issue 13). */
const X = 10.33;
const Y = 8.82;
const QUADRANTS = [
  {
    name: 'south-west',
    polygon: [
      [0, 0],
      [X, 0],
      [X, Y],
      [0, Y],
    ],
  },
  {
    name: 'south-east',
    polygon: [
      [X, 0],
      [20.67, 0],
      [20.67, Y],
      [X, Y],
    ],
  },
  {
    name: 'north-west',
    polygon: [
      [0, Y],
      [X, Y],
      [X, 17.65],
      [0, 17.65],
    ],
  },
  {
    name: 'north-east',
    polygon: [
      [X, Y],
      [20.67, Y],
      [20.67, 17.65],
      [X, 17.65],
    ],
  },
];
const quadrantOf = (x: number, y: number) => `${y < Y ? 'south' : 'north'}-${x < X ? 'west' : 'east'}`;

/** The quadrant the walker truly was in at t (the nearest row of the camera truth). */
function truthQuadrants(file: string): (t: number) => string {
  const rows = readFileSync(join(fixtures, `positioning/${file}`), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number) as [number, number, number]);
  return (t) => {
    const [, x, y] = rows.reduce((best, r) => (Math.abs(r[0] - t) < Math.abs(best[0] - t) ? r : best));
    return quadrantOf(x, y);
  };
}

/** The 12-sensor hall of the fixtures with the four quadrants added. */
function siteWithZones(dir: string): string {
  const site = JSON.parse(readFileSync(join(fixtures, 'positioning/boun_site.json'), 'utf8')) as object;
  const path = join(dir, 'site.json');
  writeFileSync(path, JSON.stringify({ ...site, zones: QUADRANTS }));
  return path;
}

/** A real walk's observations as the sensors' 2 s positioning windows. */
async function walkWindows(log: string): Promise<WindowSummary[]> {
  const parts: WindowSummary[] = [];
  const windower = createSensorWindower({
    windowSeconds: 2,
    latenessSeconds: 0,
    purpose: 'positioning',
    onWindow: (summary) => parts.push(summary),
  });
  const { observations } = await readProbeLog(join(fixtures, `positioning/${log}`));
  for (const o of observations.sort((a, b) => a.t - b.t)) windower.add(o);
  windower.flush();
  return parts;
}

test('a real walk through four zones: each position’s zone and 90% radius, zone counts now, counts that age out', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-hub-zones-'));
  const store = new SqliteStore(join(dir, 'hub.db'));
  const parts = await walkWindows('boun_straight_01.log');
  // The hub's clock: a little after the walk, as when its windows arrive live.
  const clock = new ManualClock(Math.ceil(parts.at(-1)!.windowEnd) + 1);
  const positioning = await loadLivePositioning(siteWithZones(dir), 2, undefined, () => {});
  const rig = await startHubRig({
    store,
    siteName: 'hall',
    windowSeconds: 60,
    ratio: 0.7,
    exportDir: dir,
    positioning,
    clock,
  });
  const { hub } = rig;
  const app = await buildServer({ hub, webRoot: join(dir, 'none'), projectUrl: '' });
  const announced: ZoneOccupancyNow[] = [];
  hub.on({ zoneOccupancy: (o) => announced.push(o) });
  try {
    await rig.send(...parts);
    hub.positioning!.locator.flush();
    await hub.positionsSettled();

    const { positions } = (await app.inject({ url: '/api/positions' })).json() as ApiPositions;
    assert.ok(positions.length >= 5, `${positions.length} positions`);
    const names = QUADRANTS.map((q) => q.name);
    for (const p of positions) {
      assert.ok(p.zone !== null && names.includes(p.zone), `zone ${p.zone}`);
      assert.ok(p.radius90 !== null && p.radius90 > 0 && p.radius90 < 20, `radius90 ${p.radius90}`);
    }
    // Against the camera truth (the walk keeps just south of y = 8.82, in one quadrant): with
    // hysteresis the zone is mostly right, and changes at most once beyond the true changes
    // (issue 13 allows one a minute; this walk is 20 s).
    const truth = truthQuadrants('boun_straight_01.truth.csv');
    const right = positions.filter((p) => p.zone === truth(p.t)).length;
    assert.ok(right >= 0.75 * positions.length, `${right} of ${positions.length} in the true quadrant`);
    const changes = positions.filter((p, i) => i > 0 && p.zone !== positions[i - 1]!.zone).length;
    const trueChanges = positions.filter((p, i) => i > 0 && truth(p.t) !== truth(positions[i - 1]!.t)).length;
    assert.ok(changes <= trueChanges + 1, `${changes} zone changes for ${trueChanges} true ones`);

    // Now: the one walker, in the zone of its last position.
    const last = positions.at(-1)!;
    const now = (await app.inject({ url: '/api/zones' })).json() as ApiZoneOccupancy;
    assert.deepEqual(
      now.zones.map((z) => z.zone),
      names,
    );
    assert.deepEqual(
      now.zones.filter((z) => z.devices > 0),
      [{ zone: last.zone, devices: 1, people: 1 }],
    );
    assert.deepEqual(now.elsewhere, { devices: 0, people: 0 });
    assert.deepEqual(now.devices, [{ deviceId: last.deviceId, zone: last.zone, t: last.t }]);
    assert.ok(now.t >= last.t && now.t - last.t < now.maxAgeSeconds, `now ${now.t}, last fix ${last.t}`);
    // The zone counts were announced as they changed, the last as the API has it.
    assert.ok(announced.length >= 1);
    assert.deepEqual(
      announced.at(-1)!.zones.filter((z) => z.devices > 0),
      now.zones.filter((z) => z.devices > 0),
    );

    // The walker is gone: a minute on, with nothing new, the counts fall to zero and say so.
    announced.length = 0;
    await clock.advanceByAsync(now.maxAgeSeconds + 2, 2);
    const later = (await app.inject({ url: '/api/zones' })).json() as ApiZoneOccupancy;
    assert.ok(later.zones.every((z) => z.devices === 0 && z.people === 0));
    assert.deepEqual(later.devices, []);
    assert.equal(announced.length, 1, 'one announcement when the walker aged out');
    assert.ok(announced[0]!.zones.every((z) => z.devices === 0));
    const wider = (await app.inject({ url: '/api/zones?maxAge=3600' })).json() as ApiZoneOccupancy;
    assert.equal(
      wider.zones.reduce((n, z) => n + z.devices, 0),
      1,
      'a longer memory still counts it',
    );
    assert.equal((await app.inject({ url: '/api/zones?maxAge=0' })).statusCode, 400);
  } finally {
    await app.close();
    await rig.stop();
    await store.close();
  }
});

test('positions stream with their zone over SSE; a site without zones has no zone counts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-hub-zones-sse-'));
  const store = new SqliteStore(join(dir, 'hub.db'));
  const parts = await walkWindows('boun_straight_04.log');
  const positioning = await loadLivePositioning(siteWithZones(dir), 2, undefined, () => {});
  const rig = await startHubRig({
    store,
    siteName: 'hall',
    windowSeconds: 60,
    ratio: 0.7,
    exportDir: dir,
    positioning,
  });
  const app = await buildServer({ hub: rig.hub, webRoot: join(dir, 'none'), projectUrl: '' });
  const controller = new AbortController();
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${address.port}/api/events`, {
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    rig.sendNoWait(...parts);
    while (!(text.includes('event: position') && text.includes('event: zoneOccupancy'))) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
      rig.hub.positioning!.locator.flush();
      await rig.hub.positionsSettled();
    }
    controller.abort();
    const position = JSON.parse(text.split('event: position\ndata: ')[1]!.split('\n')[0]!) as {
      zone: string | null;
      radius90: number | null;
    };
    assert.ok(
      QUADRANTS.some((q) => q.name === position.zone),
      `zone ${position.zone}`,
    );
    assert.ok(typeof position.radius90 === 'number' && position.radius90 > 0);
    const occupancy = JSON.parse(
      text.split('event: zoneOccupancy\ndata: ')[1]!.split('\n')[0]!,
    ) as ApiZoneOccupancy;
    assert.equal(
      occupancy.zones.reduce((n, z) => n + z.devices, 0),
      1,
    );
  } finally {
    controller.abort();
    await app.close();
    await rig.stop();
    await store.close();
  }

  const plain = await loadLivePositioning(
    join(fixtures, 'positioning/boun_site.json'),
    2,
    undefined,
    () => {},
  );
  const store2 = new SqliteStore(join(dir, 'plain.db'));
  const rig2 = await startHubRig({
    store: store2,
    siteName: 'hall',
    windowSeconds: 60,
    ratio: 0.7,
    exportDir: dir,
    positioning: plain,
  });
  const app2 = await buildServer({ hub: rig2.hub, webRoot: join(dir, 'none'), projectUrl: '' });
  try {
    const response = await app2.inject({ url: '/api/zones' });
    assert.equal(response.statusCode, 404);
    assert.equal((response.json() as { error: { code: string } }).error.code, 'no-zones');
  } finally {
    await app2.close();
    await rig2.stop();
    await store2.close();
  }
});
