/**
 * The whole estimator on real bytes: two excerpts of the brno lab recordings (MIT, see
 * test/fixtures/NOTICE.md) with their ground truth, through the sensor's windower exactly as the
 * hub receives them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { fixtures } from '../../helpers/paths.ts';
import { loadCountingConfig } from '../../../src/config/countingConfig.ts';
import { CaptureStreamReader } from '../../../src/core/frames/captureReader.ts';
import { decodeRecord } from '../../../src/core/frames/recordDecoder.ts';
import { createMacHasher } from '../../../src/core/identity/keyedHash.ts';
import type { WindowSummary } from '../../../src/core/model.ts';
import { defaultCountingParams, type CountingParams } from '../../../src/core/occupancy/countingParams.ts';
import { distinctAddresses, windowsOver } from '../../../src/core/occupancy/countWindows.ts';
import { groupDevices } from '../../../src/core/occupancy/deviceGrouping.ts';
import { estimatePeople, estimateWindows } from '../../../src/core/occupancy/peopleEstimate.ts';
import { sightingsFromSummaries, type Sighting } from '../../../src/core/occupancy/sighting.ts';
import { parseTruthCsv, windowTruth } from '../../../src/core/occupancy/truthSeries.ts';
import { Windower } from '../../../src/core/window/windower.ts';

const dir = join(fixtures, 'occupancy');
const hash = createMacHasher(new Uint8Array(32).fill(42));
/** The lab's own computers (brno README): the ignore list of a real deployment there. */
/** The lab's own computers (brno/README.md), as a counting config's ignore list. */
const LAB_COMPUTERS = loadCountingConfig(join(fixtures, 'occupancy/brno-counting.json')).ignore!;

function params(): CountingParams {
  return { ...defaultCountingParams(), ignoreDeviceIds: new Set(LAB_COMPUTERS.map(hash)) };
}

/** Frames -> 60 s window summaries (what a sensor publishes) -> sightings (what the hub stores). */
function load(name: string): {
  sightings: Sighting[];
  span: { start: number; end: number };
  summaries: WindowSummary[];
} {
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
      const outcome = decodeRecord(record, 'lab');
      if (outcome.kind !== 'observation') return;
      start = Math.min(start, record.t);
      end = Math.max(end, record.t);
      windower.add(outcome.observation);
    },
    onProblem() {},
  });
  reader.push(readFileSync(join(dir, `${name}.pcap`)));
  reader.end();
  windower.flush();
  return { sightings: sightingsFromSummaries(summaries), span: { start, end }, summaries };
}

function truthOf(name: string) {
  const parsed = parseTruthCsv(readFileSync(join(dir, `${name}.truth.csv`), 'utf8'));
  assert.ok(parsed.ok);
  return parsed.rows;
}

test('a full lab (17 people): hundreds of addresses, about as many devices as people, an estimate near the truth', () => {
  const name = 'brno_2022-10-19_1400-1420';
  const { sightings, span } = load(name);
  const windows = windowsOver([span], 600);
  assert.equal(windows.length, 2);
  const estimates = estimateWindows(sightings, windows, [span], params());
  const addresses = distinctAddresses(sightings, windows);
  const truth = truthOf(name);
  estimates.forEach((w, i) => {
    const t = windowTruth(truth, w, [span])!;
    assert.equal(t, 17);
    assert.ok(addresses[i]! > 150, `addresses ${addresses[i]}`);
    assert.ok(w.devices >= 10 && w.devices <= 25, `devices ${w.devices}`);
    assert.ok(w.randomizedDevices > 0 && w.randomizedDevices < w.devices);
    // An excerpt has no history before it: stays are cut at its start, so the estimate runs low.
    assert.ok(Math.abs(w.estimate - t) < 6.5, `estimate ${w.estimate}`);
    assert.ok(Math.abs(w.estimate - t) < Math.abs(addresses[i]! - t) / 20);
    assert.ok(w.low <= w.estimate && w.estimate <= w.high);
  });
});

test('the class leaves: the estimate follows the truth down to an empty lab', () => {
  const name = 'brno_2022-11-01_1330-1400';
  const { sightings, span } = load(name);
  const windows = windowsOver([span], 600);
  const estimates = estimateWindows(sightings, windows, [span], params());
  const truth = truthOf(name);
  const truths = estimates.map((w) => windowTruth(truth, w, [span])!);
  assert.deepEqual(
    truths.map((t) => Math.round(t)),
    [16, 0, 0],
  );
  assert.ok(estimates[0]!.estimate > 8, `full: ${estimates[0]!.estimate}`);
  assert.ok(estimates[1]!.estimate < 2.5, `leaving: ${estimates[1]!.estimate}`);
  assert.ok(estimates[2]!.estimate < 1, `empty: ${estimates[2]!.estimate}`);
  assert.ok(estimates[2]!.low === 0);
  // Without the ignore list the lab's own computers would count as people.
  const unfiltered = estimateWindows(sightings, windows, [span], defaultCountingParams());
  assert.ok(unfiltered[2]!.estimate > estimates[2]!.estimate);
});

test('the hub entry point on DeviceWindow data gives the same figure as the batch path', () => {
  const { sightings, span } = load('brno_2022-11-01_1330-1400');
  const windows = windowsOver([span], 600);
  const batch = estimateWindows(sightings, windows, [span], params());
  const middle = windows[1]!;
  const single = estimatePeople({ ...middle, sightings, coverage: [span] }, params());
  const { devices, randomizedDevices, estimate, low, high } = batch[1]!;
  assert.deepEqual(single, { devices, randomizedDevices, estimate, low, high });
});

test('property: the estimate does not depend on the order sightings arrive in', () => {
  const { sightings, span } = load('brno_2022-10-19_1400-1420');
  const window = { start: 1666188600, end: 1666189200 };
  const expected = estimatePeople({ ...window, sightings, coverage: [span] }, params());
  fc.assert(
    fc.property(fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })), (stream) => {
      const keys = [...sightings].map(() => stream.next().value as number);
      const shuffled = sightings
        .map((s, i) => ({ s, k: keys[i]! }))
        .sort((a, b) => a.k - b.k)
        .map((x) => x.s);
      assert.deepEqual(
        estimatePeople({ ...window, sightings: shuffled, coverage: [span] }, params()),
        expected,
      );
    }),
    { numRuns: 5 },
  );
});

test('one iPhone-like device in the excerpt: hundreds of rotating addresses fold into few devices', () => {
  const { sightings } = load('brno_2022-10-19_1400-1420');
  const groups = groupDevices(sightings, params().grouping, params().ignoreDeviceIds);
  const rotating = groups.filter((g) => g.randomized);
  const addresses = new Set(sightings.filter((s) => s.randomized).map((s) => s.deviceId)).size;
  assert.ok(addresses > 200, `randomized addresses ${addresses}`);
  assert.ok(
    rotating.length < addresses / 5,
    `${rotating.length} rotating devices from ${addresses} addresses`,
  );
  // Some device changed its address and kept its fingerprint: more than one address per device.
  assert.ok(rotating.some((g) => g.members.size >= 10));
});
