import {
  type GridFilterOptions,
  beliefFix,
  diffuse,
  flat,
  logLikelihood,
  normalise,
  posterior,
  usable,
} from './gridFilter.ts';
import type { RadioMap } from './radioMap.ts';
import { type LaggedTracker, type SolveInput, type TimedSolution, checkInput, refuse } from './solver.ts';

/**
 * The grid filter with a fixed lag: each window's belief is refined by the readings of the next
 * `lag` windows before it is published (forward-backward over a short, sliding stretch). A
 * walker's position two seconds later says a lot about where they were, so corners and the
 * first windows of a track come out much better; the price is `lag` windows of delay.
 */

export interface GridSmootherOptions extends GridFilterOptions {
  /** Windows each fix waits for (default 1). */
  lag?: number;
}

interface Held {
  t: number;
  input: SolveInput;
  /** Filtered (forward) belief. */
  belief: Float64Array;
  /** Likelihood of this window's readings, scaled to a maximum of 1; undefined when it had none. */
  likelihood: Float64Array | undefined;
  predicted: boolean;
}

export interface GridSmootherState {
  /** The latest forward belief, which the next window starts from. */
  last: { t: number; belief: Float64Array } | undefined;
  /** Windows not yet published, oldest first. */
  held: Held[];
}

function scaledLikelihood(ll: Float64Array): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < ll.length; i++) if (ll[i]! > max) max = ll[i]!;
  const out = new Float64Array(ll.length);
  for (let i = 0; i < ll.length; i++) out[i] = Math.exp(ll[i]! - max);
  return out;
}

export function createGridSmoother(
  map: RadioMap,
  name = 'grid-smoother',
  options: GridSmootherOptions = {},
): LaggedTracker<GridSmootherState> {
  const lag = Math.max(0, Math.floor(options.lag ?? 1));
  const speedSigma = options.speedSigma ?? 0.75;
  const defaultSigmaDb = options.defaultSigmaDb ?? 4;
  const maxGap = options.maxGapSeconds ?? 30;
  const n = map.nx * map.ny;

  /** The smoothed fix of held[k], given everything held after it. */
  function smoothed(held: readonly Held[], k: number): TimedSolution {
    let beta: Float64Array | undefined;
    for (let j = held.length - 1; j > k; j--) {
      const lik = held[j]!.likelihood;
      let msg: Float64Array | undefined = beta;
      if (lik) msg = msg ? lik.map((v, i) => v * msg![i]!) : lik;
      if (!msg) continue;
      beta = diffuse(map, msg, speedSigma * (held[j]!.t - held[j - 1]!.t));
      let max = 0;
      for (let i = 0; i < beta.length; i++) if (beta[i]! > max) max = beta[i]!;
      if (max > 0) for (let i = 0; i < beta.length; i++) beta[i] = beta[i]! / max;
    }
    const h = held[k]!;
    let belief = h.belief;
    if (beta) {
      const b = h.belief.map((v, i) => v * beta![i]!);
      if (normalise(b)) belief = b;
    }
    return { t: h.t, solution: beliefFix(map, belief, h.input, h.predicted, options.estimate) };
  }

  return {
    kind: 'lagged',
    name,
    lag,
    step(state, input) {
      const invalid = checkInput(input);
      if (invalid) return { state, released: [{ t: input.t, solution: invalid }] };
      let held = state?.held ?? [];
      let last = state?.last;
      const released: TimedSolution[] = [];
      if (last && !(input.t - last.t >= 0 && input.t - last.t <= maxGap)) {
        // A new track: what was held can learn nothing more.
        released.push(...held.map((_, k) => smoothed(held, k)));
        held = [];
        last = undefined;
      }
      const prior = last ? diffuse(map, last.belief, speedSigma * (input.t - last.t)) : flat(n);
      const ms = usable(map, input.measurements);
      if (ms.length === 0 && !last) {
        released.push({
          t: input.t,
          solution: refuse('too-few-sensors', 'no reading from a sensor on the map'),
        });
        return { state: { last, held }, released };
      }
      let entry: Held;
      if (ms.length === 0) {
        const belief = Float64Array.from(prior);
        normalise(belief);
        entry = { t: input.t, input, belief, likelihood: undefined, predicted: true };
      } else {
        const ll = logLikelihood(map, ms, defaultSigmaDb);
        entry = {
          t: input.t,
          input: { ...input, measurements: ms },
          belief: posterior(prior, ll),
          likelihood: scaledLikelihood(ll),
          predicted: false,
        };
      }
      held = [...held, entry];
      while (held.length > lag) {
        released.push(smoothed(held, 0));
        held = held.slice(1);
      }
      return { state: { last: { t: entry.t, belief: entry.belief }, held }, released };
    },
    flush(state) {
      const held = state?.held ?? [];
      return held.map((_, k) => smoothed(held, k));
    },
  };
}
