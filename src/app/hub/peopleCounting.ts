import type { CountingParams } from '../../core/occupancy/countingParams.ts';
import { DEFAULT_HEADCOUNT_PRIOR } from '../../core/occupancy/headcounts.ts';
import type { Clock, TimerHandle } from '../../adapters/clock/clock.ts';
import type { HeadcountRow, Store, WindowPeople, WindowRow } from '../../adapters/storage/store.ts';
import { HeadcountCalibration } from './headcountCalibration.ts';
import type { HubEventBus } from './hubEvents.ts';
import { PeopleEstimator } from './peopleEstimator.ts';

export interface PeopleCountingOptions {
  events: HubEventBus;
  store: Pick<Store, 'writeEstimates' | 'windows'>;
  params: CountingParams;
  windowSeconds: number;
  clock: Clock;
  log: (line: string) => void;
  /** Commits within this long of each other are estimated together. Default 250 ms. */
  settleMs?: number;
}

/**
 * The hub's people estimates. Every window received goes into the estimator; estimates are made
 * once per new window start (before a burst pushes old windows out of the estimator's memory) and
 * shortly after commits settle, so fifty sensors reporting the same minute cost one estimate, not
 * fifty. Estimates are calibrated by the stored headcounts, written and announced as `people`;
 * the rows of recent windows are kept as they were committed, so a revision is announced without
 * reading the store back. A headcount added or removed revises the remembered windows.
 */
export class PeopleCounting {
  readonly estimator: PeopleEstimator;
  readonly calibration: HeadcountCalibration;
  /** The model's own estimates, calibrated when written. */
  private readonly pending = new Map<number, WindowPeople>();
  private readonly recentRows = new Map<number, WindowRow>();
  /** Calibrated, as shown. */
  private readonly latestPeople = new Map<number, WindowPeople>();
  private timer: TimerHandle | undefined;
  private groups: { at: number; of: Map<string, number> } | undefined;
  private writing: Promise<void> = Promise.resolve();
  private off: (() => void) | undefined;

  constructor(private readonly options: PeopleCountingOptions) {
    this.estimator = new PeopleEstimator(options.params, options.windowSeconds);
    this.calibration = new HeadcountCalibration({
      prior: options.params.model.headcountPrior ?? DEFAULT_HEADCOUNT_PRIOR,
      intervalLevel: options.params.model.interval.level,
      windowSeconds: options.windowSeconds,
    });
  }

  get intervalLevel(): number {
    return this.options.params.model.interval.level;
  }

  start(): void {
    this.off = this.options.events.on('windowReceived', (summary) => {
      if (summary.windowStart > this.estimator.latestWindowStart) this.collect();
      this.estimator.accept(summary);
    });
  }

  /** Estimates and writes what is still pending. */
  async stop(): Promise<void> {
    this.off?.();
    this.off = undefined;
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.publish();
  }

  /** Estimates what arrived so far and resolves once it is written: readers see current figures. */
  async settled(): Promise<void> {
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.publish();
  }

  /** A committed window: returned with the latest estimate of its start; estimates follow shortly. */
  withPeople(row: WindowRow): WindowRow {
    this.recentRows.set(row.windowStart, row);
    const people = this.latestPeople.get(row.windowStart) ?? row.people;
    this.schedule();
    return people === row.people ? row : { ...row, people };
  }

  /**
   * The person (device group) an address belongs to, as counting groups the last hour's
   * rotating addresses; undefined for an address counting has not heard. Regrouped at most once
   * per new window.
   */
  personOf(deviceId: string): string | undefined {
    const latest = this.estimator.latestWindowStart;
    if (this.groups === undefined || this.groups.at !== latest)
      this.groups = { at: latest, of: this.estimator.recentDeviceGroups(this.estimator.horizonSeconds) };
    const group = this.groups.of.get(deviceId);
    return group === undefined ? undefined : `device-group:${group}`;
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      void this.publish();
    }, this.options.settleMs ?? 250);
  }

  private collect(): void {
    if (!this.estimator.dirty) return;
    const estimates = this.estimator.update();
    for (const estimate of estimates) this.pending.set(estimate.windowStart, estimate);
    for (const shown of this.calibration.apply(estimates)) this.latestPeople.set(shown.windowStart, shown);
  }

  /** Writes the estimates made since the last time and announces the windows they revise. */
  private publish(): Promise<void> {
    this.writing = this.writing.then(async () => {
      this.collect();
      if (this.pending.size === 0) return;
      // Calibrated now, in turn with headcount revisions: a count added meanwhile is not undone.
      const people = this.calibration.calibrate(
        [...this.pending.values()].sort((a, b) => a.windowStart - b.windowStart),
      );
      this.pending.clear();
      try {
        await this.options.store.writeEstimates(people);
      } catch (error) {
        this.options.log(`storing ${people.length} people estimates failed: ${(error as Error).message}`);
        return;
      }
      const revised: WindowRow[] = [];
      for (const estimate of people) {
        const known = this.recentRows.get(estimate.windowStart);
        if (known === undefined) continue;
        const updated = { ...known, people: estimate };
        this.recentRows.set(estimate.windowStart, updated);
        revised.push(updated);
      }
      this.forgetBefore(this.estimator.latestWindowStart - this.estimator.horizonSeconds);
      if (revised.length > 0) this.options.events.emit('people', revised);
    });
    return this.writing;
  }

  /**
   * Calibrates by these headcounts from now on and revises every remembered window: written,
   * then announced as `people` (read back, so windows older than the recent rows carry their
   * device counts too). Resolves once written.
   */
  recalibrate(headcounts: readonly HeadcountRow[]): Promise<void> {
    this.writing = this.writing.then(async () => {
      this.calibration.setHeadcounts(headcounts);
      const revised = this.calibration.recalibrated();
      if (revised.length === 0) return;
      for (const r of revised)
        if (this.latestPeople.has(r.windowStart)) this.latestPeople.set(r.windowStart, r);
      const { store, events, log } = this.options;
      try {
        await store.writeEstimates(revised);
        const starts = new Set(revised.map((r) => r.windowStart));
        const rows = (await store.windows(revised[0]!.windowStart, revised.at(-1)!.windowEnd)).filter(
          (row) => starts.has(row.windowStart) && row.people !== null,
        );
        for (const row of rows)
          if (this.recentRows.has(row.windowStart)) this.recentRows.set(row.windowStart, row);
        if (rows.length > 0) events.emit('people', rows);
      } catch (error) {
        log(`revising ${revised.length} people estimates by headcounts failed: ${(error as Error).message}`);
      }
    });
    return this.writing;
  }

  private forgetBefore(t: number): void {
    for (const start of this.recentRows.keys()) if (start < t) this.recentRows.delete(start);
    for (const start of this.latestPeople.keys()) if (start < t) this.latestPeople.delete(start);
  }
}
