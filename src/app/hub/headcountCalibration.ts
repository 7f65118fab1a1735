import type { HeadcountPrior } from '../../core/occupancy/countingParams.ts';
import { calibrateWithHeadcounts, type Headcount } from '../../core/occupancy/headcounts.ts';
import type { HeadcountRow, WindowPeople } from '../../adapters/storage/store.ts';

export interface HeadcountCalibrationOptions {
  prior: HeadcountPrior;
  /** The level the model's intervals were made for. */
  intervalLevel: number;
  windowSeconds: number;
  /**
   * How long the model's own (uncalibrated) estimates are kept, so a headcount added or removed
   * revises them: default 12 h, six of the prior's two-hour session time constants (default prior),
   * beyond which a new count moves an estimate by a fraction of a percent.
   */
  memorySeconds?: number;
}

/** People per unit of the model's estimate, as the headcounts put it, with its standard deviation. */
export interface Scale {
  t: number;
  mean: number;
  sd: number;
}

const DEFAULT_MEMORY_SECONDS = 12 * 3600;

/**
 * The hub's headcount calibration (core/occupancy/headcounts.ts): the model's estimates in, the
 * same windows out with their estimate and interval moved by the stored headcounts. It keeps the
 * model's own estimates of the recent past, so a count added or removed revises them all, and so
 * a count is compared with the model's estimate of its moment (the window holding it; a count
 * older than that memory uses the estimate stored with it).
 */
export class HeadcountCalibration {
  private readonly raw = new Map<number, WindowPeople>();
  private headcounts: readonly HeadcountRow[] = [];

  constructor(private readonly options: HeadcountCalibrationOptions) {}

  setHeadcounts(rows: readonly HeadcountRow[]): void {
    this.headcounts = [...rows];
  }

  /** Remembers the model's estimates of these windows and returns them calibrated. */
  apply(rows: readonly WindowPeople[]): WindowPeople[] {
    let newest = -Infinity;
    for (const row of rows) {
      this.raw.set(row.windowStart, row);
      newest = Math.max(newest, row.windowStart);
    }
    const memory = this.options.memorySeconds ?? DEFAULT_MEMORY_SECONDS;
    for (const start of this.raw.keys()) if (start < newest - memory) this.raw.delete(start);
    return this.calibrate(rows);
  }

  /** Every remembered window, calibrated by the headcounts as they are now, oldest first. */
  recalibrated(): WindowPeople[] {
    return this.calibrate([...this.raw.values()].sort((a, b) => a.windowStart - b.windowStart));
  }

  /**
   * The model's estimate when a count at `t` is taken: of the window holding `t`, or, for "now"
   * before the current window has arrived, of the newest window ending at most two windows before.
   */
  rawEstimateAt(t: number): number | undefined {
    const holding = this.windowAt(t);
    if (holding !== undefined) return holding.estimate;
    let before: WindowPeople | undefined;
    for (const w of this.raw.values())
      if (w.windowEnd <= t && (before === undefined || w.windowEnd > before.windowEnd)) before = w;
    return before !== undefined && t - before.windowEnd <= 2 * this.options.windowSeconds
      ? before.estimate
      : undefined;
  }

  /** The scale at the newest remembered window, or undefined before any estimate. */
  currentScale(): Scale | undefined {
    let newest: WindowPeople | undefined;
    for (const w of this.raw.values())
      if (newest === undefined || w.windowStart > newest.windowStart) newest = w;
    if (newest === undefined) return undefined;
    const [w] = calibrateWithHeadcounts(
      [this.asEstimated(newest)],
      this.usable(),
      this.options.prior,
      this.options.intervalLevel,
    ).windows;
    return { t: (newest.windowStart + newest.windowEnd) / 2, mean: w!.scale, sd: w!.scaleSd };
  }

  /** These windows of the model's estimates, calibrated (remembered or not). */
  calibrate(rows: readonly WindowPeople[]): WindowPeople[] {
    const headcounts = this.usable();
    if (headcounts.length === 0 || rows.length === 0) return [...rows];
    const { windows } = calibrateWithHeadcounts(
      rows.map((r) => this.asEstimated(r)),
      headcounts,
      this.options.prior,
      this.options.intervalLevel,
    );
    return windows.map((w) => ({ ...w.row, estimate: w.estimate, low: w.low, high: w.high }));
  }

  /**
   * Each count against the model's estimate of its window when that is remembered (it may have
   * been revised since the count was stored), else the estimate stored with it; neither: unused.
   */
  private usable(): Headcount[] {
    return this.headcounts.flatMap((h) => {
      const estimate = this.windowAt(h.t)?.estimate ?? h.estimate;
      return estimate === null ? [] : [{ t: h.t, count: h.count, estimate }];
    });
  }

  private windowAt(t: number): WindowPeople | undefined {
    const start = Math.floor(t / this.options.windowSeconds) * this.options.windowSeconds;
    const w = this.raw.get(start);
    return w !== undefined && w.windowStart <= t && t < w.windowEnd ? w : undefined;
  }

  private asEstimated(row: WindowPeople) {
    return {
      start: row.windowStart,
      end: row.windowEnd,
      estimate: row.estimate,
      low: row.low,
      high: row.high,
      row,
    };
  }
}
