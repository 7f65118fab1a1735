/**
 * The hub's people estimator at 200 devices a minute: the memory it holds and the time one new
 * window costs, now that it keeps the look-back of `airtrace count`'s three-hour blocks (up to
 * about 9.7 h of sightings).
 *
 * The windows are real: the demo's four-hour lab capture (about 23 devices a minute) through the
 * sensor's windower, nine copies of each window with their device ids and fingerprints made
 * distinct (about 210 devices a minute), the four hours laid end to end three times (12 hours).
 *
 * References, measured in the same run: memory against the same windows held as the
 * `WindowSummary` objects they arrive as (what the estimator kept before, for 1.6 h); time against
 * `airtrace count`'s batch path over all twelve hours, per window.
 *
 *   node --import tsx bench/run.ts estimator
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { replay } from '../src/app/batch/replay.ts';
import { PeopleEstimator } from '../src/app/hub/peopleEstimator.ts';
import { defaultCountingParams } from '../src/core/occupancy/countingParams.ts';
import { estimateWindows } from '../src/core/occupancy/peopleEstimate.ts';
import { sightingsFromSummaries } from '../src/core/occupancy/sighting.ts';
import type { WindowSummary } from '../src/core/model.ts';
import { DEMO_DATA_DIR, DEMO_RECORDINGS } from '../src/app/demo/demo.ts';
import type { BenchResult } from './result.ts';

const COPIES = 9;
const ROUNDS = 3;
const WINDOW = 60;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** The real windows, widened to about 200 devices a minute and laid end to end for twelve hours. */
async function busyWindows(): Promise<WindowSummary[]> {
  const real: WindowSummary[] = [];
  const { file } = DEMO_RECORDINGS[0]!;
  await replay({
    inputs: [{ path: `${DEMO_DATA_DIR}/${file}` }],
    windowSeconds: WINDOW,
    sensorId: 'bench',
    siteKey: new Uint8Array(32).fill(3),
    onWindow: (w) => real.push(w),
  });
  const span = real.at(-1)!.windowStart - real[0]!.windowStart + WINDOW;
  const out: WindowSummary[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const shift = round * span;
    for (const w of real) {
      const devices = [];
      for (let k = 0; k < COPIES; k++) {
        for (const d of w.devices) {
          devices.push({
            ...d,
            deviceId: `${k}${round}${d.deviceId.slice(2)}`,
            ieFingerprints: d.ieFingerprints.map((f) => `${k}${f}`),
            ssids: [...d.ssids],
            firstSeen: d.firstSeen + shift,
            lastSeen: d.lastSeen + shift,
          });
        }
      }
      out.push({ ...w, windowStart: w.windowStart + shift, windowEnd: w.windowEnd + shift, devices });
    }
  }
  return out;
}

export async function benchPeopleEstimator(
  _outDir: string,
  log: (line: string) => void,
): Promise<BenchResult[]> {
  const windows = await busyWindows();
  const perMinute = windows.reduce((n, w) => n + w.devices.length, 0) / windows.length;
  log(`${windows.length} windows, ${perMinute.toFixed(0)} devices a minute`);
  const params = defaultCountingParams();

  // Memory: the estimator at its fullest, against the same windows kept as they arrive.
  const before = heapUsed();
  let estimator: PeopleEstimator | undefined = new PeopleEstimator(params, WINDOW);
  let peakBytes = 0;
  let peakSightings = 0;
  let peakWindow = windows[0]!;
  let updateMs = 0;
  let updates = 0;
  // Updates are timed at 24 windows of the last eight hours (each re-groups hours of sightings;
  // all 700 would take minutes); the memory is what accepting every window leaves held.
  const timedEvery = Math.floor(((ROUNDS - 1) * windows.length) / ROUNDS / 24);
  for (const [i, w] of windows.entries()) {
    estimator.accept(w);
    if (i >= windows.length / ROUNDS && i % timedEvery === 0) {
      const started = performance.now();
      estimator.update();
      updateMs += performance.now() - started;
      updates++;
    }
    if (estimator.sightingsHeld > peakSightings) {
      peakSightings = estimator.sightingsHeld;
      peakWindow = w;
    }
    if (i % 30 === 29) peakBytes = Math.max(peakBytes, heapUsed() - before);
  }
  estimator = undefined;
  const heldFrom = peakWindow.windowStart - (peakSightings / perMinute) * WINDOW;
  const asSummaries = windows.filter(
    (w) => w.windowStart >= heldFrom && w.windowStart <= peakWindow.windowStart,
  );
  const reference = heapUsed();
  const copies = JSON.parse(JSON.stringify(asSummaries)) as WindowSummary[];
  const referenceBytes = heapUsed() - reference;
  log(
    `peak: ${peakSightings} sightings (${(((peakSightings / perMinute) * WINDOW) / 3600).toFixed(1)} h) in ${(peakBytes / 2 ** 20).toFixed(1)} MiB; ` +
      `as WindowSummary objects ${(referenceBytes / 2 ** 20).toFixed(1)} MiB (${copies.length} windows)`,
  );

  // Time: one new window, after the first four hours, against count's batch path per window.
  const started = performance.now();
  estimateWindows(
    sightingsFromSummaries(windows),
    windows.map((w) => ({ start: w.windowStart, end: w.windowEnd })),
    [{ start: windows[0]!.windowStart, end: windows.at(-1)!.windowEnd }],
    params,
  );
  const batchPerWindow = (performance.now() - started) / windows.length;
  return [
    {
      name: 'people estimator memory at 200 devices/min (peak)',
      value: peakBytes / 2 ** 20,
      unit: 'MiB',
      reference: referenceBytes / 2 ** 20,
      referenceName: 'the same windows as WindowSummary objects',
      lowerIsBetter: true,
    },
    {
      name: 'people estimator time per new window at 200 devices/min',
      value: updateMs / updates,
      unit: 'ms',
      reference: batchPerWindow,
      referenceName: 'airtrace count per window (batch, 12 h at once)',
      lowerIsBetter: true,
    },
  ];
}
