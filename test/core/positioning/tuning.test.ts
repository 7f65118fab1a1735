/**
 * What calibration learns on held-out recordings (walking speed, error-bar factors), on the real
 * BOUN excerpts, and the radius90 plumbing every method shares.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { readProbeLog } from '../../../src/adapters/capture/probeLog.ts';
import { loadSite, positioningSites } from '../../../src/config/site.ts';
import { SPEED_CANDIDATES, tuneOnRecordings } from '../../../src/core/positioning/heldOutTuning.ts';
import { locateWindows } from '../../../src/core/positioning/locate.ts';
import { METHOD_NAMES, createMethods } from '../../../src/core/positioning/methods.ts';
import type { PositioningSite } from '../../../src/core/positioning/positioningSite.ts';
import {
  GAUSSIAN_RADIUS90_SCALE,
  radius90Scale,
  withRadius90,
} from '../../../src/core/positioning/radius90.ts';
import { windowObservations } from '../../../src/core/positioning/readings.ts';
import {
  type CalibrationRecording,
  calibrateRecordings,
  calibratedSite,
} from '../../../src/core/positioning/siteCalibration.ts';
import type { Positioner, Solution } from '../../../src/core/positioning/solver.ts';
import { parseTruthCsv, truthLookup } from '../../../src/core/positioning/truth.ts';
import { fixtures } from '../../helpers/paths.ts';

const dir = join(fixtures, 'positioning');

describe('radius90', () => {
  it('the factor is the 90th percentile of error over spread', () => {
    const samples = Array.from({ length: 20 }, (_, i) => ({ error: i + 1, spread: 2 }));
    assert.equal(radius90Scale(samples), 9, '18 of 20 within 9 x 2 m');
    assert.equal(radius90Scale([]), undefined);
    assert.equal(
      radius90Scale([
        { error: 1, spread: 0 },
        { error: NaN, spread: 1 },
      ]),
      undefined,
    );
    assert.ok(Math.abs(GAUSSIAN_RADIUS90_SCALE - 1.5174) < 1e-4);
  });

  it('every kind of positioner publishes spread x factor', () => {
    const fix: Solution = {
      ok: true,
      x: 1,
      y: 2,
      sensors: 3,
      rangeRms: 0,
      spread: 2,
      clamped: false,
      inBounds: true,
    };
    const input = { measurements: [], t: 1 };
    const kinds: Positioner[] = [
      { kind: 'solver', name: 's', solve: () => fix },
      { kind: 'tracker', name: 't', step: () => ({ state: 1, solution: fix }) },
      {
        kind: 'lagged',
        name: 'l',
        lag: 1,
        step: () => ({ state: 1, released: [{ t: 1, solution: fix }] }),
        flush: () => [{ t: 2, solution: fix }],
      },
    ];
    for (const p of kinds) {
      const w = withRadius90(p, 1.5);
      const out =
        w.kind === 'solver'
          ? [w.solve(input)]
          : w.kind === 'tracker'
            ? [w.step(undefined, input).solution]
            : [
                ...w.step(undefined, input).released.map((r) => r.solution),
                ...w.flush(undefined).map((r) => r.solution),
              ];
      for (const s of out) assert.ok(s.ok && s.radius90 === 3, `${p.kind}: ${JSON.stringify(s)}`);
    }
  });
});

describe('tuning on held-out recordings, real excerpts', () => {
  let site: PositioningSite;
  let recordings: CalibrationRecording[];

  before(async () => {
    const loaded = await loadSite(join(dir, 'boun_site.json'));
    assert.ok(loaded.ok);
    site = positioningSites(loaded.site)[0]!.site;
    recordings = [];
    for (const name of ['boun_straight_01', 'boun_straight_04']) {
      const log = await readProbeLog(join(dir, `${name}.log`));
      recordings.push({
        windows: windowObservations(log.observations, { windowSeconds: 2 }),
        truthAt: truthLookup(parseTruthCsv(readFileSync(join(dir, `${name}.truth.csv`), 'utf8')).points),
      });
    }
  });

  it('learns a factor for every method and a speed per radio map from the candidates', () => {
    const c = calibrateRecordings(site, recordings);
    assert.ok(c.ok);
    const tuning = c.calibration.tuning;
    assert.ok(tuning, 'two recordings are enough');
    assert.deepEqual(Object.keys(tuning.radius90Scale!).sort(), [...METHOD_NAMES].sort());
    for (const [name, k] of Object.entries(tuning.radius90Scale!))
      assert.ok(k > 0 && k < 20, `${name}: ${k}`);
    assert.ok(SPEED_CANDIDATES.includes(tuning.speedSigma!.pathLoss!));
    assert.ok(SPEED_CANDIDATES.includes(tuning.speedSigma!.survey!));
    // The smoothers get their own speed, and build with it (the filters keep theirs).
    assert.ok(SPEED_CANDIDATES.includes(tuning.smootherSpeedSigma!.pathLoss!));
    assert.ok(SPEED_CANDIDATES.includes(tuning.smootherSpeedSigma!.survey!));
    // A site carrying the tuning: every method publishes its spread times its learned factor.
    const inner = calibrateRecordings(site, [recordings[0]!], { tune: false });
    assert.ok(inner.ok);
    const fitted = { ...calibratedSite(site, inner.calibration), tuning };
    for (const m of createMethods(fitted).methods) {
      assert.equal(m.radius90Scale, tuning.radius90Scale![m.name]);
      for (const f of locateWindows(recordings[1]!.windows, fitted, m))
        if (f.solution.ok) assert.ok(f.solution.radius90 === f.solution.spread! * m.radius90Scale, m.name);
    }
  });

  it('the smoothers walk at their own tuned speed, the filters at theirs', () => {
    const inner = calibrateRecordings(site, [recordings[0]!], { tune: false });
    assert.ok(inner.ok);
    const base = calibratedSite(site, inner.calibration);
    const xs = (tuning: PositioningSite['tuning'], name: 'survey-filter' | 'survey-smoother') => {
      const m = createMethods({ ...base, ...(tuning ? { tuning } : {}) }, [name]).methods[0]!;
      return locateWindows(recordings[1]!.windows, base, m).map((f) => (f.solution.ok ? f.solution.x : NaN));
    };
    const shared = { speedSigma: { survey: 1 } };
    const split = { speedSigma: { survey: 1 }, smootherSpeedSigma: { survey: 0.35 } };
    assert.deepEqual(xs(split, 'survey-filter'), xs(shared, 'survey-filter'));
    assert.notDeepEqual(xs(split, 'survey-smoother'), xs(shared, 'survey-smoother'));
    assert.deepEqual(xs(split, 'survey-smoother'), xs({ speedSigma: { survey: 0.35 } }, 'survey-smoother'));
  });

  it('gives the same answer twice, and nothing from one recording or with tuning off', () => {
    const calibrate = (training: readonly CalibrationRecording[]) => {
      const c = calibrateRecordings(site, training, { tune: false });
      return c.ok ? calibratedSite(site, c.calibration) : undefined;
    };
    assert.deepEqual(tuneOnRecordings(recordings, calibrate), tuneOnRecordings(recordings, calibrate));
    assert.equal(tuneOnRecordings(recordings.slice(0, 1), calibrate), undefined);
    const off = calibrateRecordings(site, recordings, { tune: false });
    assert.ok(off.ok && off.calibration.tuning === undefined);
  });

  it('speed is left alone when the recordings are too short to show walking (known spots)', () => {
    const short = recordings.map((r) => ({ ...r, windows: r.windows.slice(0, 4) }));
    const c = calibrateRecordings(site, short);
    assert.ok(c.ok && c.calibration.tuning);
    assert.deepEqual(c.calibration.tuning.speedSigma, {});
    assert.equal(c.calibration.tuning.smootherSpeedSigma, undefined);
    assert.ok(c.calibration.tuning.radius90Scale!['grid-filter']! > 0);
  });
});
