/**
 * When to try again after a failure: a delay doubled on every failure in a row, up to a cap, on
 * an injected clock. A wake (the missing thing showing up) asked for while an attempt is still
 * under way makes the next delay zero, so that attempt's failure is retried at once.
 */
import type { Clock, TimerHandle } from '../../clock/clock.ts';

export interface RetryDelay {
  delayMs: number;
  /** 1 for the first failure in a row. */
  attempt: number;
}

export class RetryBackoff {
  private attempt = 0;
  private wakeRequested = false;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {}

  /** An attempt succeeded: the next failure waits the initial delay again. */
  reset(): void {
    this.attempt = 0;
  }

  /** An attempt is starting: wakes asked for before it are answered by it. */
  attemptStarting(): void {
    this.wakeRequested = false;
  }

  /** Something the attempt under way may have missed just showed up. */
  requestWake(): void {
    this.wakeRequested = true;
  }

  /** Counts one more failure and says how long to wait before the next attempt. */
  nextDelay(): RetryDelay {
    this.attempt++;
    const delayMs = this.wakeRequested ? 0 : Math.min(this.initialMs * 2 ** (this.attempt - 1), this.maxMs);
    return { delayMs, attempt: this.attempt };
  }

  /** Runs `retry` after `delayMs` on the clock, unless cancelled first. */
  schedule(retry: () => void, delayMs: number): void {
    this.timer = this.clock.setTimeout(retry, delayMs);
  }

  cancel(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
