import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../helpers/cli.ts';
import { fixtures } from '../helpers/paths.ts';

const dir = join(fixtures, 'positioning');
const site = join(dir, 'boun_site.json');
const track01 = join(dir, 'boun_straight_01.log');
const track04 = join(dir, 'boun_straight_04.log');
const work = mkdtempSync(join(tmpdir(), 'airtrace-locate-'));
const KEY = '00112233445566778899aabbccddeeff';
/** The beacon carried along the BOUN tracks, in any spelling a leak could take. */
const BEACON = /e7[:-]?8f[:-]?13[:-]?56[:-]?24[:-]?ce/i;

interface LocateJson {
  method: string;
  fixes: {
    t: number;
    end: number;
    device: string;
    x: number;
    y: number;
    sensors: number;
    spread?: number;
    radius90?: number;
    zone?: string;
  }[];
  refused: Record<string, number>;
}

async function locateJson(args: string[]): Promise<LocateJson> {
  const result = await runCli(['locate', '--json', ...args]);
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stdout + result.stderr, BEACON, 'no raw MAC in the output');
  return JSON.parse(result.stdout) as LocateJson;
}

test('locate: one fix per 2 s window of the two tracks (11 + 7), all inside the floor', async () => {
  const report = await locateJson(['--site', site, '--site-key', KEY, track01, track04]);
  const bounds = JSON.parse(readFileSync(site, 'utf8')).bounds as number[];
  assert.equal(report.method, 'grid-smoother', 'the default for a site without a survey');
  assert.equal(report.fixes.length, 18);
  assert.deepEqual(report.refused, {});
  assert.equal(new Set(report.fixes.map((f) => f.device)).size, 1);
  for (const f of report.fixes) {
    assert.match(f.device, /^[0-9a-f]{32}$/);
    assert.equal(f.t % 2, 0);
    assert.equal(f.end, f.t + 2);
    assert.ok(
      f.x >= bounds[0]! && f.x <= bounds[2]! && f.y >= bounds[1]! && f.y <= bounds[3]!,
      `${f.x}, ${f.y}`,
    );
    assert.equal(f.sensors, 12);
  }
  const starts = report.fixes.map((f) => f.t);
  assert.deepEqual(
    starts,
    [...starts].sort((a, b) => a - b),
    'in time order',
  );
  // straight_01 starts at the east end (x 18) and walks west.
  assert.ok(report.fixes[0]!.x > report.fixes[10]!.x);
});

test('locate: the same site key gives the same device ids, no key a fresh one each run', async () => {
  const a = await locateJson(['--site', site, '--site-key', KEY, track04]);
  const b = await locateJson(['--site', site, '--site-key', KEY, track04]);
  const c = await locateJson(['--site', site, track04]);
  assert.equal(a.fixes[0]!.device, b.fixes[0]!.device);
  assert.notEqual(a.fixes[0]!.device, c.fixes[0]!.device);
});

test('locate: every method runs; the survey methods need a survey', async () => {
  for (const method of ['document', 'linear', 'wnls', 'wnls+kalman', 'grid']) {
    const report = await locateJson(['--site', site, '--method', method, track04]);
    assert.equal(report.method, method);
    assert.equal(report.fixes.length, 7, method);
  }
  const refused = await runCli(['locate', '--site', site, '--method', 'knn', track04]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^airtrace: method knn is not available: the site has no survey/m);
  assert.doesNotMatch(refused.stderr, /\n\s+at /);
});

test('locate: the table shows short device ids and a summary line', async () => {
  const result = await runCli(['locate', '--site', site, '--site-key', KEY, '--window', '4', track01]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /start \(UTC\)\s+device\s+x \(m\)\s+y \(m\)\s+sensors\s+spread \(m\)\s+90% radius \(m\)/,
  );
  assert.match(result.stdout, /^2020-02-09 12:00:00 {2}[0-9a-f]{12} {2}/m);
  assert.match(result.stdout, /\d+ fixes for 1 device\(s\) in \d+ windows of 4 s, method grid-smoother/);
  assert.doesNotMatch(result.stdout, BEACON);
});

test('locate: a YAML site file works like its JSON twin', async () => {
  const yamlSite = join(work, 'site.yaml');
  writeFileSync(yamlSite, stringify(JSON.parse(readFileSync(site, 'utf8'))));
  const fromYaml = await locateJson(['--site', yamlSite, '--site-key', KEY, track04]);
  const fromJson = await locateJson(['--site', site, '--site-key', KEY, track04]);
  assert.deepEqual(fromYaml, fromJson);
});

test('locate: a site file with mistakes is refused with every problem listed', async () => {
  const bad = join(work, 'bad.json');
  writeFileSync(
    bad,
    JSON.stringify({
      sensors: [
        { id: 'b827eb4521b4', x: '7', y: 7.09, z: 1.22 },
        { id: 'B8:27:EB:45:21:B4', x: 1, y: 2, z: 1, colour: 'red' },
      ],
      bounds: [10, 0, 5, 17],
    }),
  );
  const result = await runCli(['locate', '--site', bad, track04]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^airtrace: .*bad\.json: the site file has 4 problems:/);
  for (const where of [
    'sensors[0].x',
    'sensors[1]: Unrecognized key',
    'bounds: xmin',
    'sensors[1].id: same sensor',
  ])
    assert.ok(result.stderr.includes(where), `${where} in ${result.stderr}`);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
  assert.equal(result.stdout, '');
});

test('locate: logs whose probes the site does not know, or that are missing, stop with one line', async () => {
  const other = join(work, 'other_site.json');
  writeFileSync(
    other,
    JSON.stringify({
      sensors: [
        { id: 'aa0000000001', x: 0, y: 0, z: 1 },
        { id: 'aa0000000002', x: 5, y: 0, z: 1 },
        { id: 'aa0000000003', x: 0, y: 5, z: 1 },
      ],
      bounds: [0, 0, 5, 5],
    }),
  );
  const unknown = await runCli(['locate', '--site', other, track04]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^airtrace: none of the logs' probes \(ProbeMac\) is a sensor of /);
  const missing = await runCli(['locate', '--site', site, join(work, 'nope.log')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^airtrace: .*nope\.log: cannot read the log/);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
});

test('locate --help lists its options, the methods and the JSON shape', async () => {
  const result = await runCli(['locate', '--help']);
  assert.equal(result.code, 0);
  for (const option of [
    '--site <file>',
    '--method <name>',
    '--window <seconds>',
    '--site-key <hex>',
    '--json',
  ])
    assert.ok(result.stdout.includes(option), option);
  for (const method of ['grid-filter', 'survey-smoother', 'knn', 'wnls+kalman'])
    assert.ok(result.stdout.includes(method));
  assert.match(
    result.stdout,
    /JSON output: \{"method": name, "fixes": \[\{"t": windowStart, "end": windowEnd/,
  );
});

test('locate with zones: each fix carries its zone, held steady by hysteresis', async () => {
  const zoned = join(work, 'zoned.json');
  const strip = (a: number, b: number) => [
    [a, 0],
    [b, 0],
    [b, 17.64],
    [a, 17.64],
  ];
  // Zones 0.5 m wide across the walk: raw fixes (noise about 1 m) would change zone at every other
  // window; the assignment may change only once another zone is 75% likely.
  const zones = Array.from({ length: 41 }, (_, i) => ({
    name: `strip ${i}`,
    polygon: strip(i * 0.5, i * 0.5 + 0.5),
  }));
  writeFileSync(zoned, JSON.stringify({ ...JSON.parse(readFileSync(site, 'utf8')), zones }));
  const report = await locateJson(['--site', zoned, '--method', 'wnls', track01]);
  assert.ok(report.fixes.length >= 10);
  const names = new Set(zones.map((z) => z.name));
  const rawChanges = report.fixes.filter(
    (f, i) => i > 0 && Math.floor(f.x / 0.5) !== Math.floor(report.fixes[i - 1]!.x / 0.5),
  ).length;
  const changes = report.fixes.filter((f, i) => i > 0 && f.zone !== report.fixes[i - 1]!.zone).length;
  for (const f of report.fixes) {
    assert.ok(f.zone !== undefined && names.has(f.zone), JSON.stringify(f));
    assert.ok(f.radius90! > 0);
  }
  assert.ok(changes < rawChanges, `${changes} zone changes against ${rawChanges} raw strip changes`);
});
