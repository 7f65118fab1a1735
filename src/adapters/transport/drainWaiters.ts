import type { Clock } from '../clock/clock.ts';

/**
 * The callers of a publisher's `drained()`: each waits until nothing is left to acknowledge, or
 * gives up after its own timeout with a sentence saying what was still waiting.
 */
export class DrainWaiters {
  private readonly waiters = new Set<() => void>();

  constructor(private readonly clock: Clock) {}

  /** Resolves at once when `depth()` is 0, else at the next `wake()` that finds it 0. */
  wait(depth: () => number, timeoutMs: number, describe: (depth: number) => string): Promise<void> {
    if (depth() === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = () => {
        if (depth() !== 0) return;
        this.clock.clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = this.clock.setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(describe(depth())));
      }, timeoutMs);
      this.waiters.add(wake);
    });
  }

  /** Something was acknowledged: waiters whose condition now holds are released. */
  wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
