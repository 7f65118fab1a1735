import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CalibrationSample,
  calibrationSamples,
  fitPathLoss,
  surveyFromWindows,
} from '../../../src/core/positioning/calibration.ts';
import { expectedRssi } from '../../../src/core/positioning/pathLoss.ts';
import { truthLookup } from '../../../src/core/positioning/truth.ts';
import { SENSORS, exactWalk } from './synthetic.ts';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

/** Samples from each sensor at distances 1..20 m, from its own model, optionally with seeded noise. */
function samples(models: Record<string, { rssiAt1m: number; n: number }>, noiseDb = 0): CalibrationSample[] {
  let seed = 11;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const out: CalibrationSample[] = [];
  for (const [sensorId, m] of Object.entries(models))
    for (let d = 1; d <= 20; d += 0.5) {
      const noise = noiseDb * Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
      out.push({ sensorId, distance: d, rssi: expectedRssi(m, d) + noise });
    }
  return out;
}

describe('fitPathLoss', () => {
  it('recovers one model exactly from noise-free samples, in every mode', () => {
    const data = samples({ a: { rssiAt1m: -58, n: 2.4 }, b: { rssiAt1m: -58, n: 2.4 } });
    for (const mode of ['global', 'per-sensor', 'shared-exponent'] as const) {
      const fit = fitPathLoss(data, { mode });
      assert.ok(fit.ok);
      close(fit.result.global.rssiAt1m, -58, 1e-9);
      close(fit.result.global.n, 2.4, 1e-9);
      close(fit.result.sensors['a']!.rssiAt1m, -58, 1e-9);
      assert.equal(fit.result.global.sigmaDb, 1); // floored: radios report whole dB
    }
  });

  it('shared exponent: one n for the site, each sensor its own offset', () => {
    const data = samples({
      a: { rssiAt1m: -55, n: 1.8 },
      b: { rssiAt1m: -63, n: 1.8 },
      c: { rssiAt1m: -60, n: 1.8 },
    });
    const fit = fitPathLoss(data);
    assert.ok(fit.ok);
    assert.equal(fit.result.mode, 'shared-exponent');
    close(fit.result.sensors['a']!.rssiAt1m, -55, 1e-9);
    close(fit.result.sensors['b']!.rssiAt1m, -63, 1e-9);
    for (const s of Object.values(fit.result.sensors)) close(s.n, 1.8, 1e-9);
  });

  it('per sensor: each its own pair', () => {
    const data = samples({ a: { rssiAt1m: -55, n: 1.5 }, b: { rssiAt1m: -65, n: 3 } });
    const fit = fitPathLoss(data, { mode: 'per-sensor' });
    assert.ok(fit.ok);
    close(fit.result.sensors['a']!.n, 1.5, 1e-9);
    close(fit.result.sensors['b']!.n, 3, 1e-9);
    close(fit.result.sensors['b']!.rssiAt1m, -65, 1e-9);
  });

  it('reports the fit residual: about the noise that was added', () => {
    const fit = fitPathLoss(samples({ a: { rssiAt1m: -60, n: 2 }, b: { rssiAt1m: -60, n: 2 } }, 4));
    assert.ok(fit.ok);
    assert.ok(Math.abs(fit.result.global.sigmaDb - 4) < 0.8, `sigma ${fit.result.global.sigmaDb}`);
    assert.ok(Math.abs(fit.result.global.n - 2) < 0.3);
  });

  it('falls back to the global fit for a sensor with too few samples, and says so', () => {
    const data = [...samples({ a: { rssiAt1m: -60, n: 2 } }), { sensorId: 'lonely', distance: 4, rssi: -70 }];
    const fit = fitPathLoss(data, { minSamples: 5 });
    assert.ok(fit.ok);
    assert.equal(fit.result.sensors['lonely']!.samples, 1);
    assert.equal(fit.result.sensors['lonely']!.n, fit.result.global.n);
    assert.ok(fit.result.warnings.some((w) => w.startsWith('lonely')));
  });

  it('clamps an implausible exponent and says so', () => {
    const fit = fitPathLoss(samples({ a: { rssiAt1m: -40, n: 9 } }));
    assert.ok(fit.ok);
    assert.equal(fit.result.global.n, 6);
    assert.ok(fit.result.warnings.some((w) => /implausible/.test(w)));
  });

  it('refuses when every sample is at the same distance', () => {
    const fit = fitPathLoss([1, 2, 3].map((i) => ({ sensorId: 'a', distance: 5, rssi: -70 - i })));
    assert.equal(fit.ok, false);
    assert.match(!fit.ok ? fit.error : '', /same distance/);
    assert.equal(fitPathLoss([]).ok, false);
  });

  it('one spot heard by many sensors: the exponent comes from across the sensors', () => {
    // X-Y.log recordings at one place: each sensor sees a single distance.
    const data = SENSORS.map((s) => {
      const d = Math.hypot(s.x - 7, s.y - 5, s.z - 1.2);
      return { sensorId: s.id, distance: d, rssi: expectedRssi({ rssiAt1m: -60, n: 2 }, d) };
    });
    const fit = fitPathLoss([...data, ...data, ...data, ...data, ...data]);
    assert.ok(fit.ok);
    close(fit.result.global.n, 2, 1e-9);
    assert.ok(fit.result.warnings.some((w) => /global exponent/.test(w)));
  });
});

describe('calibration samples and surveys from recordings', () => {
  const walk = exactWalk({ x: 2, y: 3 }, { x: 16, y: 12 }, 10);
  const truthAt = truthLookup(walk.truth);

  it('pairs each window RSSI with the true slant range', () => {
    const s = calibrationSamples(walk.windows, SENSORS, truthAt, 1.2, 'median');
    assert.equal(s.length, 10 * SENSORS.length);
    const fit = fitPathLoss(s);
    assert.ok(fit.ok);
    close(fit.result.global.n, 2.2, 1e-6);
    close(fit.result.global.rssiAt1m, -59, 1e-6);
  });

  it('skips windows without truth and readings from unknown sensors', () => {
    assert.equal(calibrationSamples(walk.windows, SENSORS.slice(0, 2), () => undefined, 1.2).length, 0);
    assert.equal(calibrationSamples(walk.windows, SENSORS.slice(0, 2), truthAt, 1.2).length, 20);
  });

  it('turns windows into survey points at the true positions', () => {
    const survey = surveyFromWindows(walk.windows, truthAt);
    assert.equal(survey.length, 10);
    assert.deepEqual([survey[0]!.x, survey[0]!.y], [2, 3]);
    assert.equal(Object.keys(survey[0]!.rssi).length, SENSORS.length);
  });
});
