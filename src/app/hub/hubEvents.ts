import type { WindowSummary } from '../../core/model.ts';
import type { LiveFix } from '../../core/positioning/liveLocator.ts';
import type { WindowRow } from '../../adapters/storage/store.ts';
import type { TransportStatus } from '../../adapters/transport/transport.ts';
import type { ZoneOccupancyNow } from '../../adapters/http/zoneView.ts';
import { EventBus } from './eventBus.ts';

/** What the hub's parts tell each other (and the dashboard), in the order data flows. */
export type HubEvents = {
  /** A counting window passed the intake's checks (before it is stored). */
  windowReceived: WindowSummary;
  /** A short positioning window passed the checks. */
  positioningReceived: WindowSummary;
  /** A window is committed, with its people estimate when there is one. */
  windowStored: WindowRow;
  /** Estimates of these recent windows were made or revised. */
  people: readonly WindowRow[];
  position: LiveFix;
  /** Devices and people per zone changed (a fix moved one, or one aged out). */
  zoneOccupancy: ZoneOccupancyNow;
  status: TransportStatus;
  saved: { savedAt: number; path: string };
  reset: number;
};

export class HubEventBus extends EventBus<HubEvents> {}
