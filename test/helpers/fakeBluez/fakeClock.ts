/**
 * A clock and timers that move only when the test says so: `now()` in Unix seconds, and
 * setTimeout/clearTimeout in the shape the scanner takes. `advanceTo` fires due timers in time
 * order, each at its own time.
 */
export class FakeClock {
  private time: number;
  private nextId = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  constructor(start: number) {
    this.time = start;
  }

  readonly now = (): number => this.time;

  readonly setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.pending.set(id, { at: this.time + Math.max(0, ms) / 1000, callback });
    return id;
  };

  readonly clearTimeout = (handle: unknown): void => {
    if (typeof handle === 'number') this.pending.delete(handle);
  };

  /** When the earliest pending timer is due, or undefined. */
  get nextTimerAt(): number | undefined {
    let next: number | undefined;
    for (const { at } of this.pending.values()) if (next === undefined || at < next) next = at;
    return next;
  }

  advanceTo(t: number): void {
    for (;;) {
      let dueId: number | undefined;
      let due: { at: number; callback: () => void } | undefined;
      for (const [id, timer] of this.pending) {
        if (timer.at <= t && (due === undefined || timer.at < due.at)) {
          dueId = id;
          due = timer;
        }
      }
      if (due === undefined || dueId === undefined) break;
      this.pending.delete(dueId);
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = Math.max(this.time, t);
  }

  advanceBy(seconds: number): void {
    this.advanceTo(this.time + seconds);
  }
}
