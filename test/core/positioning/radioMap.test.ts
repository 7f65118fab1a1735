import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectedRssi } from '../../../src/core/positioning/pathLoss.ts';
import {
  buildRadioMap,
  expectedAtPoint,
  heldOutSurveySigma,
} from '../../../src/core/positioning/radioMap.ts';
import { FLOOR, MODEL, SENSORS } from './synthetic.ts';

const sensors = SENSORS.map((s) => ({ ...s, model: MODEL }));

describe('radio map', () => {
  it('is the path-loss model without a survey', () => {
    const map = buildRadioMap({ sensors, bounds: FLOOR, deviceZ: 1.2, cell: 0.5 });
    assert.deepEqual([map.nx, map.ny], [40, 30]);
    const s = SENSORS[0]!;
    const e = expectedAtPoint(map, s.id, { x: 5.25, y: 7.75 })!;
    assert.ok(Math.abs(e - expectedRssi(MODEL, Math.hypot(5.25 - s.x, 7.75 - s.y, 1.2 - s.z))) < 1e-9);
    assert.equal(expectedAtPoint(map, 'nobody', { x: 1, y: 1 }), undefined);
  });

  it('coarsens the grid to stay under maxCells', () => {
    const map = buildRadioMap({ sensors, bounds: [0, 0, 1000, 1000], maxCells: 10_000 });
    assert.ok(map.nx * map.ny <= 10_201);
  });

  it('a survey pulls the map towards what was measured nearby, and not far away', () => {
    const s = SENSORS[0]!;
    const at = { x: 10.25, y: 5.25 };
    const model = expectedRssi(MODEL, Math.hypot(at.x - s.x, at.y - s.y, 1.2 - s.z));
    const survey = Array.from({ length: 20 }, () => ({ x: at.x, y: at.y, rssi: { [s.id]: model - 10 } }));
    const map = buildRadioMap({
      sensors,
      bounds: FLOOR,
      deviceZ: 1.2,
      cell: 0.5,
      survey,
      surveyBandwidth: 1,
      surveyShrinkage: 1,
    });
    const near = expectedAtPoint(map, s.id, at)!;
    assert.ok(near < model - 9 && near > model - 10, `near ${near - model}`);
    const far = { x: 18.25, y: 13.25 };
    const farModel = expectedRssi(MODEL, Math.hypot(far.x - s.x, far.y - s.y, 1.2 - s.z));
    assert.ok(Math.abs(expectedAtPoint(map, s.id, far)! - farModel) < 1e-9);
  });

  it('measures its own error on held-out survey groups', () => {
    const s = SENSORS[0]!;
    const group = (offset: number) =>
      [2, 6, 10].map((x) => ({
        x,
        y: 5,
        rssi: { [s.id]: expectedRssi(MODEL, Math.hypot(x - s.x, 5 - s.y, 1.2 - s.z)) + offset },
      }));
    const sigma = heldOutSurveySigma({ sensors, bounds: FLOOR, deviceZ: 1.2, cell: 0.1 }, [
      group(0),
      group(0),
    ]);
    assert.ok(sigma.get(s.id)! < 0.3, `${sigma.get(s.id)}`); // only the map's cells differ from the exact points
    const noisy = heldOutSurveySigma({ sensors, bounds: FLOOR, deviceZ: 1.2 }, [group(3), group(-3)]);
    assert.ok(noisy.get(s.id)! > 3);
    assert.equal(heldOutSurveySigma({ sensors, bounds: FLOOR }, [group(0)]).size, 0);
  });
});
