import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readProbeLog } from '../../../src/adapters/capture/probeLog.ts';
import { loadSite, positioningSites } from '../../../src/config/site.ts';
import type { WindowSummary } from '../../../src/core/model.ts';
import { LiveLocator, type LiveFix } from '../../../src/core/positioning/liveLocator.ts';
import { parseTruthCsv, truthLookup } from '../../../src/core/positioning/truth.ts';
import { Windower } from '../../../src/core/window/windower.ts';
import { fixtures } from '../../helpers/paths.ts';

const dir = join(fixtures, 'positioning');

/** A real BOUN walk (12 sensors, camera truth) through sensors' 2 s windows and the live locator. */
async function liveFixes(method?: 'wnls+kalman' | 'wnls') {
  const loaded = await loadSite(join(dir, 'boun_site.json'));
  assert.ok(loaded.ok, 'the fixture site loads');
  const site = positioningSites(loaded.site)[0]!.site;
  const fixes: LiveFix[] = [];
  const locator = new LiveLocator({
    site,
    windowSeconds: 2,
    onFix: (f) => fixes.push(f),
    ...(method ? { method } : {}),
  });
  const windower = new Windower({
    windowSeconds: 2,
    latenessSeconds: 0,
    hashMac: (mac) => `device-${mac.length}`,
    vendorOf: () => null,
    onWindow: (w: WindowSummary) => locator.accept(w),
  });
  const recording = await readProbeLog(join(dir, 'boun_straight_01.log'));
  for (const o of recording.observations.sort((a, b) => a.t - b.t)) windower.add(o);
  windower.flush();
  locator.flush();
  const truth = parseTruthCsv(readFileSync(join(dir, 'boun_straight_01.truth.csv'), 'utf8'));
  assert.ok(truth.points.length > 100, 'truth parses');
  const at = truthLookup(truth.points);
  const errors = fixes.map((f) => {
    const p = at(f.t);
    assert.ok(p, `truth at ${f.t}`);
    return Math.hypot(f.x - p.x, f.y - p.y);
  });
  return { fixes, errors: errors.sort((a, b) => a - b), locator, site };
}

test('live positions of a real walk stay on the floor and near the camera truth', async () => {
  const { fixes, errors, locator, site } = await liveFixes('wnls+kalman');
  assert.ok(fixes.length >= 5, `fixes: ${fixes.length}`);
  assert.equal(locator.counters.late, 0);
  const [xmin, ymin, xmax, ymax] = site.bounds!;
  for (const f of fixes) {
    assert.ok(
      f.x >= xmin && f.x <= xmax && f.y >= ymin && f.y <= ymax,
      `fix (${f.x}, ${f.y}) inside the floor`,
    );
    assert.ok(f.sensors >= 3, 'heard by at least three sensors');
    assert.ok(Number.isFinite(f.uncertainty) && f.uncertainty > 0, 'an uncertainty');
    assert.equal(f.method, 'wnls+kalman');
  }
  const median = errors[Math.floor(errors.length / 2)]!;
  assert.ok(median < 3, `median error ${median.toFixed(2)} m`);
});

test('a window closes once parts two windows later arrive, not before', async () => {
  const loaded = await loadSite(join(dir, 'boun_site.json'));
  assert.ok(loaded.ok, 'site');
  const site = positioningSites(loaded.site)[0]!.site;
  const fixes: LiveFix[] = [];
  const locator = new LiveLocator({ site, windowSeconds: 2, method: 'wnls', onFix: (f) => fixes.push(f) });
  const part = (sensorId: string, start: number, rssi: number): WindowSummary => ({
    schema: 1,
    sensorId,
    windowStart: start,
    windowEnd: start + 2,
    frames: 1,
    framesWithRssi: 1,
    devices: [
      {
        deviceId: 'd1',
        medium: 'ble',
        randomized: false,
        vendor: null,
        frames: 1,
        rssi: { count: 1, mean: rssi, std: 0, min: rssi, max: rssi },
        ssids: [],
        frameTypes: {},
        ieFingerprints: [],
        channels: [],
        firstSeen: start,
        lastSeen: start + 1,
      },
    ],
  });
  const ids = site.sensors.slice(0, 4).map((s) => s.id.toUpperCase().replace(/:/g, '-'));
  ids.forEach((id, i) => locator.accept(part(id, 100, -60 - i * 3)));
  locator.accept(part(ids[0]!, 102, -60));
  assert.equal(fixes.length, 0, 'window 100 may still get parts');
  locator.accept(part(ids[0]!, 104, -60));
  assert.equal(fixes.length, 1, 'window 100 located once window 104 starts');
  assert.equal(fixes[0]!.medium, 'ble');
  assert.equal(fixes[0]!.sensors, 4, 'sensor ids matched across spellings');
  locator.accept(part(ids[1]!, 100, -70));
  assert.equal(locator.counters.late, 1);
});
