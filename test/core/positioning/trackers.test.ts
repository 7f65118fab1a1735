import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createGridFilter } from '../../../src/core/positioning/gridFilter.ts';
import { DEFAULT_SMOOTHER_LAG, createGridSmoother } from '../../../src/core/positioning/gridSmoother.ts';
import { createKalmanTracker } from '../../../src/core/positioning/kalman.ts';
import { createMethods } from '../../../src/core/positioning/methods.ts';
import { locateWindows } from '../../../src/core/positioning/locate.ts';
import { createWeightedLeastSquares } from '../../../src/core/positioning/nonlinearLeastSquares.ts';
import { buildRadioMap } from '../../../src/core/positioning/radioMap.ts';
import type { PositioningSite } from '../../../src/core/positioning/positioningSite.ts';
import type {
  LaggedTracker,
  SolveInput,
  Solution,
  TimedSolution,
  Tracker,
} from '../../../src/core/positioning/solver.ts';
import { FLOOR, MODEL, SENSORS, exactMeasurements, exactWalk } from './synthetic.ts';

const Z = 1.2;
// Noise-free readings, so a small stated noise: the belief is then sharp and unbiased.
const map = buildRadioMap({
  sensors: SENSORS.map((s) => ({ ...s, model: MODEL, sigmaDb: 1 })),
  bounds: FLOOR,
  deviceZ: Z,
  cell: 0.25,
});

function walkInputs(n: number): (SolveInput & { t: number; truth: { x: number; y: number } })[] {
  return Array.from({ length: n }, (_, i) => {
    const x = 3 + i * 0.8;
    const y = 4 + i * 0.4;
    return {
      t: 100 + 2 * i,
      measurements: exactMeasurements(x, y, Z),
      bounds: FLOOR,
      deviceZ: Z,
      truth: { x, y },
    };
  });
}

function runTracker<S>(tracker: Tracker<S>, inputs: ReturnType<typeof walkInputs>): Solution[] {
  let state: S | undefined;
  return inputs.map((input) => {
    const r = tracker.step(state, input);
    state = r.state;
    return r.solution;
  });
}

function runLagged<S>(tracker: LaggedTracker<S>, inputs: ReturnType<typeof walkInputs>): TimedSolution[] {
  let state: S | undefined;
  const out: TimedSolution[] = [];
  for (const input of inputs) {
    const r = tracker.step(state, input);
    state = r.state;
    out.push(...r.released);
  }
  return [...out, ...tracker.flush(state)];
}

const trackers: { name: string; run: (inputs: ReturnType<typeof walkInputs>) => Solution[] }[] = [
  { name: 'kalman over wnls', run: (i) => runTracker(createKalmanTracker(createWeightedLeastSquares()), i) },
  { name: 'grid filter', run: (i) => runTracker(createGridFilter(map), i) },
  { name: 'grid smoother', run: (i) => runLagged(createGridSmoother(map), i).map((r) => r.solution) },
];

for (const { name, run } of trackers) {
  describe(`tracker contract: ${name}`, () => {
    it('settles on a device that stands still', () => {
      const inputs = walkInputs(8).map((input) => ({
        ...input,
        measurements: exactMeasurements(7, 9, Z),
        truth: { x: 7, y: 9 },
      }));
      const last = run(inputs).pop()!;
      assert.ok(last.ok && Math.hypot(last.x - 7, last.y - 9) < 0.3, JSON.stringify(last));
    });

    it('follows a noise-free walk at about 0.45 m/s', () => {
      // A random-walk prior trails a moving device a little.
      const inputs = walkInputs(12);
      const out = run(inputs);
      assert.equal(out.length, inputs.length);
      out.forEach((s, i) => {
        assert.ok(s.ok, JSON.stringify(s));
        const err = Math.hypot(s.x - inputs[i]!.truth.x, s.y - inputs[i]!.truth.y);
        assert.ok(err < 0.6, `window ${i}: error ${err.toFixed(3)} m`);
      });
    });

    it('never returns NaN on empty, two-sensor or invalid windows', () => {
      const inputs = walkInputs(6);
      inputs[2] = { ...inputs[2]!, measurements: [] };
      inputs[3] = { ...inputs[3]!, measurements: inputs[3]!.measurements.slice(0, 2) };
      inputs[4] = {
        ...inputs[4]!,
        measurements: inputs[4]!.measurements.map((m) => ({ ...m, distance: NaN })),
      };
      for (const s of run(inputs)) if (s.ok) assert.ok(Number.isFinite(s.x) && Number.isFinite(s.y));
    });
  });
}

describe('trackers over gaps and silence', () => {
  it('a grid filter coasts through a window without readings and says so', () => {
    const f = createGridFilter(map);
    const [a, b] = walkInputs(2);
    const first = f.step(undefined, a!);
    const coast = f.step(first.state, { ...b!, measurements: [] });
    assert.ok(coast.solution.ok && coast.solution.predicted);
    const nothing = f.step(undefined, { ...b!, measurements: [] });
    assert.equal(!nothing.solution.ok && nothing.solution.reason, 'too-few-sensors');
  });

  it('a grid filter with one sensor still answers, with a wide spread', () => {
    const f = createGridFilter(map);
    const s = f.step(undefined, { t: 0, measurements: exactMeasurements(5, 5, Z).slice(0, 1) }).solution;
    assert.ok(s.ok);
    assert.ok(s.spread! > 2, `spread ${s.spread}`);
  });

  it('a long silence starts a new track', () => {
    const k = createKalmanTracker(createWeightedLeastSquares(), 'k', { maxGapSeconds: 30 });
    const first = k.step(undefined, {
      t: 0,
      measurements: exactMeasurements(2, 2, Z),
      bounds: FLOOR,
      deviceZ: Z,
    });
    const later = k.step(first.state, {
      t: 1000,
      measurements: exactMeasurements(18, 13, Z),
      bounds: FLOOR,
      deviceZ: Z,
    });
    assert.ok(later.solution.ok && Math.hypot(later.solution.x - 18, later.solution.y - 13) < 1e-3);
  });

  it('the smoother releases each fix one window late, and the rest on flush', () => {
    const s = createGridSmoother(map, 'smoother', { lag: 1 });
    const inputs = walkInputs(3);
    const r0 = s.step(undefined, inputs[0]!);
    assert.equal(r0.released.length, 0);
    const r1 = s.step(r0.state, inputs[1]!);
    assert.deepEqual(
      r1.released.map((r) => r.t),
      [inputs[0]!.t],
    );
    const r2 = s.step(r1.state, inputs[2]!);
    assert.deepEqual(
      r2.released.map((r) => r.t),
      [inputs[1]!.t],
    );
    assert.deepEqual(
      s.flush(r2.state).map((r) => r.t),
      [inputs[2]!.t],
    );
  });

  it('by default the smoother holds each fix for DEFAULT_SMOOTHER_LAG (3) windows', () => {
    const s = createGridSmoother(map);
    assert.equal(s.lag, DEFAULT_SMOOTHER_LAG);
    assert.equal(DEFAULT_SMOOTHER_LAG, 3);
    const inputs = walkInputs(5);
    let state: Parameters<typeof s.step>[0];
    const releasedAt = inputs.map((input) => {
      const r = s.step(state, input);
      state = r.state;
      return r.released.map((x) => x.t);
    });
    assert.deepEqual(releasedAt, [[], [], [], [inputs[0]!.t], [inputs[1]!.t]]);
    assert.deepEqual(
      s.flush(state).map((r) => r.t),
      inputs.slice(2).map((i) => i.t),
    );
  });

  it('the smoother with lag 0 is the filter', () => {
    const inputs = walkInputs(5);
    const filtered = runTracker(createGridFilter(map), inputs);
    const smoothed = runLagged(createGridSmoother(map, 's', { lag: 0 }), inputs).map((r) => r.solution);
    filtered.forEach((f, i) => {
      const g = smoothed[i]!;
      assert.ok(f.ok && g.ok);
      assert.ok(Math.hypot(f.x - g.x, f.y - g.y) < 1e-9);
    });
  });
});

describe('locateWindows', () => {
  const site: PositioningSite = {
    sensors: SENSORS.map((s) => ({ ...s, pathLoss: { model: 'reference', ...MODEL }, sigmaDb: 3 })),
    bounds: FLOOR,
    deviceZ: Z,
    statistic: 'median',
  };

  it('keeps one track per device, for every kind of method', () => {
    const a = exactWalk({ x: 2, y: 2 }, { x: 7, y: 4 }, 6, Z, 'aa');
    const b = exactWalk({ x: 18, y: 13 }, { x: 14, y: 12 }, 6, Z, 'bb');
    const survey = a.truth.map((p, i) => ({
      x: p.x,
      y: p.y,
      rssi: Object.fromEntries(a.windows[i]!.readings.map((r) => [r.sensorId, r.rssi])),
    }));
    const { methods, unavailable } = createMethods({ ...site, survey });
    assert.deepEqual(unavailable, []);
    const windows = [...b.windows, ...a.windows].reverse();
    for (const m of methods) {
      const fixes = locateWindows(windows, { ...site, survey }, m);
      assert.equal(fixes.length, 12, m.name);
      for (const [device, walk] of [
        ['aa', a],
        ['bb', b],
      ] as const) {
        const mine = fixes.filter((f) => f.device === device);
        assert.deepEqual(
          mine.map((f) => f.t),
          walk.truth.map((p) => p.t),
          `${m.name} ${device}`,
        );
        if (m.name === 'document' || m.name === 'knn') continue; // uncalibrated / survey-bound
        mine.forEach((f, i) => {
          assert.ok(f.solution.ok, `${m.name}: ${JSON.stringify(f.solution)}`);
          const err = Math.hypot(f.solution.x - walk.truth[i]!.x, f.solution.y - walk.truth[i]!.y);
          assert.ok(err < 1.5, `${m.name} ${device} window ${i}: ${err.toFixed(2)} m`);
        });
      }
    }
  });

  it('lists methods a site cannot support, with the reason', () => {
    const { methods, unavailable } = createMethods(site, ['wnls', 'knn', 'survey-smoother', 'magic']);
    assert.deepEqual(
      methods.map((m) => m.name),
      ['wnls'],
    );
    assert.deepEqual(
      unavailable.map((u) => u.name),
      ['knn', 'survey-smoother', 'magic'],
    );
    assert.match(unavailable[0]!.reason, /survey/);
    assert.match(unavailable[2]!.reason, /unknown method/);
  });
});
