import type { Clock, TimerHandle } from '../../src/adapters/clock/clock.ts';

interface Timer {
  id: number;
  /** Due time, Unix seconds. */
  due: number;
  /** Seconds between firings of an interval. */
  every: number | undefined;
  callback: () => void;
}

/** A clock that moves only when a test says so; timers fire in order of their due time. */
export class ManualClock implements Clock {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  constructor(startSeconds = 1_700_000_000) {
    this.time = startSeconds;
  }

  /** Bound, so `clock.now` can be handed over as a function. */
  readonly now = (): number => this.time;

  readonly setTimeout = (callback: () => void, ms: number): TimerHandle => this.add(callback, ms, undefined);

  readonly setInterval = (callback: () => void, ms: number): TimerHandle =>
    this.add(callback, ms, Math.max(1, ms) / 1000);

  readonly clearTimeout = (handle: TimerHandle | undefined): void => {
    if (handle !== undefined) this.timers.delete((handle as { id: number }).id);
  };

  readonly clearInterval = (handle: TimerHandle | undefined): void => this.clearTimeout(handle);

  /** When the earliest pending timer is due (Unix seconds), or undefined. */
  get nextTimerAt(): number | undefined {
    let next: number | undefined;
    for (const { due } of this.timers.values()) if (next === undefined || due < next) next = due;
    return next;
  }

  /** Moves time to `t` (Unix seconds), firing every timer that falls due on the way, in order. */
  advanceTo(t: number): void {
    for (;;) {
      let next: Timer | undefined;
      for (const timer of this.timers.values())
        if (timer.due <= t && (next === undefined || timer.due < next.due)) next = timer;
      if (next === undefined) break;
      this.time = Math.max(this.time, next.due);
      if (next.every === undefined) this.timers.delete(next.id);
      else next.due += next.every;
      next.callback();
    }
    this.time = Math.max(this.time, t);
  }

  advanceBy(seconds: number): void {
    this.advanceTo(this.time + seconds);
  }

  /** Moves time forward in steps, letting promise callbacks and I/O run after each. */
  async advanceByAsync(seconds: number, stepSeconds = seconds): Promise<void> {
    const until = this.time + seconds;
    while (this.time < until) {
      this.advanceTo(Math.min(until, this.time + stepSeconds));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private add(callback: () => void, ms: number, every: number | undefined): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.time + Math.max(0, ms) / 1000, every, callback });
    return { id };
  }
}
