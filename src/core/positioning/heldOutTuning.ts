import type { Point2 } from './geometry.ts';
import { locateWindows } from './locate.ts';
import { type MethodName, METHOD_NAMES, createMethods } from './methods.ts';
import type { PositioningSite, SiteTuning } from './positioningSite.ts';
import { radius90Scale } from './radius90.ts';
import type { ReadingWindow } from './readings.ts';

/**
 * What a calibration can learn about the methods themselves, honestly: hold out each of its
 * recordings in turn, calibrate on the others, position the held-out one with every method and
 * compare with its truth. From those held-out errors it picks the grid filters' walking-speed
 * spread (per radio map, for the filters and for the fixed-lag smoothers apart, by the lowest
 * mean error among a few plausible speeds) and measures
 * each method's factor from spread to a radius that holds the truth 9 times in 10. Nothing here
 * ever sees a recording that the figures are later judged on.
 */

export interface TuningRecording {
  windows: readonly ReadingWindow[];
  truthAt: (t: number) => Point2 | undefined;
}

/**
 * Walking-speed spreads tried, m/s: from a slow shuffle to a brisk walk. 0.25 is there because
 * the fixed-lag smoothers, tuned on their own, chose the slowest of the others in every BOUN fold.
 */
export const SPEED_CANDIDATES: readonly number[] = [0.25, 0.35, 0.5, 0.75, 1];

const SPEED_TUNED: Partial<Record<MethodName, 'pathLoss' | 'survey'>> = {
  'grid-filter': 'pathLoss',
  'grid-smoother': 'pathLoss',
  'survey-filter': 'survey',
  'survey-smoother': 'survey',
};

/**
 * Recordings shorter than this many windows say little about walking (a filter's first windows
 * start from a flat belief whatever the speed): known spots of a few seconds each tune the error
 * bars but leave the speed at its default.
 */
export const MIN_WINDOWS_FOR_SPEED = 10;

interface Sample {
  error: number;
  spread: number;
}

/**
 * Tunes the methods on recordings with truth. `calibrate` is the calibration being tuned (path
 * loss, survey), run on all recordings but one; undefined when there are fewer than two
 * recordings or no held-out fix to learn from.
 */
export function tuneOnRecordings(
  recordings: readonly TuningRecording[],
  calibrate: (training: readonly TuningRecording[]) => PositioningSite | undefined,
): SiteTuning | undefined {
  if (recordings.length < 2) return undefined;
  // samples[method][speed or 'default']
  const samples = new Map<string, Map<string, Sample[]>>();
  const add = (method: string, key: string, s: Sample) => {
    let byKey = samples.get(method);
    if (!byKey) samples.set(method, (byKey = new Map()));
    const list = byKey.get(key);
    if (list) list.push(s);
    else byKey.set(key, [s]);
  };
  recordings.forEach((held, i) => {
    const site = calibrate(recordings.filter((_, j) => j !== i));
    if (!site) return;
    const run = (name: MethodName, key: string, speedSigma?: number) => {
      const built = createMethods(site, [name], speedSigma === undefined ? {} : { speedSigma }).methods[0];
      if (!built) return;
      for (const fix of locateWindows(held.windows, site, built)) {
        const truth = held.truthAt(fix.t);
        const s = fix.solution;
        if (!truth || !s.ok || s.spread === undefined) continue;
        add(name, key, { error: Math.hypot(s.x - truth.x, s.y - truth.y), spread: s.spread });
      }
    };
    const tuneSpeed = held.windows.length >= MIN_WINDOWS_FOR_SPEED;
    for (const name of METHOD_NAMES) {
      if (SPEED_TUNED[name] && tuneSpeed) for (const v of SPEED_CANDIDATES) run(name, String(v), v);
      else run(name, 'default');
    }
  });
  if (samples.size === 0) return undefined;

  // Each tuned method's speed: its lowest mean held-out error. A smoother sees a few windows
  // ahead and prefers a slower walk than its filter, which answers at once.
  const speedOf = new Map<string, number>();
  for (const name of Object.keys(SPEED_TUNED)) {
    const byKey = samples.get(name);
    let best: { v: number; mean: number } | undefined;
    for (const v of SPEED_CANDIDATES) {
      const list = byKey?.get(String(v)) ?? [];
      if (list.length === 0) continue;
      const mean = list.reduce((a, s) => a + s.error, 0) / list.length;
      if (!best || mean < best.mean) best = { v, mean };
    }
    if (best) speedOf.set(name, best.v);
  }
  const pick = (filter: MethodName, smoother: MethodName, family: 'pathLoss' | 'survey') => {
    const f = speedOf.get(filter);
    const s = speedOf.get(smoother);
    if (f !== undefined) speedSigma[family] = f;
    if (s !== undefined) smootherSpeedSigma[family] = s;
  };
  const speedSigma: { pathLoss?: number; survey?: number } = {};
  const smootherSpeedSigma: { pathLoss?: number; survey?: number } = {};
  pick('grid-filter', 'grid-smoother', 'pathLoss');
  pick('survey-filter', 'survey-smoother', 'survey');
  const scales: Record<string, number> = {};
  for (const [name, byKey] of samples) {
    const speed = speedOf.get(name);
    // Recordings too short to tune the speed ran at the default; their errors count too.
    const list = [
      ...(byKey.get('default') ?? []),
      ...(speed === undefined ? [] : (byKey.get(String(speed)) ?? [])),
    ];
    const scale = radius90Scale(list);
    if (scale !== undefined) scales[name] = scale;
  }
  return {
    radius90Scale: scales,
    speedSigma,
    ...(Object.keys(smootherSpeedSigma).length > 0 ? { smootherSpeedSigma } : {}),
  };
}
