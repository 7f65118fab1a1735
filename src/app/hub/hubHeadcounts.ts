import type { Clock } from '../../adapters/clock/clock.ts';
import type { HeadcountView } from '../../adapters/http/headcountView.ts';
import type { HeadcountRow, Store } from '../../adapters/storage/store.ts';
import type { PeopleCounting } from './peopleCounting.ts';

/**
 * Headcounts used in calibration: the newest by time. Older ones inform the slow part of the
 * scale only (its time constant is months), and the update solves a system of this size.
 */
export const MAX_HEADCOUNTS = 200;

export interface HubHeadcountsOptions {
  store: Pick<Store, 'addHeadcount' | 'headcounts' | 'deleteHeadcount'>;
  people: PeopleCounting;
  clock: Clock;
}

/**
 * "There are 12 people now": headcounts typed on the dashboard or posted to the API are stored
 * (with the model's estimate of that moment) and the people estimates are calibrated by them;
 * adding or removing one revises the estimates the hub still remembers.
 */
export class HubHeadcounts implements HeadcountView {
  /** Changes one at a time, so the last revision is made from the list as the last change left it. */
  private changes: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: HubHeadcountsOptions) {}

  /** Calibrates by the stored headcounts from the first estimate on. */
  async start(): Promise<void> {
    await this.options.people.recalibrate(await this.options.store.headcounts(MAX_HEADCOUNTS));
  }

  list(): Promise<HeadcountRow[]> {
    return this.options.store.headcounts(MAX_HEADCOUNTS);
  }

  add({ t, count }: { t: number; count: number }): Promise<HeadcountRow> {
    return this.change(async () => {
      const { store, people, clock } = this.options;
      const estimate = people.calibration.rawEstimateAt(t) ?? null;
      const row = await store.addHeadcount({ t, count, estimate, createdAt: clock.now() });
      await people.recalibrate(await store.headcounts(MAX_HEADCOUNTS));
      return row;
    });
  }

  remove(id: number): Promise<boolean> {
    return this.change(async () => {
      const { store, people } = this.options;
      if (!(await store.deleteHeadcount(id))) return false;
      await people.recalibrate(await store.headcounts(MAX_HEADCOUNTS));
      return true;
    });
  }

  scale(): { t: number; mean: number; sd: number } | undefined {
    return this.options.people.calibration.currentScale();
  }

  private change<T>(work: () => Promise<T>): Promise<T> {
    const done = this.changes.then(work);
    this.changes = done.catch(() => {});
    return done;
  }
}
