import { useEffect, useState } from 'preact/hooks';
import { api, type ApiZoneOccupancy } from './api.ts';
import type { Feed } from './feed.ts';

/**
 * Devices and people per zone: fetched when the site has zones (again after the event stream
 * reconnected), then replaced by each `zoneOccupancy` event the hub sends when they change.
 */
export function useZoneOccupancy(
  hasZones: boolean,
  feed: Feed<ApiZoneOccupancy>,
  reconnectKey: number,
): ApiZoneOccupancy | null {
  const [occupancy, setOccupancy] = useState<ApiZoneOccupancy | null>(null);
  useEffect(() => {
    if (!hasZones) {
      setOccupancy(null);
      return;
    }
    let newest = -Infinity;
    const take = (o: ApiZoneOccupancy) => {
      if (!Array.isArray(o.zones) || !(o.t >= newest)) return;
      newest = o.t;
      setOccupancy(o);
    };
    // An older hub has no api/zones: the plan just shows no counts.
    api.zones().then(take, () => {});
    return feed.listen(take);
  }, [hasZones, reconnectKey]);
  return occupancy;
}
