import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  applyCalibration,
  formatSiteIssues,
  loadSite,
  positioningSites,
  saveSite,
  validateSite,
  withSurvey,
  zoneAt,
} from '../../src/config/site.ts';
import { fitPathLoss } from '../../src/core/positioning/calibration.ts';

const EXAMPLE = { sensors: [{ id: 'e4956e410ac2', x: 8.5, y: 5.7, z: 1.2 }], bounds: [0, 0, 20, 15] };

const THREE = {
  sensors: [
    { id: 'E4:95:6E:41:0A:C2', x: 1, y: 1, z: 2.3 },
    { id: 'e4956e410ac3', x: 19, y: 1, z: 2.3 },
    { id: 'lobby-pi', x: 10, y: 14, z: 1.2 },
  ],
  bounds: [0, 0, 20, 15],
};

describe('validateSite', () => {
  it("accepts the issue's minimal example, warning that one sensor cannot position", () => {
    const v = validateSite(EXAMPLE);
    assert.ok(v.ok);
    assert.equal(v.site.sensors[0]!.id, 'e4956e410ac2');
    assert.deepEqual(
      v.warnings.map((w) => w.path),
      ['sensors'],
    );
  });

  it('accepts every optional part', () => {
    const v = validateSite({
      ...THREE,
      deviceZ: 1.1,
      floorPlan: { image: 'plan.png', metresPerPixel: 0.03, origin: [22, 9] },
      zones: [
        {
          name: 'entrance',
          polygon: [
            [0, 0],
            [5, 0],
            [5, 4],
          ],
        },
      ],
      pathLoss: { model: 'document', p0: 0, fadeMargin: 14, n: 2.7 },
      survey: [{ x: 3, y: 4, rssi: { e4956e410ac2: -61 } }],
    });
    assert.ok(v.ok, v.ok ? '' : formatSiteIssues(v.errors));
    assert.deepEqual(v.warnings, []);
  });

  it('lists every error, each with its path and a hint', () => {
    const v = validateSite({
      sensors: [
        { id: 'a', x: 1, y: 'two', z: 1 },
        { id: 'E4-95-6E-41-0A-C2', x: 1, y: 1 },
        { id: 'e4956e410ac2', x: 2, y: 2, z: 1, floor: 3 },
        { id: 'b', x: 2, y: 2, z: 1, colour: 'red' },
      ],
      bounds: [20, 0, 0, 15],
      floors: [{ id: 1 }],
      zones: [
        {
          name: 'flat',
          polygon: [
            [0, 0],
            [1, 1],
            [2, 2],
          ],
        },
        {
          name: 'tiny',
          polygon: [
            [0, 0],
            [1, 1],
          ],
        },
      ],
      pathLoss: { model: 'magic', n: 2 },
      colour: 'blue',
    });
    assert.equal(v.ok, false);
    const paths = v.ok ? [] : v.errors.map((e) => e.path);
    for (const p of [
      'sensors[0].y',
      'sensors[1].z',
      'sensors[3]',
      'bounds',
      'sensors[2].id',
      'sensors[2].floor',
      'zones[0].polygon',
      'zones[1].polygon',
      'pathLoss.model',
      '',
    ])
      assert.ok(paths.includes(p), `missing ${JSON.stringify(p)} in ${JSON.stringify(paths)}`);
    if (!v.ok) for (const e of v.errors) assert.ok(e.hint.length > 0 && e.message.length > 0);
    assert.match(
      formatSiteIssues(v.ok ? [] : v.errors),
      /sensors\[0\]\.y: .*Hint: a finite number of metres/,
    );
  });

  it('refuses an empty or non-object file', () => {
    assert.equal(validateSite(null).ok, false);
    const v = validateSite({ sensors: [], bounds: [0, 0, 1, 1] });
    assert.ok(!v.ok && v.errors[0]!.path === 'sensors');
  });

  it('warns about a sensor outside its floor', () => {
    const v = validateSite({ ...THREE, sensors: [...THREE.sensors, { id: 'far', x: 40, y: 2, z: 1 }] });
    assert.ok(v.ok);
    assert.deepEqual(
      v.warnings.map((w) => w.path),
      ['sensors[3]'],
    );
  });
});

describe('site files', () => {
  it('loads JSON, and reports unreadable or broken files as errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airtrace-site-'));
    await writeFile(join(dir, 'site.json'), JSON.stringify(THREE));
    const ok = await loadSite(join(dir, 'site.json'));
    assert.ok(ok.ok);
    await writeFile(join(dir, 'broken.json'), '{"sensors": [');
    const broken = await loadSite(join(dir, 'broken.json'));
    assert.ok(!broken.ok && /not valid JSON/.test(broken.errors[0]!.message));
    const missing = await loadSite(join(dir, 'nope.json'));
    assert.ok(!missing.ok && /cannot read/.test(missing.errors[0]!.message));
  });

  it('loads YAML when a YAML package is installed, and says what is missing otherwise', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airtrace-site-'));
    const path = join(dir, 'site.yaml');
    await writeFile(
      path,
      'sensors:\n  - {id: e4956e410ac2, x: 8.5, y: 5.7, z: 1.2}\nbounds: [0, 0, 20, 15]\n',
    );
    const v = await loadSite(path);
    if (v.ok) assert.equal(v.site.sensors[0]!.x, 8.5);
    else assert.match(v.errors[0]!.message, /need the "yaml" package/);
  });

  it('saves what it loads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airtrace-site-'));
    const v = validateSite(THREE);
    assert.ok(v.ok);
    await saveSite(join(dir, 'out.json'), v.site);
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'out.json'), 'utf8')), THREE);
  });
});

describe('calibration and positioning views of a site', () => {
  const v = validateSite(THREE);
  assert.ok(v.ok);
  const site = v.site;

  it('writes fitted parameters per sensor and site-wide, matching ids loosely', () => {
    const samples = [1, 2, 4, 8, 16].flatMap((d) => [
      { sensorId: 'e4:95:6e:41:0a:c2', distance: d, rssi: -55 - 20 * Math.log10(d) },
      { sensorId: 'lobby-pi', distance: d, rssi: -65 - 20 * Math.log10(d) },
    ]);
    const fit = fitPathLoss(samples, { minSamples: 3 });
    assert.ok(fit.ok);
    const calibrated = applyCalibration(site, fit.result, {
      fittedAt: '2024-06-01T00:00:00Z',
      statistic: 'upper',
    });
    assert.deepEqual(calibrated.sensors[0]!.calibration, { rssiAt1m: -55, n: 2, sigmaDb: 1, samples: 5 });
    assert.equal(calibrated.sensors[1]!.calibration, undefined);
    assert.equal(calibrated.pathLoss?.model, 'reference');
    assert.equal(calibrated.calibration?.statistic, 'upper');
    assert.ok(validateSite(calibrated).ok);

    const [floor] = positioningSites(calibrated);
    assert.equal(floor!.floor, undefined);
    assert.equal(floor!.site.sensors[0]!.id, 'e4:95:6e:41:0a:c2');
    assert.deepEqual(floor!.site.sensors[0]!.pathLoss, { model: 'reference', rssiAt1m: -55, n: 2 });
    assert.equal(floor!.site.sensors[1]!.pathLoss, undefined);
    assert.equal(floor!.site.statistic, 'upper');
  });

  it('carries a survey with sensor ids normalised', () => {
    const surveyed = withSurvey(site, [{ x: 1.234, y: 2, rssi: { E4956E410AC2: -60 } }]);
    assert.deepEqual(positioningSites(surveyed)[0]!.site.survey, [
      { x: 1.23, y: 2, rssi: { 'e4:95:6e:41:0a:c2': -60 } },
    ]);
  });

  it('splits a site with floors into one positioning site per floor', () => {
    const v2 = validateSite({
      ...THREE,
      sensors: THREE.sensors.map((s, i) => ({ ...s, floor: i < 2 ? 'ground' : 'first' })),
      floors: [{ id: 'ground' }, { id: 'first', bounds: [0, 0, 10, 15] }],
    });
    assert.ok(v2.ok);
    const floors = positioningSites(v2.site);
    assert.deepEqual(
      floors.map((f) => [f.floor, f.site.sensors.length, f.site.bounds[2]]),
      [
        ['ground', 2, 20],
        ['first', 1, 10],
      ],
    );
  });

  it('finds the zone a position is in', () => {
    const z = validateSite({
      ...THREE,
      zones: [
        {
          name: 'desk',
          polygon: [
            [0, 0],
            [4, 0],
            [4, 4],
            [0, 4],
          ],
        },
      ],
    });
    assert.ok(z.ok);
    assert.equal(zoneAt(z.site, { x: 2, y: 2 }), 'desk');
    assert.equal(zoneAt(z.site, { x: 6, y: 2 }), undefined);
  });

  it('carries the floor outline, obstacles and zones of each floor, and what calibration tuned', () => {
    const square = (a: number, b: number, c: number, d: number) => [
      [a, b],
      [c, b],
      [c, d],
      [a, d],
    ];
    const v2 = validateSite({
      ...THREE,
      sensors: THREE.sensors.map((s, i) => ({ ...s, floor: i < 2 ? 'ground' : 'first' })),
      floors: [
        {
          id: 'ground',
          outline: [
            [0, 0],
            [20, 0],
            [20, 8],
            [10, 8],
            [10, 15],
            [0, 15],
          ],
        },
        { id: 'first' },
      ],
      obstacles: [
        { name: 'desks', floor: 'ground', polygon: square(2, 2, 4, 4) },
        { name: 'lift shaft', polygon: square(18, 13, 20, 15) },
      ],
      zones: [
        { name: 'shop', floor: 'ground', polygon: square(0, 0, 10, 15) },
        { name: 'office', floor: 'first', polygon: square(0, 0, 20, 15) },
      ],
    });
    assert.ok(v2.ok, v2.ok ? '' : formatSiteIssues(v2.errors));
    const [ground, first] = positioningSites(v2.site);
    assert.equal(ground!.site.outline!.length, 6);
    assert.equal(first!.site.outline, undefined);
    assert.equal(ground!.site.obstacles!.length, 2, 'its own and the one for every floor');
    assert.equal(first!.site.obstacles!.length, 1);
    assert.deepEqual(
      [ground!.site.zones!.map((z) => z.name), first!.site.zones!.map((z) => z.name)],
      [['shop'], ['office']],
    );

    const samples = [1, 2, 4, 8, 16].map((d) => ({
      sensorId: 'lobby-pi',
      distance: d,
      rssi: -60 - 20 * Math.log10(d),
    }));
    const fit = fitPathLoss(samples, { minSamples: 3 });
    assert.ok(fit.ok);
    const tuned = applyCalibration(site, fit.result, {
      tuning: {
        radius90Scale: { 'grid-filter': 1.23456, wnls: 2 },
        speedSigma: { pathLoss: 0.5 },
        smootherSpeedSigma: { survey: 0.35 },
      },
    });
    assert.ok(validateSite(tuned).ok, 'the tuning block validates');
    assert.deepEqual(tuned.calibration?.tuning, {
      radius90Scale: { 'grid-filter': 1.235, wnls: 2 },
      speedSigma: { pathLoss: 0.5 },
      smootherSpeedSigma: { survey: 0.35 },
    });
    assert.deepEqual(positioningSites(tuned)[0]!.site.tuning, tuned.calibration?.tuning);
  });

  it('refuses an outline or obstacle with no area, and an obstacle on a floor that does not exist', () => {
    const v2 = validateSite({
      ...THREE,
      outline: [
        [0, 0],
        [5, 5],
        [10, 10],
      ],
      floors: [{ id: 'ground' }],
      obstacles: [
        {
          polygon: [
            [1, 1],
            [2, 2],
            [3, 3],
          ],
        },
        {
          floor: 'cellar',
          polygon: [
            [1, 1],
            [2, 1],
            [2, 2],
          ],
        },
        {
          polygon: [
            [1, 1],
            [2, 1],
          ],
        },
      ],
    });
    assert.ok(!v2.ok);
    const paths = v2.errors.map((e) => e.path);
    for (const path of ['outline', 'obstacles[0].polygon', 'obstacles[1].floor', 'obstacles[2].polygon'])
      assert.ok(paths.includes(path), `${path} in ${paths.join(', ')}`);
  });
});
