import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createFingerprintSolver } from '../../../src/core/positioning/fingerprint.ts';
import { createGridSolver } from '../../../src/core/positioning/gridFilter.ts';
import { createLinearSolver } from '../../../src/core/positioning/linearLeastSquares.ts';
import { createWeightedLeastSquares } from '../../../src/core/positioning/nonlinearLeastSquares.ts';
import { expectedRssi } from '../../../src/core/positioning/pathLoss.ts';
import { buildRadioMap } from '../../../src/core/positioning/radioMap.ts';
import type { Measurement, Solution, Solver } from '../../../src/core/positioning/solver.ts';
import { FLOOR, MODEL, SENSORS, exactMeasurements } from './synthetic.ts';

const Z = 1.2;

type SensorSet = readonly { id: string; x: number; y: number; z: number }[];

/** Every single-window solver (built for a set of sensors), with how close it must get on exact data. */
const solvers: { name: string; make: (sensors: SensorSet) => Solver; exactTo: number }[] = [
  { name: 'linear', make: () => createLinearSolver(), exactTo: 1e-3 },
  { name: 'wnls', make: () => createWeightedLeastSquares(), exactTo: 1e-3 },
  {
    name: 'grid',
    make: (sensors) =>
      createGridSolver(
        buildRadioMap({
          sensors: sensors.map((s) => ({ ...s, model: MODEL })),
          bounds: FLOOR,
          deviceZ: Z,
          cell: 0.1,
        }),
      ),
    // The best cell of a 0.1 m grid; close to a sensor the likelihood is flat along its range
    // circle, so the best cell can sit a few cells along the arc.
    exactTo: 0.5,
  },
];

function assertSane(s: Solution): void {
  if (s.ok) {
    assert.ok(Number.isFinite(s.x) && Number.isFinite(s.y), `non-finite fix ${JSON.stringify(s)}`);
    assert.ok(Number.isFinite(s.rangeRms));
  } else {
    assert.ok(['too-few-sensors', 'degenerate-geometry', 'invalid-input', 'no-match'].includes(s.reason));
    assert.ok(s.detail.length > 0);
  }
}

const floorPoint = fc.record({
  x: fc.double({ min: 0.5, max: 19.5, noNaN: true }),
  y: fc.double({ min: 0.5, max: 14.5, noNaN: true }),
});

for (const { name, make, exactTo } of solvers) {
  describe(`solver contract: ${name}`, () => {
    const solver = make(SENSORS);
    it(`recovers a point from noise-free ranges to ${exactTo * 1000} mm`, () => {
      fc.assert(
        fc.property(floorPoint, ({ x, y }) => {
          const s = solver.solve({ measurements: exactMeasurements(x, y, Z), bounds: FLOOR, deviceZ: Z });
          assert.ok(s.ok, JSON.stringify(s));
          assert.ok(Math.hypot(s.x - x, s.y - y) <= exactTo, `(${s.x}, ${s.y}) vs (${x}, ${y})`);
          assert.ok(s.inBounds);
        }),
        { numRuns: 60 },
      );
    });

    it('refuses collinear sensors clearly', () => {
      const line = [0, 5, 10, 15].map((x, i) => ({ id: `s${i}`, x, y: 2, z: Z }));
      const s = make(line).solve({
        measurements: exactMeasurements(8, 9, Z, line),
        bounds: FLOOR,
        deviceZ: Z,
      });
      assert.equal(s.ok, false);
      assert.equal(!s.ok && s.reason, 'degenerate-geometry');
    });

    it('refuses two sensors clearly', () => {
      const s = solver.solve({
        measurements: exactMeasurements(8, 9, Z, SENSORS.slice(0, 2)),
        bounds: FLOOR,
        deviceZ: Z,
      });
      assert.equal(!s.ok && s.reason, 'too-few-sensors');
    });

    it('counts one sensor heard twice once', () => {
      const twice = [SENSORS[0]!, SENSORS[0]!, SENSORS[1]!];
      const s = solver.solve({ measurements: exactMeasurements(8, 9, Z, twice), bounds: FLOOR, deviceZ: Z });
      assert.equal(!s.ok && s.reason, 'too-few-sensors');
    });

    it('refuses non-finite input instead of returning NaN', () => {
      const ms = exactMeasurements(8, 9, Z);
      ms[2] = { ...ms[2]!, distance: NaN };
      assert.equal(solver.solve({ measurements: ms, bounds: FLOOR }).ok, false);
      assert.equal(
        solver.solve({ measurements: exactMeasurements(8, 9, Z), bounds: [0, 0, -1, 5] }).ok,
        false,
      );
    });

    it('never returns NaN, whatever the ranges', () => {
      const garbage = fc.array(
        fc.record({
          x: fc.double({ min: -50, max: 50, noNaN: true }),
          y: fc.double({ min: -50, max: 50, noNaN: true }),
          z: fc.double({ min: 0, max: 5, noNaN: true }),
          distance: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true })),
        }),
        { minLength: 0, maxLength: 8 },
      );
      fc.assert(
        fc.property(garbage, fc.boolean(), (raw, withRssi) => {
          const ms: Measurement[] = raw.map((r, i) => ({
            sensorId: `s${i}`,
            ...r,
            ...(withRssi ? { rssi: expectedRssi(MODEL, Math.max(r.distance, 0.01)), model: MODEL } : {}),
          }));
          assertSane(solver.solve({ measurements: ms, bounds: FLOOR, deviceZ: Z }));
          assertSane(solver.solve({ measurements: ms }));
        }),
        { numRuns: 150 },
      );
    });
  });
}

describe('a device outside the floor', () => {
  const outside = { x: 24, y: 7 };
  const input = { measurements: exactMeasurements(outside.x, outside.y, Z), bounds: FLOOR, deviceZ: Z };

  it('the linear baseline is moved onto the floor, says so, and its spread covers the move', () => {
    const s = createLinearSolver().solve(input);
    assert.ok(s.ok);
    assert.ok(Math.abs(s.x - 20) < 1e-5 && Math.abs(s.y - outside.y) < 1e-3, `(${s.x}, ${s.y})`);
    assert.equal(s.inBounds, true);
    assert.equal(s.clamped, true);
    assert.ok(s.spread! >= 4 - 1e-6, `spread ${s.spread}`);
  });

  it('without bounds, the linear baseline reports the outside point', () => {
    const s = createLinearSolver().solve({ ...input, bounds: undefined });
    assert.ok(s.ok);
    assert.ok(Math.hypot(s.x - outside.x, s.y - outside.y) < 1e-3);
    assert.equal(s.clamped, false);
  });

  it('bounded least squares stops at the wall and says it was clamped', () => {
    const s = createWeightedLeastSquares().solve(input);
    assert.ok(s.ok);
    assert.ok(Math.abs(s.x - 20) < 1e-6, `x = ${s.x}`);
    assert.ok(Math.abs(s.y - outside.y) < 0.5, `y = ${s.y}`);
    assert.equal(s.inBounds, true);
    assert.equal(s.clamped, true);
  });

  it('without bounds, least squares finds the outside point', () => {
    const s = createWeightedLeastSquares().solve({ ...input, bounds: undefined });
    assert.ok(s.ok);
    assert.ok(Math.hypot(s.x - outside.x, s.y - outside.y) < 1e-3);
  });
});

describe('weighted least squares', () => {
  it('fits bare ranges (no RSSI) too', () => {
    const ms = exactMeasurements(12.3, 4.4, Z).map(({ rssi: _r, model: _m, ...rest }) => rest);
    const s = createWeightedLeastSquares().solve({ measurements: ms, bounds: FLOOR, deviceZ: Z });
    assert.ok(s.ok && Math.hypot(s.x - 12.3, s.y - 4.4) < 1e-3);
  });

  it('beats the linear baseline on noisy RSSI (seeded)', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const gauss = () => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
    let lin = 0;
    let wls = 0;
    for (let i = 0; i < 200; i++) {
      const x = 1 + 18 * rand();
      const y = 1 + 13 * rand();
      const ms = exactMeasurements(x, y, Z).map((m) => {
        const rssi = m.rssi! + 4 * gauss();
        return { ...m, rssi, distance: 10 ** ((MODEL.rssiAt1m - rssi) / (10 * MODEL.n)) };
      });
      const a = createLinearSolver().solve({ measurements: ms, bounds: FLOOR, deviceZ: Z });
      const b = createWeightedLeastSquares().solve({ measurements: ms, bounds: FLOOR, deviceZ: Z });
      assert.ok(a.ok && b.ok);
      lin += Math.hypot(a.x - x, a.y - y);
      wls += Math.hypot(b.x - x, b.y - y);
    }
    assert.ok(wls < lin * 0.8, `wnls mean ${wls / 200} vs linear ${lin / 200}`);
  });
});

describe('fingerprinting', () => {
  const survey = [
    { x: 2, y: 2, rssi: { a: -50, b: -70, c: -80 } },
    { x: 10, y: 2, rssi: { a: -70, b: -50, c: -75 } },
    { x: 6, y: 10, rssi: { a: -75, b: -72, c: -48 } },
  ];
  const m = (sensorId: string, rssi: number): Measurement => ({
    sensorId,
    x: 0,
    y: 0,
    z: 0,
    distance: 1,
    rssi,
  });

  it('answers with the nearest survey point when k = 1', () => {
    const s = createFingerprintSolver(survey, 'knn', { k: 1 }).solve({
      measurements: [m('a', -71), m('b', -51), m('c', -74)],
    });
    assert.ok(s.ok);
    assert.deepEqual([s.x, s.y], [10, 2]);
  });

  it('refuses when no survey point shares enough sensors', () => {
    const s = createFingerprintSolver(survey).solve({
      measurements: [m('a', -71), m('x', -51), m('y', -74)],
    });
    assert.equal(!s.ok && s.reason, 'no-match');
    const few = createFingerprintSolver(survey).solve({ measurements: [m('a', -71)] });
    assert.equal(!few.ok && few.reason, 'too-few-sensors');
  });
});
