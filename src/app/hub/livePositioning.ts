import type { WindowSummary } from '../../core/model.ts';
import { LiveLocator, type LiveFix } from '../../core/positioning/liveLocator.ts';
import type { MethodName } from '../../core/positioning/methods.ts';
import type { PositioningSite } from '../../core/positioning/positioningSite.ts';
import type { Site } from '../../config/site.ts';
import type { Clock, TimerHandle } from '../../adapters/clock/clock.ts';
import type { Store } from '../../adapters/storage/store.ts';
import type { HubEventBus } from './hubEvents.ts';

/** Live positioning as configured for a hub: a site with sensor coordinates. */
export interface HubPositioning {
  /** The site file as loaded (floor, zones, floor plan) and its positioning view. */
  site: Site;
  positioningSite: PositioningSite;
  /** Folder of the site file, where a floor-plan image path is relative to. */
  siteDir: string;
  method?: MethodName;
  windowSeconds: number;
}

export interface LivePositioningOptions {
  events: HubEventBus;
  store: Pick<Store, 'writePositions'>;
  positioning: HubPositioning;
  clock: Clock;
  log: (line: string) => void;
}

/**
 * Locates devices from the sensors' short positioning windows, stores the fixes and announces
 * them. A window is located once parts of later windows arrive; when the sensors fall quiet
 * (nobody around, or the last frames of a replay), the clock closes it instead.
 */
export class LivePositioning {
  readonly locator: LiveLocator;
  private pendingFixes: LiveFix[] = [];
  private writes: Promise<void> = Promise.resolve();
  private lastPartAt = -Infinity;
  private newestFixT: number | null = null;
  private timer: TimerHandle | undefined;
  private off: (() => void) | undefined;

  constructor(private readonly options: LivePositioningOptions) {
    const { positioning } = options;
    this.locator = new LiveLocator({
      site: positioning.positioningSite,
      windowSeconds: positioning.windowSeconds,
      ...(positioning.method === undefined ? {} : { method: positioning.method }),
      onFix: (fix) => this.pendingFixes.push(fix),
    });
  }

  get windowSeconds(): number {
    return this.options.positioning.windowSeconds;
  }

  /** Time of the newest position located. */
  get latestFixT(): number | null {
    return this.newestFixT;
  }

  start(): void {
    const { clock, events } = this.options;
    this.off = events.on('positioningReceived', (summary) => this.accept(summary));
    this.timer = clock.setInterval(() => {
      if (clock.now() - this.lastPartAt > 2 * this.windowSeconds) {
        this.locator.flush();
        this.storePending();
      }
    }, this.windowSeconds * 1000);
  }

  async stop(): Promise<void> {
    this.off?.();
    this.options.clock.clearInterval(this.timer);
    this.locator.flush();
    await this.settled();
  }

  /** Resolves when the positions located so far are stored. */
  async settled(): Promise<void> {
    this.storePending();
    await this.writes;
  }

  private accept(summary: WindowSummary): void {
    this.lastPartAt = this.options.clock.now();
    this.locator.accept(summary);
    this.storePending();
  }

  private storePending(): void {
    if (this.pendingFixes.length === 0) return;
    const fixes = this.pendingFixes;
    this.pendingFixes = [];
    for (const fix of fixes) this.newestFixT = Math.max(this.newestFixT ?? -Infinity, fix.t);
    const { store, events, log } = this.options;
    this.writes = this.writes
      .then(() => store.writePositions(fixes))
      .then(
        () => {
          for (const fix of fixes) events.emit('position', fix);
        },
        (error: Error) => log(`storing ${fixes.length} positions failed: ${error.message}`),
      );
  }
}
