import type { WindowSummary } from '../../core/model.ts';
import type { Store } from '../../adapters/storage/store.ts';

export interface IngestCounters {
  sensorWindows: number;
  stored: number;
  duplicates: number;
}

/**
 * The hub's write path: sensor windows are written in arrival order, one transaction per
 * window start. Correct merging of several sensors and redeliveries is the store's contract
 * (idempotent by sensor and window), so ingest only has to keep writes in order.
 */
export class HubIngest {
  readonly counters: IngestCounters = { sensorWindows: 0, stored: 0, duplicates: 0 };
  private pending: WindowSummary[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  /** The outcome of each accepted sensor window, for callers that must know it was stored. */
  private readonly outcomes = new Map<
    WindowSummary,
    { promise: Promise<void>; settle: (error?: unknown) => void }
  >();

  constructor(
    private readonly store: Store,
    /** Called after each window start's parts are committed, e.g. to push it to dashboards. */
    private readonly onStored: (windowStart: number) => void | Promise<void> = () => {},
  ) {}

  accept(summary: WindowSummary): void {
    this.counters.sensorWindows++;
    let settle!: (error?: unknown) => void;
    const promise = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    promise.catch(() => {}); // a caller that never asks must not see an unhandled rejection
    this.outcomes.set(summary, { promise, settle });
    this.pending.push(summary);
    if (this.pending.length === 1) this.chain = this.chain.then(() => this.drain());
  }

  /**
   * Resolves when this sensor window is stored (or was a duplicate of a stored one), rejects when
   * its write failed: what an MQTT acknowledgement must wait for. Ask right after `accept`: once
   * settled, a window is forgotten (and then resolves at once).
   */
  stored(summary: WindowSummary): Promise<void> {
    return this.outcomes.get(summary)?.promise ?? Promise.resolve();
  }

  /**
   * Resolves when everything accepted so far has been written or has failed. For readers (the
   * API, exports): they need stored data to be current, not to take the write path's errors.
   */
  async settled(): Promise<void> {
    await this.chain;
  }

  /**
   * Resolves when everything accepted so far is stored; rejects with the first write error since
   * the last flush. Later windows are written regardless: a database that was briefly away (a
   * PostgreSQL restart) costs the windows of that moment, which MQTT then redelivers.
   */
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
      const byStart = new Map<number, WindowSummary[]>();
      for (const s of batch) {
        const list = byStart.get(s.windowStart);
        if (list === undefined) byStart.set(s.windowStart, [s]);
        else list.push(s);
      }
      for (const parts of byStart.values()) {
        try {
          const result = await this.store.writeWindow(parts);
          this.counters.stored += result.stored;
          this.counters.duplicates += result.duplicates;
          if (result.stored > 0) await this.onStored(parts[0]!.windowStart);
          this.settle(parts);
        } catch (error) {
          this.failure ??= error;
          this.settle(parts, error);
        }
      }
    }
  }

  private settle(parts: readonly WindowSummary[], error?: unknown): void {
    for (const part of parts) {
      this.outcomes.get(part)?.settle(error);
      this.outcomes.delete(part);
    }
  }
}
