import type { WindowSummary } from '../../core/model.ts';
import { redactAddressText } from '../../core/window/addressRedaction.ts';
import type { Store } from '../../adapters/storage/store.ts';
import type { WindowOutcome } from '../../adapters/transport/transport.ts';
import type { HubEventBus } from './hubEvents.ts';
import { windowProblem, type WindowRules } from './windowChecks.ts';
import type { WindowStorage } from './windowStorage.ts';

export interface WindowIntakeOptions {
  events: HubEventBus;
  storage: Pick<WindowStorage, 'store'>;
  deadLetters: Pick<Store, 'writeDeadLetter' | 'isPermanentWriteError'>;
  rules: () => WindowRules;
  now: () => number;
  log: (line: string) => void;
  /** Writes a window may fail with a permanent error before it is set aside. Default 3. */
  maxTries?: number;
}

/**
 * Defence in depth: sensors redact addresses from SSIDs and names before anything leaves them,
 * but an older or hostile sensor may not; whatever reads like an address is taken out here too,
 * before anything is stored or shown.
 */
function redactWindowTexts(summary: WindowSummary): void {
  for (const d of summary.devices) {
    for (let i = 0; i < d.ssids.length; i++) d.ssids[i] = redactAddressText(d.ssids[i]!);
    if (d.name !== undefined) d.name = redactAddressText(d.name);
    if (d.vendor !== null) d.vendor = redactAddressText(d.vendor);
  }
}

/** Windows that failed and may come again, remembered at most this many (oldest forgotten first). */
const MAX_TRACKED_FAILURES = 10_000;

/**
 * The transport's window handler: checks each window, hands counting windows to storage and
 * tells the other parts. Its promise is what the transport's acknowledgement waits for, so a
 * window leaves its sensor only once it is stored, refused for good (sending it again would not
 * change the answer), or set aside as a dead letter after failing the same way `maxTries` times
 * (one poison window must not wedge the hub in a loop of redeliveries).
 */
export class WindowIntake {
  /** Windows refused, by reason. */
  readonly refused: Record<string, number> = {};
  deadLettered = 0;
  private readonly failures = new Map<string, number>();

  constructor(private readonly options: WindowIntakeOptions) {}

  readonly receive = async (summary: WindowSummary): Promise<WindowOutcome | undefined> => {
    const { events, storage, rules, log } = this.options;
    const problem = windowProblem(summary, rules());
    if (problem !== undefined) {
      this.refused[problem] = (this.refused[problem] ?? 0) + 1;
      if (this.refused[problem] === 1)
        log(`refused a window from ${summary.sensorId}: ${problem} (counted in /metrics from now on)`);
      return { status: 'refused', reason: problem };
    }
    if (summary.purpose === 'positioning') {
      events.emit('positioningReceived', summary);
      return undefined;
    }
    redactWindowTexts(summary);
    events.emit('windowReceived', summary);
    const key = `${summary.sensorId}\u0000${summary.windowStart}`;
    try {
      await storage.store(summary);
      this.failures.delete(key);
      return { status: 'stored' };
    } catch (error) {
      if (!this.options.deadLetters.isPermanentWriteError(error)) throw error;
      const tries = (this.failures.get(key) ?? 0) + 1;
      if (tries < (this.options.maxTries ?? 3)) {
        this.remember(key, tries);
        throw error;
      }
      return this.setAside(summary, key, error);
    }
  };

  private async setAside(summary: WindowSummary, key: string, error: unknown): Promise<WindowOutcome> {
    const reason = (error as Error)?.message?.slice(0, 500) ?? String(error);
    // If this write fails too (the database went away), the window stays with its sensor.
    await this.options.deadLetters.writeDeadLetter({
      at: this.options.now(),
      sensorId: summary.sensorId,
      windowStart: summary.windowStart,
      reason,
      payload: JSON.stringify(summary),
    });
    this.failures.delete(key);
    this.deadLettered++;
    this.options.log(
      `set aside window ${summary.windowStart} of ${summary.sensorId} as a dead letter: ${reason} (counted in /metrics)`,
    );
    return { status: 'dead-letter', reason };
  }

  private remember(key: string, tries: number): void {
    this.failures.delete(key);
    this.failures.set(key, tries);
    if (this.failures.size > MAX_TRACKED_FAILURES) this.failures.delete(this.failures.keys().next().value!);
  }
}
