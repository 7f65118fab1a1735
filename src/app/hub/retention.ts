import type { Clock, TimerHandle } from '../../adapters/clock/clock.ts';
import type { Store } from '../../adapters/storage/store.ts';

const DAY = 86_400;
const HOUR_MS = 3_600_000;

export interface RetentionOptions {
  store: Pick<Store, 'deleteOlderThan'>;
  /** Days of windows, sightings and positions kept; 0 keeps everything. */
  days: number;
  clock: Clock;
  log: (line: string) => void;
}

/** Drops old windows at start and every hour after. */
export class Retention {
  private timer: TimerHandle | undefined;

  constructor(private readonly options: RetentionOptions) {}

  async start(): Promise<void> {
    if (this.options.days <= 0) return;
    await this.runOnce();
    this.timer = this.options.clock.setInterval(
      () => void this.runOnce().catch((e: Error) => this.options.log(`retention failed: ${e.message}`)),
      HOUR_MS,
    );
  }

  stop(): void {
    this.options.clock.clearInterval(this.timer);
    this.timer = undefined;
  }

  async runOnce(): Promise<void> {
    const { store, days, clock, log } = this.options;
    const removed = await store.deleteOlderThan(clock.now() - days * DAY);
    if (removed.windows > 0) log(`retention: removed ${removed.windows} windows older than ${days} days`);
  }
}
