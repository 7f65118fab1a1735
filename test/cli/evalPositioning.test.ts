import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { fixtures } from '../helpers/paths.ts';

const dir = join(fixtures, 'positioning');
const site = join(dir, 'boun_site.json');
const track01 = join(dir, 'boun_straight_01.log');
const truth01 = join(dir, 'boun_straight_01.truth.csv');
const track04 = join(dir, 'boun_straight_04.log');
const truth04 = join(dir, 'boun_straight_04.truth.csv');
const spot = join(dir, 'boun_spot', '10.36-10.95.log');
const work = mkdtempSync(join(tmpdir(), 'airtrace-eval-positioning-'));

/** The BOUN layout: several logs, one truth file holding every track. */
const combinedTruth = join(work, 'truth.csv');
writeFileSync(
  combinedTruth,
  readFileSync(truth01, 'utf8') + readFileSync(truth04, 'utf8').split('\n').slice(1).join('\n'),
);

const NON_SURVEY = ['document', 'linear', 'wnls', 'wnls+kalman', 'grid', 'grid-filter'];

interface EvalJson {
  solvers: Record<string, { n: number; median: number | null; mean: number | null; p90: number | null }>;
  best: string | null;
}

async function evalJson(args: string[]): Promise<EvalJson> {
  const result = await runCli(['eval', 'positioning', '--json', ...args]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as EvalJson;
}

test('eval positioning --json: the stable shape, every solver measured on every window', async () => {
  const report = await evalJson(['--site', site, '--truth', combinedTruth, track01, track04]);
  assert.deepEqual(Object.keys(report), ['solvers', 'best']);
  assert.deepEqual(Object.keys(report.solvers), NON_SURVEY, 'the survey methods need a calibrated survey');
  for (const [name, s] of Object.entries(report.solvers)) {
    assert.deepEqual(Object.keys(s), ['n', 'median', 'mean', 'p90'], name);
    assert.equal(s.n, 18, `${name}: 11 + 7 windows`);
    assert.ok(s.median! > 0 && s.median! <= s.p90!, name);
    assert.ok(s.p90! < 10, `${name} p90 ${s.p90} m on a 20 x 18 m floor`);
  }
  assert.ok(report.best !== null && NON_SURVEY.includes(report.best));
  const best = report.solvers[report.best]!;
  for (const s of Object.values(report.solvers)) assert.ok(best.median! <= s.median!);
});

test('eval positioning: one truth file per log gives the same figures as the combined one', async () => {
  const combined = await evalJson(['--site', site, '--truth', combinedTruth, track01, track04]);
  const separate = await evalJson(['--site', site, '--truth', truth01, '--truth', truth04, track01, track04]);
  assert.deepEqual(separate, combined);
});

test('eval positioning --report: an error-CDF SVG and the per-spot table', async () => {
  const report = join(work, 'report');
  const result = await runCli([
    'eval',
    'positioning',
    '--site',
    site,
    '--truth',
    truth01,
    '--report',
    report,
    track01,
    spot,
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /solver\s+n\s+median\s+mean\s+p90\s+refused/);
  for (const name of NON_SURVEY)
    assert.match(result.stdout, new RegExp(`^${name.replace('+', '\\+')}( \\*)?\\s+\\d+ `, 'm'));
  assert.match(result.stdout, /report: .*cdf\.svg/);
  assert.deepEqual(readdirSync(report).sort(), [
    'cdf.svg',
    'fixes.csv',
    'per-spot.csv',
    'per-spot.md',
    'summary.json',
  ]);
  const svg = readFileSync(join(report, 'cdf.svg'), 'utf8');
  assert.ok(svg.startsWith('<svg'), svg.slice(0, 40));
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  assert.equal((svg.match(/<polyline /g) ?? []).length, NON_SURVEY.length, 'one CDF line per solver');
  const table = readFileSync(join(report, 'per-spot.md'), 'utf8');
  assert.match(table, /^\| spot \/ track \| document \| linear \| wnls \|/m);
  assert.match(table, /^\| boun_straight_01\.log \| /m);
  assert.match(table, /^\| 10\.36-10\.95\.log \| /m, 'the spot log is placed by its name');
  assert.match(table, /^\| \*\*all\*\* \| /m);
  const csv = readFileSync(join(report, 'per-spot.csv'), 'utf8');
  assert.match(csv, /^spot,solver,n,median,mean,p90\n/);
});

test('eval positioning --solvers runs only those, and refuses what the site cannot do', async () => {
  const report = await evalJson(['--site', site, '--truth', truth04, '--solvers', 'wnls,grid', track04]);
  assert.deepEqual(Object.keys(report.solvers), ['wnls', 'grid']);
  const unknown = await runCli([
    'eval',
    'positioning',
    '--site',
    site,
    '--truth',
    truth04,
    '--solvers',
    'wnls,magic',
    track04,
  ]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown solver\(s\) magic/);
  const survey = await runCli([
    'eval',
    'positioning',
    '--site',
    site,
    '--truth',
    truth04,
    '--solvers',
    'knn',
    track04,
  ]);
  assert.equal(survey.code, 1);
  assert.match(survey.stderr, /^airtrace: solver knn is not available .*no survey/m);
});

test('eval positioning: truth that misses the logs, or a broken site file, stop with the reason', async () => {
  const miss = await runCli(['eval', 'positioning', '--site', site, '--truth', truth04, track01]);
  assert.equal(miss.code, 1);
  assert.match(miss.stderr, /^airtrace: no window of the logs has a truth position at its time/m);
  const bad = join(work, 'bad.yaml');
  writeFileSync(bad, 'sensors: []\nbounds: [0, 0, 10]\nfloorplan: x.png\n');
  const broken = await runCli(['eval', 'positioning', '--site', bad, '--truth', truth04, track04]);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /^airtrace: .*bad\.yaml: the site file has 3 problems:/);
  for (const where of ['  sensors:', '  bounds:', '  (file): Unrecognized key'])
    assert.ok(broken.stderr.includes(where), `${where} in ${broken.stderr}`);
  assert.doesNotMatch(miss.stderr + broken.stderr, /\n\s+at /);
});

test('eval positioning --help lists its options and the JSON shape', async () => {
  const result = await runCli(['eval', 'positioning', '--help']);
  assert.equal(result.code, 0);
  for (const option of [
    '--site <file>',
    '--truth <file>',
    '--solvers <names>',
    '--window <seconds>',
    '--json',
    '--report <dir>',
  ])
    assert.ok(result.stdout.includes(option), option);
  assert.ok(
    result.stdout.includes(
      '{"solvers": {"<name>": {"n": N, "median": m, "mean": m, "p90": m}}, "best": "<name>"}',
    ),
  );
  const parent = await runCli(['eval', '--help']);
  assert.match(parent.stdout, /positioning \[options\] <logs\.\.\.>/);
});
