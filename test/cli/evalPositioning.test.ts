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

const NON_SURVEY = ['document', 'linear', 'wnls', 'wnls+kalman', 'grid', 'grid-filter', 'grid-smoother'];

interface EvalJson {
  solvers: Record<
    string,
    { n: number; median: number | null; mean: number | null; p90: number | null; coverage90: number | null }
  >;
  best: string | null;
  zones?: Record<
    string,
    {
      wrongRate: number | null;
      wrongRateAwayFromBorders: number | null;
      changesPerMinute: number | null;
      trueChangesPerMinute: number | null;
      excessChangesPerMinute: number | null;
    }
  >;
  skipped: { noRssi: number; nonNegativeRssi: number };
}

async function evalJson(args: string[]): Promise<EvalJson> {
  const result = await runCli(['eval', 'positioning', '--json', ...args]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as EvalJson;
}

test('eval positioning --json: the stable shape, every solver measured on every window', async () => {
  const report = await evalJson(['--site', site, '--truth', combinedTruth, track01, track04]);
  assert.deepEqual(Object.keys(report), ['solvers', 'best', 'skipped'], 'no zones in this site');
  assert.deepEqual(report.skipped, { noRssi: 0, nonNegativeRssi: 0 });
  assert.deepEqual(Object.keys(report.solvers), NON_SURVEY, 'the survey methods need a calibrated survey');
  for (const [name, s] of Object.entries(report.solvers)) {
    assert.deepEqual(Object.keys(s), ['n', 'median', 'mean', 'p90', 'coverage90'], name);
    assert.ok(s.coverage90! >= 0 && s.coverage90! <= 1, `${name}: every fix has a 90% radius`);
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
  assert.match(result.stdout, /solver\s+n\s+median\s+mean\s+p90\s+cover90\s+refused/);
  for (const name of NON_SURVEY)
    assert.match(result.stdout, new RegExp(`^${name.replace('+', '\\+')}( \\*)?\\s+\\d+ `, 'm'));
  assert.match(result.stdout, /report: .*cdf\.svg/);
  assert.deepEqual(readdirSync(report).sort(), [
    'cdf.svg',
    'coverage.svg',
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
      '{"solvers": {"<name>": {"n": N, "median": m, "mean": m, "p90": m, "coverage90": share}},',
    ),
  );
  assert.match(result.stdout, /"skipped": \{"noRssi": N, "nonNegativeRssi": N\}/);
  assert.match(result.stdout, /start\s+and\s+end\s+rows/);
  const parent = await runCli(['eval', '--help']);
  assert.match(parent.stdout, /positioning \[options\] <logs\.\.\.>/);
});

test('eval positioning accepts a static truth: start and end rows a minute apart at the same place', async () => {
  // The spot recording under a name that does not say where it was: the truth CSV must.
  const log = join(work, 'standing.log');
  writeFileSync(log, readFileSync(spot, 'utf8'));
  const lines = readFileSync(spot, 'utf8').trim().split('\n').slice(1);
  const first = Number(lines[0]!.split(',')[0]) / 1e6;
  const last = Number(lines.at(-1)!.split(',')[0]) / 1e6;
  assert.ok(last - first > 9, 'the excerpt spans its 10 s');
  const truth = join(work, 'standing.truth.csv');
  writeFileSync(truth, `t,x,y\n${first - 30},10.36,10.95\n${last + 30},10.36,10.95\n`);
  const byTruth = await evalJson(['--site', site, '--truth', truth, '--solvers', 'wnls,grid-filter', log]);
  const byName = await evalJson(['--site', site, '--solvers', 'wnls,grid-filter', spot]);
  assert.equal(byTruth.solvers['wnls']!.n, byName.solvers['wnls']!.n, 'every window has the truth');
  assert.ok(byTruth.solvers['wnls']!.n >= 5);
  assert.deepEqual(byTruth.solvers, byName.solvers, 'the same figures as the spot named X-Y.log');
});

test('eval positioning skips and counts readings of 0 dBm and up (a +17 dBm line is no reading)', async () => {
  const text = readFileSync(track04, 'utf8').trimEnd().split('\n');
  // Every fifth line becomes implausibly loud; the rest stay as recorded.
  let loud = 0;
  const damaged = text.map((line, i) => {
    if (i === 0 || i % 5 !== 0) return line;
    loud++;
    const f = line.split(',');
    f[6] = i % 10 === 0 ? '17' : '0';
    return f.join(',');
  });
  const log = join(work, 'loud.log');
  writeFileSync(log, `${damaged.join('\n')}\n`);
  const result = await runCli(['eval', 'positioning', '--json', '--site', site, '--truth', truth04, log]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, new RegExp(`skipped ${loud} non-negative-rssi`));
  const report = JSON.parse(result.stdout) as EvalJson;
  for (const [name, s] of Object.entries(report.solvers)) {
    assert.ok(s.n > 0, name);
    assert.ok(s.p90! < 10, `${name}: the loud lines did not drag fixes onto a sensor`);
  }
});

test('eval positioning with zones: wrong-zone rate, zone changes per minute and a zone timeline SVG', async () => {
  const zoned = join(work, 'zoned_site.json');
  const box = (a: number, b: number, c: number, d: number) => [
    [a, b],
    [c, b],
    [c, d],
    [a, d],
  ];
  writeFileSync(
    zoned,
    JSON.stringify({
      ...JSON.parse(readFileSync(site, 'utf8')),
      zones: [
        { name: 'west <1>', polygon: box(0, 0, 15, 17.64) },
        { name: 'east & co', polygon: box(15, 0, 20.66, 17.64) },
      ],
    }),
  );
  const report = join(work, 'zoned-report');
  const json = await evalJson(['--site', zoned, '--truth', combinedTruth, track01, track04]);
  assert.ok(json.zones, 'zone figures with zones');
  for (const name of NON_SURVEY) {
    const z = json.zones[name]!;
    assert.ok(z.wrongRate! >= 0 && z.wrongRate! <= 1, name);
    // Both excerpts walk west from x = 18 past x = 15: the truth changes zone once in each.
    assert.ok(z.trueChangesPerMinute! > 0, name);
    assert.ok(z.changesPerMinute! >= 0 && z.excessChangesPerMinute! >= 0, name);
  }
  const table = await runCli([
    'eval',
    'positioning',
    '--site',
    zoned,
    '--truth',
    combinedTruth,
    '--report',
    report,
    track01,
    track04,
  ]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /wrong zone\s+>=1 m from border\s+zone chg\/min\s+excess\/min/);
  const svg = readFileSync(join(report, 'zones.svg'), 'utf8');
  assert.ok(svg.includes('west &lt;1&gt;') && svg.includes('east &amp; co'), 'zone names escaped');
  assert.ok(!svg.includes('west <1>'));
  assert.ok((svg.match(/<rect /g) ?? []).length > 18, 'a band per window');
});
