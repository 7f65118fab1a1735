/**
 * Issue 12's properties on real bytes: excerpts of the brno lab (MIT, see test/fixtures/NOTICE.md)
 * from 2022 and from 2024, when two sensors recorded the same room at once.
 * - bounded memory: a day counts the same alone and after an earlier day in the same run;
 * - a room that empties reads <= 1 person within 10 minutes;
 * - two sensors in one room count each device once, and together hear more than either alone;
 * - headcounts move a real day's estimates toward the truth.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtures } from '../../helpers/paths.ts';
import { loadCountingConfig } from '../../../src/config/countingConfig.ts';
import { CaptureStreamReader } from '../../../src/core/frames/captureReader.ts';
import { decodeRecord } from '../../../src/core/frames/recordDecoder.ts';
import { createMacHasher } from '../../../src/core/identity/keyedHash.ts';
import type { WindowSummary } from '../../../src/core/model.ts';
import { defaultCountingParams, type CountingParams } from '../../../src/core/occupancy/countingParams.ts';
import { windowsOver } from '../../../src/core/occupancy/countWindows.ts';
import { calibrateWithHeadcounts, DEFAULT_HEADCOUNT_PRIOR } from '../../../src/core/occupancy/headcounts.ts';
import { estimateWindows } from '../../../src/core/occupancy/peopleEstimate.ts';
import { mergeSpans, type Span } from '../../../src/core/occupancy/presence.ts';
import {
  type Sighting,
  sightingsFromSummaries,
  sortSightings,
} from '../../../src/core/occupancy/sighting.ts';
import { parseTruthCsv, type TruthRow, windowTruth } from '../../../src/core/occupancy/truthSeries.ts';
import { Windower } from '../../../src/core/window/windower.ts';

const dir = join(fixtures, 'occupancy');
const hash = createMacHasher(new Uint8Array(32).fill(42));
const LAB_COMPUTERS = loadCountingConfig(join(dir, 'brno-counting.json')).ignore!;
const DAY_2024 = 'brno_2024-03-28_1740-1830';

function params(): CountingParams {
  return { ...defaultCountingParams(), ignoreDeviceIds: new Set(LAB_COMPUTERS.map(hash)) };
}

/** One sensor's capture through the sensor's windower (60 s), as the hub receives it. */
function load(file: string, sensorId: string): { sightings: Sighting[]; span: Span } {
  const summaries: WindowSummary[] = [];
  const windower = new Windower({
    windowSeconds: 60,
    hashMac: hash,
    vendorOf: () => null,
    onWindow: (s) => summaries.push(s),
  });
  let start = Infinity;
  let end = -Infinity;
  const reader = new CaptureStreamReader({
    onRecord(record) {
      const outcome = decodeRecord(record, sensorId);
      if (outcome.kind !== 'observation') return;
      start = Math.min(start, record.t);
      end = Math.max(end, record.t);
      windower.add(outcome.observation);
    },
    onProblem() {},
  });
  reader.push(readFileSync(join(dir, file)));
  reader.end();
  windower.flush();
  return { sightings: sightingsFromSummaries(summaries), span: { start, end } };
}

function truth(name: string): TruthRow[] {
  const parsed = parseTruthCsv(readFileSync(join(dir, `${name}.truth.csv`), 'utf8'));
  assert.ok(parsed.ok);
  return parsed.rows;
}

const p1 = load(`${DAY_2024}_position-1.pcap`, 'p1');
const p2 = load(`${DAY_2024}_position-2.pcap`, 'p2');
const both = {
  sightings: sortSightings([...p1.sightings, ...p2.sightings]),
  span: { start: Math.min(p1.span.start, p2.span.start), end: Math.max(p1.span.end, p2.span.end) },
};

test('bounded memory: a day counts the same alone and after an earlier day in the same run', () => {
  const earlier = load('brno_2022-11-01_1330-1400.pcap', 'p1');
  const windows = windowsOver([both.span], 600);
  const alone = estimateWindows(both.sightings, windows, [both.span], params());
  const afterEarlier = estimateWindows(
    sortSightings([...earlier.sightings, ...both.sightings]),
    windows,
    mergeSpans([earlier.span, both.span]),
    params(),
  );
  assert.deepEqual(afterEarlier, alone);
  // And the other way round: the 2022 excerpt after a 2022 day two weeks before it.
  const first = load('brno_2022-10-19_1400-1420.pcap', 'p1');
  const later = windowsOver([earlier.span], 600);
  assert.deepEqual(
    estimateWindows(
      sortSightings([...first.sightings, ...earlier.sightings]),
      later,
      mergeSpans([first.span, earlier.span]),
      params(),
    ),
    estimateWindows(earlier.sightings, later, [earlier.span], params()),
  );
});

test('a room that empties reads at most one person within 10 minutes, with one sensor or two', () => {
  const rows = truth(DAY_2024);
  const emptied = rows.at(-1)!; // 0 people from 18:03:07 to the end of the excerpt
  assert.equal(emptied.count, 0);
  for (const [name, capture] of [
    ['p1', p1],
    ['p2', p2],
    ['both', both],
  ] as const) {
    const minutes = windowsOver([capture.span], 60);
    const estimates = estimateWindows(capture.sightings, minutes, [capture.span], params());
    const before = estimates.filter((w) => w.end <= emptied.t);
    const after = estimates.filter((w) => w.start >= emptied.t + 600);
    assert.ok(after.length >= 15, `${after.length} minutes`);
    // Full before (11-15 people), read as such...
    assert.ok(
      before.some((w) => w.estimate >= 5),
      `${name}: ${before.map((w) => w.estimate.toFixed(1))}`,
    );
    // ...and empty ten minutes after the last one left.
    for (const w of after) assert.ok(w.estimate <= 1, `${name} at ${w.start}: ${w.estimate}`);
  }
});

test('two sensors in one room: each device counts once, and together they hear more than either', () => {
  const windows = windowsOver([both.span], 600);
  const together = estimateWindows(both.sightings, windows, [both.span], params());
  const one = estimateWindows(p1.sightings, windows, [p1.span], params());
  const two = estimateWindows(p2.sightings, windows, [p2.span], params());
  const rows = truth(DAY_2024);
  const heard = { together: 0, one: 0, two: 0, sum: 0 };
  windows.forEach((w, i) => {
    const b = together[i]!;
    // A device heard by both sensors is one device, not two; and nothing either heard is lost.
    assert.ok(b.devices <= one[i]!.devices + two[i]!.devices, `window ${i}`);
    assert.ok(b.devices >= Math.max(one[i]!.devices, two[i]!.devices), `window ${i}`);
    if ((windowTruth(rows, w, [both.span]) ?? 0) < 1) return;
    heard.together += b.devices;
    heard.one += one[i]!.devices;
    heard.two += two[i]!.devices;
    heard.sum += one[i]!.devices + two[i]!.devices;
  });
  assert.ok(heard.together > heard.one && heard.together > heard.two, JSON.stringify(heard));
  assert.ok(heard.together < heard.sum, `shared devices counted once: ${JSON.stringify(heard)}`);
});

test('three headcounts on a real afternoon pull the day toward the truth', () => {
  const rows = truth(DAY_2024);
  const windows = windowsOver([both.span], 300);
  const estimates = estimateWindows(both.sightings, windows, [both.span], params()).map((w) => ({
    ...w,
    truth: windowTruth(rows, w, [both.span])!,
  }));
  const occupied = estimates.filter((w) => w.truth >= 1);
  const counts = [0, 2, 4].map((i) => ({
    t: occupied[i]!.start + 150,
    count: Math.round(occupied[i]!.truth),
  }));
  const { windows: calibrated, used } = calibrateWithHeadcounts(estimates, counts, DEFAULT_HEADCOUNT_PRIOR);
  assert.equal(used, 3);
  const error = (ws: readonly { estimate: number; truth: number }[]) =>
    ws.filter((w) => w.truth >= 1).reduce((s, w) => s + Math.abs(w.estimate - w.truth), 0);
  assert.ok(error(calibrated) < error(estimates), `${error(calibrated)} vs ${error(estimates)}`);
  // Empty minutes stay empty: the scale multiplies, it does not invent people.
  for (const [i, w] of calibrated.entries()) {
    if (estimates[i]!.estimate === 0) assert.equal(w.estimate, 0);
  }
});
