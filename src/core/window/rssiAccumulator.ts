import type { RssiStats } from '../model.ts';

/**
 * Running RSSI statistics by Welford's method: one pass, no list of samples kept, and no
 * cancellation error from summing squares of values around -70.
 */
export class RssiAccumulator {
  count = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;

  add(rssi: number): void {
    this.count++;
    const delta = rssi - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (rssi - this.mean);
    if (rssi < this.min) this.min = rssi;
    if (rssi > this.max) this.max = rssi;
  }

  stats(): RssiStats | null {
    if (this.count === 0) return null;
    return {
      count: this.count,
      mean: this.mean,
      std: Math.sqrt(this.m2 / this.count),
      min: this.min,
      max: this.max,
    };
  }
}

/** Combines statistics of disjoint sample sets (Chan et al.), e.g. one device heard by several sensors. */
export function combineRssiStats(parts: readonly (RssiStats | null)[]): RssiStats | null {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const part of parts) {
    if (part === null || part.count === 0) continue;
    const total = count + part.count;
    const delta = part.mean - mean;
    m2 += part.std * part.std * part.count + (delta * delta * count * part.count) / total;
    mean += (delta * part.count) / total;
    count = total;
    if (part.min < min) min = part.min;
    if (part.max > max) max = part.max;
  }
  if (count === 0) return null;
  return { count, mean, std: Math.sqrt(m2 / count), min, max };
}
