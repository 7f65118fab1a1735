/**
 * No fix off the floor, for any method: every method on the real BOUN excerpts (calibrated with a
 * survey, so all ten run), on the bare box, on an L-shaped outline with a desk in it, and on
 * readings that put the pseudo-inverse hundreds of metres away. Plus the geometry itself.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { readProbeLog } from '../../../src/adapters/capture/probeLog.ts';
import { applyCalibration, loadSite, positioningSites, withSurvey } from '../../../src/config/site.ts';
import {
  calibrationSamples,
  fitPathLoss,
  surveyFromWindows,
} from '../../../src/core/positioning/calibration.ts';
import { type FloorArea, nearestOnFloor, onFloor } from '../../../src/core/positioning/floorArea.ts';
import { locateWindows } from '../../../src/core/positioning/locate.ts';
import { METHOD_NAMES, createMethods } from '../../../src/core/positioning/methods.ts';
import { type PositioningSite, floorArea } from '../../../src/core/positioning/positioningSite.ts';
import { type ReadingWindow, windowObservations } from '../../../src/core/positioning/readings.ts';
import { parseTruthCsv, truthLookup } from '../../../src/core/positioning/truth.ts';
import { fixtures } from '../../helpers/paths.ts';

const dir = join(fixtures, 'positioning');

/** An L: the BOUN box without its north-east quarter. */
const L_OUTLINE: [number, number][] = [
  [0, 0],
  [20.66, 0],
  [20.66, 8.82],
  [10.33, 8.82],
  [10.33, 17.64],
  [0, 17.64],
];
/** A desk block the excerpts' walker passes (they walk along y = 8.2-8.6 from x = 18 to 12). */
const DESK: [number, number][] = [
  [13, 6.5],
  [16, 6.5],
  [16, 9.5],
  [13, 9.5],
];

describe('the floor area', () => {
  const area: FloorArea = { bounds: [0, 0, 20.66, 17.64], polygon: L_OUTLINE, obstacles: [DESK] };

  it('knows what is on it: inside the L, off the desk', () => {
    assert.equal(onFloor({ x: 5, y: 5 }, area), true);
    assert.equal(onFloor({ x: 15, y: 12 }, area), false, 'the missing quarter');
    assert.equal(onFloor({ x: 14, y: 8 }, area), false, 'on the desk');
    assert.equal(onFloor({ x: -1, y: 5 }, area), false);
  });

  it('moves a point off it to the nearest point on it', () => {
    // From the missing quarter: straight down would land on the desk, so the nearest floor is the
    // corner where the desk's east side meets the L's inner edge, (16, 8.82).
    const p = nearestOnFloor({ x: 15, y: 12 }, area);
    assert.ok(onFloor(p, area));
    assert.ok(Math.hypot(p.x - 16, p.y - 8.82) < 1e-5, JSON.stringify(p));
    const onDesk = nearestOnFloor({ x: 13.4, y: 8 }, area);
    assert.ok(onFloor(onDesk, area));
    assert.ok(Math.abs(onDesk.x - 13) < 1e-5 && Math.abs(onDesk.y - 8) < 1e-5, JSON.stringify(onDesk));
    const far = nearestOnFloor({ x: 400, y: -300 }, area);
    assert.ok(onFloor(far, area));
    assert.ok(Math.abs(far.x - 20.66) < 1e-5 && Math.abs(far.y) < 1e-5, 'the nearest corner');
    const inside = { x: 5, y: 5 };
    assert.equal(nearestOnFloor(inside, area), inside, 'a point on the floor stays as it is');
  });

  it('every point, anywhere, ends on the floor, no further than its distance to a floor point', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        (x, y) => {
          const p = nearestOnFloor({ x, y }, area);
          assert.ok(onFloor(p, area), `(${x}, ${y}) -> (${p.x}, ${p.y})`);
          // Never further than a known floor point.
          assert.ok(Math.hypot(p.x - x, p.y - y) <= Math.hypot(5 - x, 5 - y) + 1e-6);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('and it is the nearest: no floor point of a 0.1 m lattice is closer', () => {
    const lattice: { x: number; y: number }[] = [];
    for (let x = 0.05; x < 20.66; x += 0.1)
      for (let y = 0.05; y < 17.64; y += 0.1) if (onFloor({ x, y }, area)) lattice.push({ x, y });
    fc.assert(
      fc.property(
        fc.double({ min: -10, max: 30, noNaN: true }),
        fc.double({ min: -10, max: 28, noNaN: true }),
        (x, y) => {
          const p = nearestOnFloor({ x, y }, area);
          const d = Math.hypot(p.x - x, p.y - y);
          const nearestSample = Math.min(...lattice.map((q) => Math.hypot(q.x - x, q.y - y)));
          assert.ok(d <= nearestSample + 1e-6, `(${x}, ${y}): ${d} vs ${nearestSample}`);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('no fix off the floor, any method, real recordings', () => {
  let calibrated: PositioningSite;
  let windows: ReadingWindow[];

  before(async () => {
    const loaded = await loadSite(join(dir, 'boun_site.json'));
    assert.ok(loaded.ok);
    const site = loaded.site;
    const train = await readProbeLog(join(dir, 'boun_straight_01.log'));
    const trainWindows = windowObservations(train.observations, { windowSeconds: 2 });
    const truthAt = truthLookup(
      parseTruthCsv(await readFile(join(dir, 'boun_straight_01.truth.csv'), 'utf8')).points,
    );
    const sensors = positioningSites(site)[0]!.site.sensors;
    const fit = fitPathLoss(calibrationSamples(trainWindows, sensors, truthAt, site.deviceZ!));
    assert.ok(fit.ok);
    calibrated = positioningSites(
      withSurvey(applyCalibration(site, fit.result), surveyFromWindows(trainWindows, truthAt)),
    )[0]!.site;
    const test = await readProbeLog(join(dir, 'boun_straight_04.log'));
    windows = windowObservations(test.observations, { windowSeconds: 2 });
  });

  /** Windows as recorded, and the same windows with three sensors reading implausibly loud. */
  function inputs(): ReadingWindow[] {
    const loud = windows.map((w, i) => ({
      ...w,
      device: 'loud',
      readings: w.readings.map((r, k) =>
        k < 3
          ? { ...r, rssi: -20 - i, mean: -20 - i, upper: -20 - i }
          : { ...r, rssi: -99, mean: -99, upper: -99 },
      ),
    }));
    return [...windows, ...loud];
  }

  for (const layout of ['the box', 'an L-shaped outline with a desk'] as const) {
    it(`all ${METHOD_NAMES.length} methods, ${layout}`, () => {
      const site: PositioningSite =
        layout === 'the box' ? calibrated : { ...calibrated, outline: L_OUTLINE, obstacles: [DESK] };
      const area = floorArea(site);
      const { methods, unavailable } = createMethods(site);
      assert.deepEqual(unavailable, []);
      assert.equal(methods.length, METHOD_NAMES.length);
      let clamped = 0;
      for (const m of methods) {
        const fixes = locateWindows(inputs(), site, m);
        assert.equal(fixes.length, 2 * windows.length, m.name);
        for (const f of fixes) {
          assert.ok(f.solution.ok, `${m.name}: ${JSON.stringify(f.solution)}`);
          assert.ok(onFloor(f.solution, area), `${m.name} at (${f.solution.x}, ${f.solution.y})`);
          assert.ok(f.solution.radius90! > 0 && Number.isFinite(f.solution.radius90), `${m.name} radius90`);
          if (f.solution.clamped) clamped++;
        }
      }
      assert.ok(clamped > 0, 'some answers had to be moved onto the floor');
    });
  }
});

describe('a point moved onto the floor', () => {
  it('lands strictly inside, so the zone it is in is never a toss-up', () => {
    const area: FloorArea = { bounds: [0, 0, 20.66, 17.64] };
    const p = nearestOnFloor({ x: 11.741, y: 17.714 }, area);
    assert.ok(p.y < 17.64 && p.y > 17.64 - 1e-5, JSON.stringify(p));
    assert.ok(Math.abs(p.x - 11.741) < 1e-5);
  });
});
