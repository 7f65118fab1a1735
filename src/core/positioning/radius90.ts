import type { Positioner, Solution, TimedSolution } from './solver.ts';

/**
 * Error bars that hold: every fix carries `radius90`, the radius of the circle around it that
 * should hold the true position 9 times in 10. Each method reports a one-sigma spread; how that
 * spread relates to the real error differs by method (a filter that takes correlated readings as
 * independent is overconfident, the Cramér-Rao bound of the pseudo-inverse is optimistic), so
 * the factor is measured per method on recordings with ground truth (`heldOutTuning.ts`) and
 * kept in the site file. Without one, a method's spread is taken at its word: for a round
 * Gaussian with sqrt(var x + var y) = s, 90% of the mass lies within s * sqrt(ln 10).
 */

export const GAUSSIAN_RADIUS90_SCALE = Math.sqrt(Math.LN10);

/** The factor that, applied to these spreads, covers 90% of these errors (the 90th percentile of error / spread). */
export function radius90Scale(samples: readonly { error: number; spread: number }[]): number | undefined {
  const ratios = samples
    .filter((s) => Number.isFinite(s.error) && s.spread > 0 && Number.isFinite(s.spread))
    .map((s) => s.error / s.spread)
    .sort((a, b) => a - b);
  if (ratios.length === 0) return undefined;
  // The smallest ratio that at least 90% of the samples do not exceed.
  return ratios[Math.min(ratios.length - 1, Math.ceil(0.9 * ratios.length) - 1)]!;
}

function withRadius(solution: Solution, scale: number): Solution {
  if (!solution.ok || solution.spread === undefined || !Number.isFinite(solution.spread)) return solution;
  return { ...solution, radius90: solution.spread * scale };
}

/** The positioner, with `radius90 = spread * scale` on every fix it publishes. */
export function withRadius90(p: Positioner, scale: number): Positioner {
  switch (p.kind) {
    case 'solver':
      return { kind: 'solver', name: p.name, solve: (input) => withRadius(p.solve(input), scale) };
    case 'tracker':
      return {
        kind: 'tracker',
        name: p.name,
        step(state, input) {
          const r = p.step(state, input);
          return { state: r.state, solution: withRadius(r.solution, scale) };
        },
      };
    case 'lagged': {
      const each = (list: TimedSolution[]) =>
        list.map((r) => ({ t: r.t, solution: withRadius(r.solution, scale) }));
      return {
        kind: 'lagged',
        name: p.name,
        lag: p.lag,
        step(state, input) {
          const r = p.step(state, input);
          return { state: r.state, released: each(r.released) };
        },
        flush: (state) => each(p.flush(state)),
      };
    }
  }
}
