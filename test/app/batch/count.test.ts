import { loadCountingConfig } from '../../../src/config/countingConfig.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtures, SKIP_NO_SHARED, sharedData } from '../../helpers/paths.ts';
import { countPeople, loadCaptures } from '../../../src/app/batch/count.ts';
import { fitCounting } from '../../../src/app/batch/fitCounting.ts';
import { countingParamsOf, validateCountingConfig } from '../../../src/config/countingConfig.ts';
import { parseTruthCsv, type TruthRow } from '../../../src/core/occupancy/truthSeries.ts';

const dir = join(fixtures, 'occupancy');
const full = join(dir, 'brno_2022-10-19_1400-1420.pcap');
const leaving = join(dir, 'brno_2022-11-01_1330-1400.pcap');
/** The lab's own computers (brno/README.md), as a counting config's ignore list. */
const LAB_COMPUTERS = loadCountingConfig(join(fixtures, 'occupancy/brno-counting.json')).ignore!;

function truth(...names: string[]): TruthRow[] {
  return names
    .flatMap((n) => {
      const parsed = parseTruthCsv(readFileSync(join(dir, `${n}.truth.csv`), 'utf8'));
      assert.ok(parsed.ok);
      return parsed.rows;
    })
    .sort((a, b) => a.t - b.t);
}

test('loading: every input read once, in any order, each its own recording, in time order', async () => {
  const captures = await loadCaptures([leaving, full]);
  assert.equal(captures.frames, 1005 + 1297);
  assert.deepEqual(
    captures.recordings.map((r) => r.name),
    ['brno_2022-10-19_1400-1420.pcap', 'brno_2022-11-01_1330-1400.pcap'],
  );
  assert.equal(captures.skipped['late'], undefined);
  assert.ok(captures.sightings.every((s, i, all) => i === 0 || all[i - 1]!.firstSeen <= s.firstSeen));
  // Ids are keyed hashes, never addresses.
  assert.ok(captures.sightings.every((s) => /^[0-9a-f]{32}$/.test(s.deviceId)));
  const missing = await loadCaptures([join(dir, 'nope.pcap'), full]);
  assert.equal(missing.failures.length, 1);
  assert.equal(missing.recordings.length, 1);
});

test('counting with truth: windows only where there is data, scored where there is truth', async () => {
  const captures = await loadCaptures([full, leaving]);
  const params = countingParamsOf({ ignore: LAB_COMPUTERS }, captures.hashMac);
  const report = countPeople(
    captures,
    params,
    600,
    truth('brno_2022-10-19_1400-1420', 'brno_2022-11-01_1330-1400'),
  );
  assert.equal(report.windows.length, 5); // 2 + 3, nothing for the 13 days in between
  assert.equal(report.score!.windows, 5);
  assert.ok(report.score!.mae < 4, `MAE ${report.score!.mae}`);
  assert.ok(report.score!.r! > 0.9);
  for (const w of report.windows) assert.ok(w.addresses > w.devices);
});

/** Both excerpts as one capture stream (one pcap header): a recording with a 13-day silence. */
async function* oneStream(): AsyncIterable<Uint8Array> {
  yield readFileSync(full);
  yield readFileSync(leaving).subarray(24); // records only, after the global header
}

test('a silence of over an hour is a break: no windows in it, and the truth does not hold across it', async () => {
  const captures = await loadCaptures(['-'], { stdin: oneStream() });
  assert.equal(captures.recordings.length, 1);
  assert.equal(captures.recordings[0]!.runs.length, 2);
  const params = countingParamsOf({ ignore: LAB_COMPUTERS }, captures.hashMac);
  // Truth for the first excerpt only: its last row would otherwise hold 13 days later.
  const report = countPeople(captures, params, 600, truth('brno_2022-10-19_1400-1420'));
  assert.equal(report.windows.length, 5);
  assert.equal(report.score!.windows, 2);
  assert.equal(report.windowsWithoutTruth, 3);
  assert.ok(report.windows.slice(2).every((w) => w.truth === undefined));
});

test('fitting on two excerpts writes a valid config that keeps the user settings', async () => {
  const captures = await loadCaptures([full, leaving]);
  const base = { ignore: LAB_COMPUTERS, grouping: { linkGapSeconds: 600 } };
  const { config, fit } = fitCounting(
    captures,
    truth('brno_2022-10-19_1400-1420', 'brno_2022-11-01_1330-1400'),
    300,
    base,
    {
      holdCandidates: [600, 1500],
    },
  );
  assert.ok(validateCountingConfig(JSON.parse(JSON.stringify(config))).ok);
  assert.deepEqual(config.ignore, LAB_COMPUTERS);
  assert.equal(config.grouping?.linkGapSeconds, 600);
  assert.equal(config.fitted?.windows, fit.cv.windows);
  assert.ok(fit.cv.windows >= 8);
  assert.equal(fit.folds, 4); // two recordings: quarters of the time are the folds
  assert.ok([600, 1500].includes(config.presence!.holdSeconds!));
  assert.ok(config.model!.wifi.some((w) => w > 0));
  // The fitted parameters are used by a later count.
  const report = countPeople(
    captures,
    countingParamsOf(config, captures.hashMac),
    300,
    truth('brno_2022-10-19_1400-1420'),
  );
  assert.ok(report.score!.windows > 0);
});

test('fitting without any truth in the captures says so', async () => {
  const captures = await loadCaptures([full]);
  assert.throws(
    () => fitCounting(captures, [{ t: 0, count: 1 }].slice(1), 600, {}),
    /no window of the captures has ground truth/,
  );
});

test('config validation lists every problem', () => {
  const result = validateCountingConfig({
    ignore: ['dc:fb:48:68:be:e4', 'not-a-mac'],
    model: { levels: [-60, -50], wifi: [1], interval: { level: 0.9, low: 0.5, high: 1 } },
    presense: {},
  });
  assert.ok(!result.ok);
  const paths = result.issues.map((i) => i.path).sort();
  assert.deepEqual(paths, ['model.interval.low', 'presense']);
  const second = validateCountingConfig({
    ignore: ['not-a-mac'],
    model: { levels: [-60, -50], wifi: [1], interval: { level: 0.9, low: -0.5, high: 1 } },
  });
  assert.ok(!second.ok);
  assert.deepEqual(second.issues.map((i) => i.path).sort(), ['ignore[0]', 'model.levels', 'model.wifi']);
});

test('a full brno day counts in a few seconds', { skip: SKIP_NO_SHARED }, async () => {
  const started = performance.now();
  const day = join(sharedData, 'wifi/brno/sc6-61_2022-11-22_anonymized.pcap');
  const captures = await loadCaptures([day]);
  const report = countPeople(captures, countingParamsOf({ ignore: LAB_COMPUTERS }, captures.hashMac), 600);
  const seconds = (performance.now() - started) / 1000;
  assert.equal(captures.frames, 25447);
  assert.equal(report.windows.length, 25);
  assert.ok(seconds < 5, `${seconds.toFixed(1)} s`);
});

test(
  'probing-patterns: one device per phone session, also when all are replayed together',
  { skip: SKIP_NO_SHARED },
  async () => {
    // Two files hold two sessions of their phone, 1.4 hours and 3 weeks apart: longer than the
    // grouping's memory, so each session is a device of its own (nothing that old is kept).
    const folder = join(sharedData, 'wifi/probing-patterns');
    const files = readdirSync(folder)
      .filter((f) => f.endsWith('.pcap'))
      .map((f) => join(folder, f));
    assert.equal(files.length, 11);
    let sessions = 0;
    for (const file of files) {
      const captures = await loadCaptures([file]);
      const [w] = countPeople(captures, countingParamsOf({}, captures.hashMac), 1e9).windows;
      const runs = captures.recordings[0]!.runs.length;
      sessions += runs;
      assert.equal(w!.devices, runs, `${file}: ${w!.devices} devices in ${runs} session(s)`);
    }
    assert.equal(sessions, 13);
    const together = await loadCaptures(files);
    const [all] = countPeople(together, countingParamsOf({}, together.hashMac), 1e9).windows;
    assert.ok(Math.abs(all!.devices - sessions) <= 2, `${all!.devices} devices in all files together`);
    assert.ok(all!.addresses > 1000);
  },
);
