import type { WindowRow } from '../../adapters/storage/store.ts';
import type { HubEventBus } from './hubEvents.ts';

/**
 * The newest stored window with its latest people estimate, kept from the hub's events so that
 * /metrics can show the site's figures now without reading the store.
 */
export class LatestWindow {
  private newest: WindowRow | undefined;
  private offs: (() => void)[] = [];

  constructor(private readonly events: HubEventBus) {}

  get row(): WindowRow | undefined {
    return this.newest;
  }

  start(): void {
    const note = (row: WindowRow) => {
      if (this.newest === undefined || row.windowStart >= this.newest.windowStart) this.newest = row;
    };
    this.offs = [
      this.events.on('windowStored', note),
      this.events.on('people', (rows) => rows.forEach(note)),
    ];
  }

  stop(): void {
    for (const off of this.offs) off();
    this.offs = [];
  }
}
