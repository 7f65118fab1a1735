import { fisherSpread } from './fisherSpread.ts';
import type { SurveyPoint } from './radioMap.ts';
import { type Solver, checkInput, makeFix, refuse } from './solver.ts';

/**
 * Fingerprinting: k nearest neighbours over recorded RSSI vectors. A window's readings are
 * compared with every survey point over the sensors both heard (RMS difference in dB); the fix is
 * the inverse-distance-weighted mean of the k closest points. No path-loss model at all, so it
 * only works where the site has a survey, and it cannot place a device away from surveyed spots.
 */

export interface FingerprintOptions {
  /** Neighbours to average (default 5). */
  k?: number;
  /** Sensors a survey point must share with the window to be compared (default 3). */
  minCommon?: number;
}

export function createFingerprintSolver(
  survey: readonly SurveyPoint[],
  name = 'knn',
  options: FingerprintOptions = {},
): Solver {
  const k = options.k ?? 5;
  const minCommon = options.minCommon ?? 3;
  return {
    kind: 'solver',
    name,
    solve(input) {
      const invalid = checkInput(input);
      if (invalid) return invalid;
      const heard = input.measurements.filter((m) => m.rssi !== undefined);
      if (heard.length < minCommon)
        return refuse(
          'too-few-sensors',
          `${heard.length} reading(s) with an RSSI; fingerprinting needs ${minCommon}`,
        );
      const scored: { d: number; p: SurveyPoint }[] = [];
      for (const p of survey) {
        let sq = 0;
        let common = 0;
        for (const m of heard) {
          const r = p.rssi[m.sensorId];
          if (r === undefined) continue;
          sq += (m.rssi! - r) ** 2;
          common++;
        }
        if (common >= minCommon) scored.push({ d: Math.sqrt(sq / common), p });
      }
      if (scored.length === 0)
        return refuse('no-match', 'no survey point shares enough sensors with this window');
      scored.sort((a, b) => a.d - b.d);
      let sw = 0;
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      for (const { d, p } of scored.slice(0, k)) {
        const w = 1 / (d + 0.5);
        sw += w;
        sx += w * p.x;
        sy += w * p.y;
        sxx += w * p.x * p.x;
        syy += w * p.y * p.y;
      }
      const fix = { x: sx / sw, y: sy / sw };
      // How far apart the neighbours lie, and how well the readings pin the spot down.
      const neighbours = Math.sqrt(
        Math.max(0, sxx / sw - fix.x * fix.x) + Math.max(0, syy / sw - fix.y * fix.y),
      );
      const spread = Math.hypot(neighbours, Math.min(fisherSpread(heard, fix, input.deviceZ), 1e6));
      return makeFix(fix, input, { spread });
    },
  };
}
