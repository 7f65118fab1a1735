import type { LiveLocator } from '../../core/positioning/liveLocator.ts';
import type { ZoneOccupancyNow } from '../../adapters/http/zoneView.ts';

/**
 * A device counts in its zone for this long after it was last placed: phones go quiet for tens of
 * seconds between probe bursts, so a few positioning windows would make a full room flicker.
 * The live locator forgets a track after the same time by default.
 */
export const ZONE_MAX_AGE_SECONDS = 60;

/** The locator's devices and people per zone at `now`; undefined when the site has no zones. */
export function zoneOccupancyNow(
  locator: Pick<LiveLocator, 'zoneNames' | 'zoneAssignments' | 'occupancy'>,
  now: number,
  maxAgeSeconds = ZONE_MAX_AGE_SECONDS,
  personOf?: (deviceId: string) => string | undefined,
): ZoneOccupancyNow | undefined {
  if (locator.zoneNames.length === 0) return undefined;
  const { zones, elsewhere } = locator.occupancy({
    now,
    maxAgeSeconds,
    ...(personOf === undefined ? {} : { personOf }),
  });
  const devices = locator
    .zoneAssignments()
    .filter((a) => a.t <= now && now - a.t <= maxAgeSeconds)
    .sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
  return { t: now, maxAgeSeconds, zones, elsewhere, devices };
}
