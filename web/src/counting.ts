import type { ApiSummary, ApiWindow } from './api.ts';
import type { EstimateMode } from './timeChartOptions.ts';

/** How the hub counts people, as the cards and the chart say it. */
export interface Counting {
  method: 'model' | 'ratio';
  /** The model's interval level, "90%"; empty without one. */
  level: string;
  /** Detectable people per person, for devices / ratio. */
  ratio: number;
  /** How the chart draws the estimate (off while the Ratio switch is off). */
  estimateMode: EstimateMode;
}

/** An interval level as the page says it: 0.9 → "90%". */
function percent(level: number | null | undefined): string {
  if (level === null || level === undefined) return '';
  return `${Math.round((level <= 1 ? level * 100 : level) * 10) / 10}%`;
}

export function countingOf(summary: ApiSummary | null, ratioOn: boolean): Counting {
  // An older hub has no `counting`: it counts devices / ratio.
  const method = summary?.counting?.method ?? 'ratio';
  return {
    method,
    level: percent(summary?.counting?.intervalLevel),
    ratio: summary?.ratio ?? 0.7,
    estimateMode: !ratioOn ? 'off' : method === 'model' ? 'model' : 'ratio',
  };
}

export function hasInterval(w: ApiWindow): w is ApiWindow & { low: number; high: number } {
  return w.estimateMethod === 'model' && typeof w.low === 'number' && typeof w.high === 'number';
}
