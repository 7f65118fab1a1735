import type { WindowSummary } from '../../core/model.ts';
import type { HubEventBus } from './hubEvents.ts';
import { windowProblem, type WindowRules } from './windowChecks.ts';
import type { WindowStorage } from './windowStorage.ts';

export interface WindowIntakeOptions {
  events: HubEventBus;
  storage: Pick<WindowStorage, 'store'>;
  rules: () => WindowRules;
  log: (line: string) => void;
}

/**
 * The transport's window handler: checks each window, hands counting windows to storage and
 * tells the other parts. Its promise is what the transport's acknowledgement waits for, so a
 * window leaves its sensor only once it is stored (or refused for good: sending a refused
 * window again would not change the answer).
 */
export class WindowIntake {
  /** Windows refused, by reason. */
  readonly refused: Record<string, number> = {};

  constructor(private readonly options: WindowIntakeOptions) {}

  readonly receive = async (summary: WindowSummary): Promise<void> => {
    const { events, storage, rules, log } = this.options;
    const problem = windowProblem(summary, rules());
    if (problem !== undefined) {
      this.refused[problem] = (this.refused[problem] ?? 0) + 1;
      if (this.refused[problem] === 1)
        log(`refused a window from ${summary.sensorId}: ${problem} (counted in /metrics from now on)`);
      return;
    }
    if (summary.purpose === 'positioning') {
      events.emit('positioningReceived', summary);
      return;
    }
    events.emit('windowReceived', summary);
    await storage.store(summary);
  };
}
