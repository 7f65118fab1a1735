import type { WindowSummary } from '../../core/model.ts';
import { LiveLocator, type LiveFix } from '../../core/positioning/liveLocator.ts';
import type { MethodName } from '../../core/positioning/methods.ts';
import type { PositioningSite } from '../../core/positioning/positioningSite.ts';
import type { Site } from '../../config/site.ts';
import type { Clock, TimerHandle } from '../../adapters/clock/clock.ts';
import type { Store } from '../../adapters/storage/store.ts';
import type { ZoneOccupancyNow } from '../../adapters/http/zoneView.ts';
import type { HubEventBus } from './hubEvents.ts';
import { zoneOccupancyNow } from './zoneOccupancyNow.ts';

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
  /** The person an address belongs to (counting's device groups), for people per zone. */
  personOf?: (deviceId: string) => string | undefined;
}

/**
 * Locates devices from the sensors' short positioning windows, stores the fixes and announces
 * them. A window is located once parts of later windows arrive; when the sensors fall quiet
 * (nobody around, or the last frames of a replay), the clock closes it instead. With zones in the
 * site file, each fix carries its zone, and the devices and people per zone are announced
 * (`zoneOccupancy`) whenever they change, also when devices age out with nothing new arriving.
 */
export class LivePositioning {
  readonly locator: LiveLocator;
  private pendingFixes: LiveFix[] = [];
  private writes: Promise<void> = Promise.resolve();
  private lastPartAt = -Infinity;
  private newestFixT: number | null = null;
  /** The hub's clock when the newest fix arrived. */
  private newestFixAt = 0;
  private announcedOccupancy = '';
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
      this.announceOccupancy();
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

  /**
   * Now on the data's clock: the newest fix's time, moved on by the hub's clock since it arrived.
   * Live, that is the hub's now (less the window's lag); for a replayed recording it is the
   * recording's time, so its devices are current while it plays and age out once it stops.
   */
  dataNow(): number {
    const now = this.options.clock.now();
    return this.newestFixT === null ? now : this.newestFixT + Math.max(0, now - this.newestFixAt);
  }

  /** Devices and people per zone now; undefined when the site has no zones. */
  occupancy(maxAgeSeconds?: number): ZoneOccupancyNow | undefined {
    return zoneOccupancyNow(this.locator, this.dataNow(), maxAgeSeconds, this.options.personOf);
  }

  private announceOccupancy(): void {
    const occupancy = this.occupancy();
    if (occupancy === undefined) return;
    const key = JSON.stringify([occupancy.zones, occupancy.elsewhere]);
    if (key === this.announcedOccupancy) return;
    this.announcedOccupancy = key;
    this.options.events.emit('zoneOccupancy', occupancy);
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
    for (const fix of fixes) {
      if (fix.t > (this.newestFixT ?? -Infinity)) {
        this.newestFixT = fix.t;
        this.newestFixAt = this.options.clock.now();
      }
    }
    const { store, events, log } = this.options;
    this.writes = this.writes
      .then(() => store.writePositions(fixes))
      .then(
        () => {
          for (const fix of fixes) events.emit('position', fix);
          this.announceOccupancy();
        },
        (error: Error) => log(`storing ${fixes.length} positions failed: ${error.message}`),
      );
  }
}
