import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { floorOf, locateOnFloors } from '../../../src/core/positioning/locate.ts';
import type { PositioningSite } from '../../../src/core/positioning/positioningSite.ts';
import { calibrateRecordings } from '../../../src/core/positioning/siteCalibration.ts';
import { truthLookup } from '../../../src/core/positioning/truth.ts';
import { FLOOR, MODEL, SENSORS, exactWalk } from './synthetic.ts';

const calibratedSite: PositioningSite = {
  sensors: SENSORS.map((s) => ({ ...s, pathLoss: { model: 'reference', ...MODEL }, sigmaDb: 2 })),
  bounds: FLOOR,
  deviceZ: 1.2,
  statistic: 'median',
};

describe('locating on floors', () => {
  const upstairs: PositioningSite = {
    ...calibratedSite,
    sensors: calibratedSite.sensors.map((s) => ({ ...s, id: `up-${s.id}` })),
  };
  const floors = [
    { floor: 'ground', site: calibratedSite },
    { floor: 'first', site: upstairs },
  ];

  it('sends a window to the floor whose sensor heard the device loudest', () => {
    const { windows } = exactWalk({ x: 3, y: 3 }, { x: 3, y: 3 }, 1);
    const w = windows[0]!;
    const faint = {
      ...w,
      readings: [
        ...w.readings,
        ...w.readings.map((r) => ({ ...r, sensorId: `up-${r.sensorId}`, rssi: r.rssi - 15 })),
      ],
    };
    assert.equal(floorOf(faint, floors)?.floor, 'ground');
    const loud = {
      ...w,
      readings: [...w.readings, { ...w.readings[0]!, sensorId: `up-${w.readings[1]!.sensorId}`, rssi: -30 }],
    };
    assert.equal(floorOf(loud, floors)?.floor, 'first');
    assert.equal(floorOf({ ...w, readings: [] }, floors), undefined);
  });

  it('locates each floor with its own sensors', () => {
    const ground = exactWalk({ x: 2, y: 2 }, { x: 6, y: 4 }, 5, 1.2, 'g');
    const first = exactWalk({ x: 15, y: 12 }, { x: 12, y: 12 }, 5, 1.2, 'f');
    const firstWindows = first.windows.map((w) => ({
      ...w,
      readings: w.readings.map((r) => ({ ...r, sensorId: `up-${r.sensorId}` })),
    }));
    const { fixes, unavailable } = locateOnFloors([...ground.windows, ...firstWindows], floors, 'wnls');
    assert.deepEqual(unavailable, []);
    assert.deepEqual([...new Set(fixes.map((f) => `${f.device}@${f.floor}`))], ['f@first', 'g@ground']);
    for (const f of fixes) {
      const truth = (f.device === 'g' ? ground : first).truth.find((p) => p.t === f.t)!;
      assert.ok(f.solution.ok && Math.hypot(f.solution.x - truth.x, f.solution.y - truth.y) < 1e-3);
    }
  });

  it('says when a floor cannot run the method', () => {
    const { windows } = exactWalk({ x: 2, y: 2 }, { x: 6, y: 4 }, 2);
    const r = locateOnFloors(windows, [{ floor: undefined, site: calibratedSite }], 'knn');
    assert.equal(r.fixes.length, 0);
    assert.match(r.unavailable[0]!.reason, /survey/);
  });
});

describe('calibrateRecordings', () => {
  const uncalibrated: PositioningSite = { sensors: SENSORS, bounds: FLOOR, deviceZ: 1.2 };
  const a = exactWalk({ x: 2, y: 2 }, { x: 18, y: 5 }, 10);
  const b = exactWalk({ x: 3, y: 13 }, { x: 17, y: 10 }, 10);
  const recordings = [a, b].map((w) => ({ windows: w.windows, truthAt: truthLookup(w.truth) }));

  it('fits the model, keeps a survey and measures the map on held-out recordings', () => {
    const r = calibrateRecordings(uncalibrated, recordings, { statistic: 'median' });
    assert.ok(r.ok);
    const { fit, survey, surveySigmaDb, statistic } = r.calibration;
    assert.equal(statistic, 'median');
    assert.ok(
      Math.abs(fit.global.n - MODEL.n) < 1e-6 && Math.abs(fit.global.rssiAt1m - MODEL.rssiAt1m) < 1e-6,
    );
    assert.equal(survey.length, 20);
    assert.equal(surveySigmaDb.size, SENSORS.length);
    for (const sigma of surveySigmaDb.values()) assert.ok(sigma < 1, `${sigma}`); // exact data: only cell size
  });

  it('a single spot recording is enough for the model, not for the held-out figure', () => {
    const spot = { windows: a.windows.slice(0, 3), truthAt: () => ({ x: 2, y: 2 }) };
    const r = calibrateRecordings(uncalibrated, [spot]);
    assert.ok(r.ok);
    assert.equal(r.calibration.surveySigmaDb.size, 0);
    assert.equal(calibrateRecordings(uncalibrated, []).ok, false);
  });
});
