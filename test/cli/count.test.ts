import { loadCountingConfig } from '../../src/config/countingConfig.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CliResult, runCli } from '../helpers/cli.ts';
import { fixtures, repoRoot, SKIP_NO_SHARED, sharedData } from '../helpers/paths.ts';
import { buildProgram } from '../../src/cli/main.ts';

const work = mkdtempSync(join(tmpdir(), 'airtrace-count-'));
const dir = join(fixtures, 'occupancy');
const full = join(dir, 'brno_2022-10-19_1400-1420.pcap');
const leaving = join(dir, 'brno_2022-11-01_1330-1400.pcap');
const MAC = /\b[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}\b/i;
/** The lab's own computers (brno/README.md), as a counting config's ignore list. */
const LAB_COMPUTERS = loadCountingConfig(join(fixtures, 'occupancy/brno-counting.json')).ignore!;

const registered = buildProgram().commands.some((c) => c.name() === 'count');

/** `airtrace count ...`; until main.ts registers the command, the same command in a one-off program. */
function count(args: readonly string[]): Promise<CliResult> {
  if (registered) return runCli(['count', ...args]);
  const module = pathToFileURL(join(repoRoot, 'src/cli/countCommand.ts')).href;
  const script =
    `import { Command } from 'commander'; import { countCommand } from ${JSON.stringify(module)};` +
    `await new Command('airtrace').exitOverride().addCommand(countCommand()).parseAsync(['node', 'airtrace', 'count', ...JSON.parse(process.argv[1])]).catch((e) => { process.exitCode = e.exitCode ?? 1; });`;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script, JSON.stringify(args)],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

interface CountJson {
  headcounts?: { used: number; skipped: number };
  windows: {
    start: number;
    end: number;
    addresses: number;
    scale?: number;
    devices: number;
    randomizedDevices: number;
    estimate: number;
    low: number;
    high: number;
    truth?: number;
  }[];
  score?: { windows: number; mae: number; r: number | null; coverage: number | null };
}

test('count --json: the documented shape, and no address anywhere in the output', async () => {
  const result = await count(['--json', full, leaving]);
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as CountJson;
  assert.deepEqual(Object.keys(out), ['windows']);
  assert.equal(out.windows.length, 5);
  for (const w of out.windows) {
    assert.deepEqual(Object.keys(w), [
      'start',
      'end',
      'addresses',
      'devices',
      'randomizedDevices',
      'estimate',
      'low',
      'high',
    ]);
    assert.equal(w.end - w.start, 600);
    assert.ok(w.low <= w.estimate && w.estimate <= w.high);
    // Unique-MAC counting reads far more than the devices, let alone the people.
    assert.ok(w.addresses >= w.devices && w.addresses > 10, `${w.addresses} addresses`);
  }
  assert.doesNotMatch(result.stdout, MAC);
  assert.doesNotMatch(result.stderr, MAC);
  // Nor any hashed id.
  assert.doesNotMatch(result.stdout, /[0-9a-f]{32}/);
});

test('count --truth scores the windows that have truth', async () => {
  const truthFile = join(work, 'truth.csv');
  writeFileSync(truthFile, readFileSync(join(dir, 'brno_2022-11-01_1330-1400.truth.csv')));
  const result = await count(['--json', '--truth', truthFile, '--window', '300', leaving]);
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as CountJson;
  assert.deepEqual(Object.keys(out.score!), ['windows', 'mae', 'r', 'coverage']);
  assert.equal(out.score!.windows, out.windows.filter((w) => w.truth !== undefined).length);
  assert.ok(out.score!.windows >= 5);
  assert.ok(out.score!.coverage! >= 0 && out.score!.coverage! <= 1);
});

test('count --fit writes the parameters, a later --config uses them; the table shows people', async () => {
  const config = join(work, 'counting.json');
  writeFileSync(config, JSON.stringify({ ignore: LAB_COMPUTERS }));
  const truthFile = join(work, 'both.csv');
  const rows = ['brno_2022-10-19_1400-1420', 'brno_2022-11-01_1330-1400'].flatMap((n) =>
    readFileSync(join(dir, `${n}.truth.csv`), 'utf8')
      .trim()
      .split('\n')
      .slice(1),
  );
  writeFileSync(truthFile, `t,count\n${rows.join('\n')}\n`);
  const fit = await count([
    '--fit',
    '--truth',
    truthFile,
    '--config',
    config,
    '--window',
    '300',
    full,
    leaving,
  ]);
  assert.equal(fit.code, 0, fit.stderr);
  assert.match(fit.stdout, /fitted on \d+ windows/);
  assert.doesNotMatch(fit.stdout, MAC);
  const written = JSON.parse(readFileSync(config, 'utf8')) as {
    ignore: string[];
    model: { wifi: number[] };
    fitted: { recordings: string[] };
  };
  assert.deepEqual(written.ignore, LAB_COMPUTERS); // the user's list, kept as written
  assert.equal(written.fitted.recordings.length, 2);
  // Nothing derived from the captures: the only addresses in the file are the user's.
  const withoutIgnore = JSON.stringify({ ...written, ignore: [] });
  assert.doesNotMatch(withoutIgnore, MAC);

  const table = await count(['--config', config, '--truth', truthFile, full]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /start \(UTC\).*devices.*people.*interval.*truth/);
  assert.match(table.stdout, /windows with truth: mean absolute error/);
  assert.doesNotMatch(table.stdout, /default parameters/);
});

test('usage errors are one clear line', async () => {
  const noTruth = await count(['--fit', '--config', join(work, 'x.json'), full]);
  assert.equal(noTruth.code, 1);
  assert.match(noTruth.stderr, /--fit needs --truth FILE/);
  const badTruth = join(work, 'bad.csv');
  writeFileSync(badTruth, 'time;people\n1;2\n');
  const bad = await count(['--truth', badTruth, full]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /not a truth CSV/);
  const badConfig = join(work, 'bad.json');
  writeFileSync(
    badConfig,
    JSON.stringify({ model: { levels: [-60], wifi: [-1], interval: { level: 0.9, low: 0, high: 0 } } }),
  );
  const config = await count(['--config', badConfig, full]);
  assert.equal(config.code, 1);
  assert.match(config.stderr, /model\.wifi\[0\]/);
  const missing = await count([join(work, 'missing.pcap')]);
  assert.equal(missing.code, 1);
});

test('count on a full brno day takes a few seconds', { skip: SKIP_NO_SHARED }, async () => {
  const started = performance.now();
  const result = await count(['--json', join(sharedData, 'wifi/brno/sc6-61_2022-11-22_anonymized.pcap')]);
  const seconds = (performance.now() - started) / 1000;
  assert.equal(result.code, 0, result.stderr);
  assert.equal((JSON.parse(result.stdout) as CountJson).windows.length, 25);
  assert.ok(seconds < 8, `${seconds.toFixed(1)} s including start-up`);
  assert.doesNotMatch(result.stdout, MAC);
});

test('count --headcount: one count of a full lab moves every window toward the truth, intervals included', async () => {
  const config = join(work, 'lab.json');
  writeFileSync(config, JSON.stringify({ ignore: LAB_COMPUTERS }));
  const truthFile = join(dir, 'brno_2022-10-19_1400-1420.truth.csv');
  const plain = await count(['--json', '--window', '300', '--config', config, '--truth', truthFile, full]);
  assert.equal(plain.code, 0, plain.stderr);
  const before = JSON.parse(plain.stdout) as CountJson;
  const counted = await count([
    '--json',
    '--window',
    '300',
    '--config',
    config,
    '--truth',
    truthFile,
    '--headcount',
    '2022-10-19T14:02:00Z,17',
    '--headcount',
    '1000,3', // decades before the capture: outside every window
    full,
  ]);
  assert.equal(counted.code, 0, counted.stderr);
  const after = JSON.parse(counted.stdout) as CountJson;
  assert.deepEqual(after.headcounts, { used: 1, skipped: 1 });
  assert.match(counted.stderr, /1 headcount\(s\) fall outside every window/);
  assert.ok(after.score!.mae < before.score!.mae / 2, `MAE ${after.score!.mae} (was ${before.score!.mae})`);
  assert.ok(after.score!.coverage! >= before.score!.coverage!);
  for (const [i, w] of after.windows.entries()) {
    assert.ok(w.scale! > 1, `scale ${w.scale}`);
    assert.ok(w.estimate > before.windows[i]!.estimate);
  }
  const bad = await count(['--headcount', '2022-10-19T14:02,17', full]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /with its zone/);
  const negative = await count(['--headcount', '1666188000,-2', full]);
  assert.equal(negative.code, 1);
  assert.match(negative.stderr, /expected "t,N"/);
});

test('count warns about windows the truth does not cover instead of extending its last row', async () => {
  const truthFile = join(work, 'first-only.csv');
  writeFileSync(truthFile, readFileSync(join(dir, 'brno_2022-10-19_1400-1420.truth.csv')));
  const result = await count(['--json', '--truth', truthFile, full, leaving]);
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as CountJson;
  assert.equal(out.score!.windows, 2);
  assert.equal(out.windows.filter((w) => w.truth === undefined).length, 3);
  assert.match(result.stderr, /3 of 5 windows have no ground truth/);
});

test('count --sensor: one id per capture for sensors in one room, or a clear error', async () => {
  const two = await count(['--json', '--sensor', 'door,desk', full, leaving]);
  assert.equal(two.code, 0, two.stderr);
  assert.equal((JSON.parse(two.stdout) as CountJson).windows.length, 5);
  const wrong = await count(['--sensor', 'a,b,c', full, leaving]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /3 ids for 2 captures/);
});
