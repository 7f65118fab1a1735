import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readProbeLog } from '../../../src/adapters/capture/probeLog.ts';
import { loadSite, positioningSites } from '../../../src/config/site.ts';
import type { WindowSummary } from '../../../src/core/model.ts';
import { LiveLocator, type LiveFix } from '../../../src/core/positioning/liveLocator.ts';
import { windowObservations } from '../../../src/core/positioning/readings.ts';
import { calibrateRecordings, calibratedSite } from '../../../src/core/positioning/siteCalibration.ts';
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

test('live zones: a real walk west across x = 16 changes zone once, with radius90 and occupancy', async () => {
  const loaded = await loadSite(join(dir, 'boun_site.json'));
  assert.ok(loaded.ok, 'site');
  const box = (a: number, b: number, c: number, d: number): [number, number][] => [
    [a, b],
    [c, b],
    [c, d],
    [a, d],
  ];
  // Calibrated on the other walk's excerpt, path loss only: the no-survey live default.
  const other = await readProbeLog(join(dir, 'boun_straight_04.log'));
  const calibration = calibrateRecordings(
    positioningSites(loaded.site)[0]!.site,
    [
      {
        windows: windowObservations(other.observations, { windowSeconds: 2 }),
        truthAt: truthLookup(
          parseTruthCsv(readFileSync(join(dir, 'boun_straight_04.truth.csv'), 'utf8')).points,
        ),
      },
    ],
    { tune: false },
  );
  assert.ok(calibration.ok);
  const site = {
    ...calibratedSite(positioningSites(loaded.site)[0]!.site, calibration.calibration, false),
    zones: [
      { name: 'west', polygon: box(0, 0, 16, 17.64) },
      { name: 'east', polygon: box(16, 0, 20.66, 17.64) },
    ],
  };
  const fixes: LiveFix[] = [];
  const changes: { from: string | undefined; to: string | undefined }[] = [];
  const locator = new LiveLocator({
    site,
    windowSeconds: 2,
    onFix: (f) => fixes.push(f),
    onZoneChange: (c) => changes.push({ from: c.from, to: c.to }),
  });
  assert.equal(locator.method.name, 'grid-filter', 'the live default without a survey');
  assert.deepEqual(locator.zoneNames, ['west', 'east']);
  const windower = new Windower({
    windowSeconds: 2,
    latenessSeconds: 0,
    hashMac: () => 'walker',
    vendorOf: () => null,
    onWindow: (w: WindowSummary) => locator.accept(w),
  });
  const recording = await readProbeLog(join(dir, 'boun_straight_01.log'));
  for (const o of recording.observations.sort((a, b) => a.t - b.t)) windower.add(o);
  windower.flush();
  locator.flush();
  assert.ok(fixes.length >= 9, `fixes: ${fixes.length}`);
  for (const f of fixes) {
    assert.ok(f.radius90! > f.uncertainty, 'a 90% radius wider than one sigma');
    // Below one half only while hysteresis holds the zone against a rival not yet 75% likely.
    assert.ok(f.zoneProbability! > 0.25 && f.zoneProbability! <= 1, `${f.zoneProbability}`);
  }
  // The walk starts at x = 18 (east) and ends at x = 14.1 (west): one change after the first zone.
  const truth = truthLookup(
    parseTruthCsv(readFileSync(join(dir, 'boun_straight_01.truth.csv'), 'utf8')).points,
  );
  const rawChanges = fixes.filter((f, i) => i > 0 && f.x < 16 !== fixes[i - 1]!.x < 16).length;
  assert.ok(truth(fixes[0]!.t)!.x > 16 && truth(fixes.at(-1)!.t)!.x < 16);
  assert.equal(fixes[0]!.zone, 'east');
  assert.equal(fixes.at(-1)!.zone, 'west');
  assert.deepEqual(changes, [
    { from: undefined, to: 'east' },
    { from: 'east', to: 'west' },
  ]);
  assert.ok(rawChanges >= 1, `the fixes themselves cross ${rawChanges} time(s)`);
  const occupancy = locator.occupancy();
  assert.deepEqual(occupancy.zones, [
    { zone: 'west', devices: 1, people: 1 },
    { zone: 'east', devices: 0, people: 0 },
  ]);
  // A minute later, nobody is counted any more.
  assert.equal(locator.occupancy({ now: fixes.at(-1)!.t + 61 }).zones[0]!.devices, 0);
});

test('the live locator skips and counts sightings of 0 dBm and more', async () => {
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
  site.sensors.slice(0, 3).forEach((s, i) => locator.accept(part(s.id, 100, -60 - i * 3)));
  locator.accept(part(site.sensors[3]!.id, 100, 17));
  locator.flush();
  assert.equal(locator.counters.skippedRssi, 1);
  assert.equal(fixes.length, 1);
  assert.equal(fixes[0]!.sensors, 3, 'the +17 dBm sighting took no part');
  assert.equal(fixes[0]!.zone, undefined, 'no zones, no zone');
});
