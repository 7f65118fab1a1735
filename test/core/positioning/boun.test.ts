/**
 * Real recordings, without ../shared: excerpts of the BOUN tracks (CC0, see test/fixtures/NOTICE.md)
 * in the probe-log format, read by the real importer. Calibrate on 20 s of one walk, position 12 s
 * of another walk and 10 s at a fixed spot.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { readProbeLog } from '../../../src/adapters/capture/probeLog.ts';
import {
  type Site,
  applyCalibration,
  loadSite,
  positioningSites,
  withSurvey,
} from '../../../src/config/site.ts';
import {
  calibrationSamples,
  fitPathLoss,
  surveyFromWindows,
} from '../../../src/core/positioning/calibration.ts';
import { median } from '../../../src/core/positioning/errorMetrics.ts';
import { createMethods } from '../../../src/core/positioning/methods.ts';
import { locateWindows } from '../../../src/core/positioning/locate.ts';
import { windowObservations } from '../../../src/core/positioning/readings.ts';
import type { PositioningSite } from '../../../src/core/positioning/positioningSite.ts';
import { parseTruthCsv, truthLookup } from '../../../src/core/positioning/truth.ts';
import { fixtures } from '../../helpers/paths.ts';

const dir = join(fixtures, 'positioning');

async function recording(name: string) {
  const log = await readProbeLog(join(dir, `${name}.log`));
  assert.equal(log.fatal, undefined);
  const truth = parseTruthCsv(await readFile(join(dir, `${name}.truth.csv`), 'utf8')).points;
  return { log, truth, windows: windowObservations(log.observations, { windowSeconds: 2 }) };
}

describe('BOUN excerpts end to end', () => {
  let site: Site;
  let calibrated: PositioningSite;
  let test: Awaited<ReturnType<typeof recording>>;

  before(async () => {
    const loaded = await loadSite(join(dir, 'boun_site.json'));
    assert.ok(loaded.ok);
    site = loaded.site;
    const train = await recording('boun_straight_01');
    test = await recording('boun_straight_04');
    const sensors = positioningSites(site)[0]!.site.sensors;
    const truthAt = truthLookup(train.truth);
    const fit = fitPathLoss(calibrationSamples(train.windows, sensors, truthAt, site.deviceZ!));
    assert.ok(fit.ok);
    calibrated = positioningSites(
      withSurvey(applyCalibration(site, fit.result), surveyFromWindows(train.windows, truthAt)),
    )[0]!.site;
  });

  it('reads every line of the excerpts', () => {
    assert.equal(test.log.stats.observations, 272);
    assert.deepEqual(test.log.stats.skipped, {});
    assert.equal(test.log.stats.headers, 1);
    assert.equal(new Set(test.log.observations.map((o) => o.sensorId)).size, 12);
    assert.ok(test.log.observations.every((o) => o.medium === 'ble' && o.mac === 'e7:8f:13:56:24:ce'));
  });

  it('calibration gives a plausible indoor model for every sensor', () => {
    assert.equal(calibrated.sensors.length, 12);
    for (const s of calibrated.sensors) {
      assert.ok(s.pathLoss?.model === 'reference');
      assert.ok(s.pathLoss.n > 1 && s.pathLoss.n < 4, `n = ${s.pathLoss.n}`);
      assert.ok(s.pathLoss.rssiAt1m > -75 && s.pathLoss.rssiAt1m < -40, `RSSI@1m = ${s.pathLoss.rssiAt1m}`);
      assert.ok(s.sigmaDb! < 8);
    }
  });

  it('every method gives a finite fix for every window of another walk, the filters within 3 m (median)', () => {
    const truthAt = truthLookup(test.truth);
    const { methods } = createMethods(calibrated);
    assert.equal(methods.length, 10);
    const medians: Record<string, number> = {};
    for (const m of methods) {
      const fixes = locateWindows(test.windows, calibrated, m);
      assert.equal(fixes.length, test.windows.length);
      const errors = fixes.map((f) => {
        assert.ok(f.solution.ok, `${m.name}: ${JSON.stringify(f.solution)}`);
        assert.ok(Number.isFinite(f.solution.x) && Number.isFinite(f.solution.y));
        const p = truthAt(f.t);
        return p ? Math.hypot(f.solution.x - p.x, f.solution.y - p.y) : NaN;
      });
      medians[m.name] = median(errors.filter(Number.isFinite))!;
    }
    for (const name of ['wnls', 'grid-filter', 'survey-filter', 'survey-smoother'])
      assert.ok(medians[name]! < 3, `${name}: ${medians[name]}`);
  });

  it('a recording named X-Y.log is a known spot', async () => {
    const spot = await readProbeLog(join(dir, 'boun_spot', '10.36-10.95.log'));
    assert.deepEqual(spot.spot, { x: 10.36, y: 10.95 });
    const windows = windowObservations(spot.observations, { windowSeconds: 2 });
    const { methods } = createMethods(calibrated, ['wnls']);
    for (const f of locateWindows(windows, calibrated, methods[0]!)) {
      assert.ok(f.solution.ok);
      assert.ok(Math.hypot(f.solution.x - 10.36, f.solution.y - 10.95) < 4, JSON.stringify(f.solution));
    }
  });
});
