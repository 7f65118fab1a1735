import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSite } from '../../src/config/site.ts';
import { runCli } from '../helpers/cli.ts';
import { fixtures } from '../helpers/paths.ts';

const dir = join(fixtures, 'positioning');
const site = join(dir, 'boun_site.json');
const track01 = join(dir, 'boun_straight_01.log');
const truth01 = join(dir, 'boun_straight_01.truth.csv');
const track04 = join(dir, 'boun_straight_04.log');
const truth04 = join(dir, 'boun_straight_04.truth.csv');
const spot = join(dir, 'boun_spot', '10.36-10.95.log');
const work = mkdtempSync(join(tmpdir(), 'airtrace-calibrate-'));

interface Summary {
  n: number;
  median: number | null;
  mean: number | null;
  p90: number | null;
}

async function evaluate(sitePath: string): Promise<Record<string, Summary>> {
  const result = await runCli([
    'eval',
    'positioning',
    '--json',
    '--site',
    sitePath,
    '--truth',
    truth04,
    track04,
  ]);
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { solvers: Record<string, Summary> }).solvers;
}

test('calibrate --truth --out: the fitted site loads, keeps the rest of the file and changes the figures', async () => {
  const original = join(work, 'site.json');
  const withZone = {
    ...JSON.parse(readFileSync(site, 'utf8')),
    zones: [
      {
        name: 'corridor',
        polygon: [
          [0, 7],
          [20, 7],
          [20, 10],
          [0, 10],
        ],
      },
    ],
  };
  writeFileSync(original, JSON.stringify(withZone, null, 2));
  const before = readFileSync(original, 'utf8');
  const out = join(work, 'calibrated.json');
  const result = await runCli(['calibrate', '--site', original, '--truth', truth01, '--out', out, track01]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(readFileSync(original, 'utf8'), before, '--out leaves the site file alone');
  // Every sensor with its figures and residual, then the site-wide fallback.
  assert.match(result.stdout, /mode shared-exponent, statistic upper/);
  assert.match(result.stdout, /sensor\s+label\s+samples\s+RSSI@1m \(dBm\)\s+n\s+residual RMS \(dB\)/);
  for (let s = 1; s <= 4; s++)
    for (let k = 0; k <= 2; k++)
      assert.match(
        result.stdout,
        new RegExp(`sensor${s}${k}\\s+11\\s+-\\d+\\.\\d\\s+\\d\\.\\d\\d\\s+\\d+\\.\\d`),
      );
  assert.match(result.stdout, /site \(fallback\)\s+132\s/);
  assert.match(result.stdout, /written to .*calibrated\.json/);

  const loaded = await loadSite(out);
  assert.ok(loaded.ok, JSON.stringify(loaded));
  const fitted = loaded.site;
  assert.equal(fitted.sensors.length, 12);
  for (const s of fitted.sensors) {
    assert.ok(s.calibration, s.id);
    assert.equal(s.calibration.samples, 11);
    assert.ok(s.calibration.n >= 1 && s.calibration.n <= 6);
  }
  assert.equal(fitted.pathLoss?.model, 'reference');
  assert.equal(fitted.calibration?.mode, 'shared-exponent');
  assert.equal(fitted.calibration?.statistic, 'upper');
  assert.equal(fitted.survey?.length, 11, 'one survey point per window');
  assert.deepEqual(fitted.zones, withZone.zones);
  assert.equal(fitted.deviceZ, 1.8);

  const plain = await evaluate(original);
  const calibrated = await evaluate(out);
  assert.deepEqual(plain['document'], calibrated['document'], "the document's method ignores calibration");
  assert.notDeepEqual(plain['wnls'], calibrated['wnls']);
  assert.equal(plain['survey-filter'], undefined);
  assert.ok(calibrated['survey-filter']!.n > 0, 'the survey makes the survey methods available');
  const located = await runCli(['locate', '--json', '--site', out, track04]);
  assert.equal(located.code, 0, located.stderr);
  assert.equal(
    (JSON.parse(located.stdout) as { method: string }).method,
    'survey-smoother',
    'the default with a survey',
  );
});

test('calibrate without --truth: positions from X-Y.log names, written into the site file itself', async () => {
  const copy = join(work, 'spot_site.json');
  copyFileSync(site, copy);
  const result = await runCli(['calibrate', '--site', copy, '--mode', 'global', '--no-survey', spot]);
  assert.equal(result.code, 0, result.stderr);
  const loaded = await loadSite(copy);
  assert.ok(loaded.ok);
  assert.equal(loaded.site.calibration?.mode, 'global');
  assert.equal(loaded.site.survey, undefined, '--no-survey');
  const ns = new Set(loaded.site.sensors.map((s) => s.calibration?.n));
  assert.equal(ns.size, 1, 'global: one exponent for all');
});

test('calibrate --json: the figures per sensor, by the site file id', async () => {
  const copy = join(work, 'json_site.json');
  copyFileSync(site, copy);
  const result = await runCli([
    'calibrate',
    '--json',
    '--site',
    copy,
    '--truth',
    truth01,
    '--truth',
    truth04,
    '--mode',
    'per-sensor',
    track01,
    track04,
  ]);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as {
    mode: string;
    global: { n: number; samples: number };
    sensors: Record<
      string,
      { rssiAt1m: number; n: number; sigmaDb: number; samples: number; surveySigmaDb?: number }
    >;
    surveyPoints: number;
    written: string;
  };
  assert.equal(report.mode, 'per-sensor');
  assert.equal(report.global.samples, 18 * 12);
  assert.equal(Object.keys(report.sensors).length, 12);
  assert.equal(report.sensors['b827eb4521b4']!.samples, 18);
  assert.ok(report.sensors['b827eb4521b4']!.surveySigmaDb! > 0, 'two recordings: held-out survey noise');
  assert.equal(report.surveyPoints, 18);
  assert.equal(report.written, copy);
});

test('calibrate refuses logs it cannot place, and truth that misses the logs', async () => {
  const copy = join(work, 'refuse_site.json');
  copyFileSync(site, copy);
  const before = readFileSync(copy, 'utf8');
  const noTruth = await runCli(['calibrate', '--site', copy, track01]);
  assert.equal(noTruth.code, 1);
  assert.match(noTruth.stderr, /^airtrace: no --truth, and this log is not named X-Y\.log/);
  const wrongTruth = await runCli(['calibrate', '--site', copy, '--truth', truth04, track01]);
  assert.equal(wrongTruth.code, 1);
  assert.match(wrongTruth.stderr, /^airtrace: no window of the logs has a truth position at its time/);
  assert.doesNotMatch(noTruth.stderr + wrongTruth.stderr, /\n\s+at /);
  assert.equal(readFileSync(copy, 'utf8'), before, 'nothing written');
});

test('calibrate --help lists its options', async () => {
  const result = await runCli(['calibrate', '--help']);
  assert.equal(result.code, 0);
  for (const option of [
    '--site <file>',
    '--truth <file>',
    '--out <file>',
    '--mode <mode>',
    '--statistic <name>',
    '--window <seconds>',
    '--no-survey',
    '--json',
  ])
    assert.ok(result.stdout.includes(option), option);
  assert.match(result.stdout, /shared-exponent/);
  assert.match(result.stdout, /X-Y\.log/);
});

test('calibrate on two recordings tunes speed and error bars on each held out; --no-tune does not', async () => {
  const truth = join(work, 'both.truth.csv');
  writeFileSync(
    truth,
    readFileSync(truth01, 'utf8') + readFileSync(truth04, 'utf8').split('\n').slice(1).join('\n'),
  );
  const tunedPath = join(work, 'tuned.json');
  const tuned = await runCli([
    'calibrate',
    '--site',
    site,
    '--truth',
    truth,
    '--out',
    tunedPath,
    track01,
    track04,
  ]);
  assert.equal(tuned.code, 0, tuned.stderr);
  assert.match(
    tuned.stdout,
    /tuned on held-out recordings: walking speed pathLoss [\d.]+ m\/s, survey [\d.]+ m\/s; 90% radius = spread x document \d/,
  );
  const loaded = await loadSite(tunedPath);
  assert.ok(loaded.ok);
  const t = loaded.site.calibration?.tuning;
  assert.ok(
    t?.radius90Scale?.['survey-filter'] !== undefined && t.speedSigma?.pathLoss !== undefined,
    JSON.stringify(t),
  );
  const json = await runCli([
    'calibrate',
    '--json',
    '--no-tune',
    '--site',
    site,
    '--truth',
    truth,
    '--out',
    join(work, 'untuned.json'),
    track01,
    track04,
  ]);
  assert.equal(json.code, 0, json.stderr);
  assert.equal((JSON.parse(json.stdout) as { tuning: unknown }).tuning, null);
  const untuned = await loadSite(join(work, 'untuned.json'));
  assert.ok(untuned.ok && untuned.site.calibration?.tuning === undefined);
  // locate reads the tuned factors: radius90 = spread x the survey-smoother's factor.
  const located = await runCli(['locate', '--json', '--site', tunedPath, track04]);
  assert.equal(located.code, 0, located.stderr);
  const fixes = (JSON.parse(located.stdout) as { fixes: { spread: number; radius90: number }[] }).fixes;
  const k = t.radius90Scale!['survey-smoother']!;
  for (const f of fixes)
    assert.ok(Math.abs(f.radius90 - f.spread * k) <= 0.01 + 0.005 * k, JSON.stringify(f));
});
