import { createCalendar } from '../../core/history/calendar.ts';
import type { Clock, TimerHandle } from '../../adapters/clock/clock.ts';
import type { RetentionPlan, Store } from '../../adapters/storage/store.ts';

const DAY = 86_400;
const HOUR_MS = 3_600_000;
/** How long a sensor's outbox keeps a window it could not deliver (adapters/transport/outbox.ts). */
export const OUTBOX_DAYS = 7;

export interface RetentionOptions {
  store: Pick<Store, 'prune' | 'timeZone'>;
  /** Days of raw data (sightings, windows, positions, device-days) and of unseen devices kept; 0 keeps everything. */
  days: number;
  clock: Clock;
  log: (line: string) => void;
}

/**
 * What to drop at `now`: raw rows of whole local days older than `days` (a day is never cut in
 * half, so the rollups of every day still held can be brought up to date by a late window),
 * device rows not seen for `days`, and sensor-window claims only past a sensor's outbox age too: a
 * window redelivered after its raw rows are gone is still recognised, never counted twice in the
 * rollups that outlive them.
 */
export function retentionPlan(now: number, days: number, timeZone: string): RetentionPlan {
  const rawBefore = createCalendar(timeZone).dayStart(now - days * DAY);
  return {
    rawBefore,
    claimsBefore: Math.min(rawBefore, now - OUTBOX_DAYS * DAY),
    devicesBefore: now - days * DAY,
  };
}

/** Retention that keeps the story: prunes raw data at start and every hour after; rollups stay. */
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
    const removed = await store.prune(retentionPlan(clock.now(), days, store.timeZone));
    const parts = Object.entries(removed).filter(([, n]) => n > 0);
    if (parts.length > 0)
      log(`retention (${days} days): removed ${parts.map(([what, n]) => `${n} ${what}`).join(', ')}`);
  }
}
