/**
 * Time for the parts that wait or look at the wall clock (hub, sensor, capture, MQTT). Injected,
 * so tests move a clock instead of sleeping (as MQTT.js injects its keepalive timers).
 */
export interface Clock {
  /** Wall clock, Unix seconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  setInterval(callback: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
}

/** Opaque: whatever the clock hands out to cancel a timer with. */
export type TimerHandle = { readonly __timer: unique symbol } | object;

/** The real clock. Every part clears its timers in stop(), so none keeps a finished process alive. */
export const systemClock: Clock = {
  now: () => Date.now() / 1000,
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout | undefined),
};

/** Resolves after `ms` on `clock` (at once when `signal` is aborted). */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clock.clearTimeout(handle);
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
