import type { WindowSummary } from '../../core/model.ts';
import type { Store, WindowRow } from '../../adapters/storage/store.ts';

export interface StorageCounters {
  /** Sensor windows handed to `store`. */
  sensorWindows: number;
  stored: number;
  duplicates: number;
  /** Writes that failed (the transport then offers the window again). */
  failures: number;
}

/**
 * The hub's write path: sensor windows are written in arrival order, one transaction per window
 * start (parts of one start that arrive together go in together). Merging several sensors and
 * redeliveries correctly is the store's contract (idempotent by sensor and window), so this only
 * keeps writes in order and tells each caller how its own window fared.
 */
export class WindowStorage {
  readonly counters: StorageCounters = { sensorWindows: 0, stored: 0, duplicates: 0, failures: 0 };
  private pending: { summary: WindowSummary; settle: (error?: unknown) => void }[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly target: Pick<Store, 'writeWindow'>,
    /**
     * Awaited after each window start's parts are committed, before the next write: later
     * steps (people estimates) see windows in the order they were stored.
     */
    private readonly onCommitted: (row: WindowRow) => Promise<void> = async () => {},
  ) {}

  /**
   * Queues one sensor window; resolves when it is stored (or was a copy of a stored one),
   * rejects when its write failed: what a transport's acknowledgement must wait for.
   */
  store(summary: WindowSummary): Promise<void> {
    this.counters.sensorWindows++;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ summary, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (this.pending.length === 1) this.chain = this.chain.then(() => this.drain());
    });
  }

  /**
   * Resolves when everything queued so far has been written or has failed. For readers (the
   * API, exports): they need stored data to be current, not to take the write path's errors.
   */
  async settled(): Promise<void> {
    await this.chain;
  }

  /** Resolves when everything queued so far is stored; rejects with the first write error since the last flush. */
  async flush(): Promise<void> {
    await this.chain;
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) throw failure;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      const byStart = new Map<number, typeof batch>();
      for (const item of batch) {
        const list = byStart.get(item.summary.windowStart);
        if (list === undefined) byStart.set(item.summary.windowStart, [item]);
        else list.push(item);
      }
      for (const items of byStart.values()) {
        let error: unknown;
        try {
          const result = await this.target.writeWindow(items.map((i) => i.summary));
          this.counters.stored += result.stored;
          this.counters.duplicates += result.duplicates;
          if (result.window !== undefined) await this.onCommitted(result.window);
        } catch (caught) {
          error = caught ?? new Error('write failed');
          this.counters.failures++;
          this.failure ??= error;
        }
        for (const item of items) item.settle(error);
      }
    }
  }
}
