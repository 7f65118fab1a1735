import { createGaussianBlur } from './gridBlur.ts';
import {
  DEFAULT_SPEED_SIGMA,
  type GridFilterOptions,
  beliefFix,
  diffuse,
  flatBelief,
  logLikelihood,
  normalise,
  posterior,
  scaledLikelihood,
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
  /** Windows each fix waits for (default DEFAULT_SMOOTHER_LAG). */
  lag?: number;
}

/**
 * Three windows (6 s with 2 s windows): a latency budget, not a fitted figure. It was set after
 * seeing lags of 1 to 5 on the BOUN walks (leave-one-track-out), where every extra window helped
 * a little (5 was better still) and most of the gain had come by the third: with the smoothers'
 * own tuned speed, survey-smoother 0.75 / 1.78 m (median / p90) against 0.89 / 2.36 m at lag 1.
 */
export const DEFAULT_SMOOTHER_LAG = 3;

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

export function createGridSmoother(
  map: RadioMap,
  name = 'grid-smoother',
  options: GridSmootherOptions = {},
): LaggedTracker<GridSmootherState> {
  const lag = Math.max(0, Math.floor(options.lag ?? DEFAULT_SMOOTHER_LAG));
  const speedSigma = options.speedSigma ?? DEFAULT_SPEED_SIGMA;
  const defaultSigmaDb = options.defaultSigmaDb ?? 4;
  const maxGap = options.maxGapSeconds ?? 30;
  const blur = createGaussianBlur(map.nx, map.ny);
  const walkable = map.walkable;

  /** The smoothed fix of held[k], given everything held after it. */
  function smoothed(held: readonly Held[], k: number): TimedSolution {
    let beta: Float64Array | undefined;
    for (let j = held.length - 1; j > k; j--) {
      const lik = held[j]!.likelihood;
      let msg: Float64Array | undefined = beta;
      if (lik) msg = msg ? lik.map((v, i) => v * msg![i]!) : lik;
      if (!msg) continue;
      // Backwards through the walk: where the device could have come from, the floor only.
      if (walkable) msg = msg.map((v, i) => v * walkable[i]!);
      const sigmaCells = (speedSigma * (held[j]!.t - held[j - 1]!.t)) / map.cell;
      beta = sigmaCells > 0.25 ? blur(msg, sigmaCells) : Float64Array.from(msg);
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
      const prior = last ? diffuse(map, blur, last.belief, speedSigma * (input.t - last.t)) : flatBelief(map);
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
        const likelihood = scaledLikelihood(logLikelihood(map, ms, defaultSigmaDb));
        entry = {
          t: input.t,
          input: { ...input, measurements: ms },
          belief: posterior(map, prior, likelihood),
          likelihood,
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
