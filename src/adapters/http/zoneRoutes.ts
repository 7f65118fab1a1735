import type { FastifyInstance } from 'fastify';
import type { ZoneOccupancyNow } from './zoneView.ts';
import type { ApiZoneOccupancy } from './zoneApiTypes.ts';
import { RequestError } from './httpErrors.ts';
import type { HubView } from './hubView.ts';
import { optionalNumber } from './queryParams.ts';

export function toApiZoneOccupancy(o: ZoneOccupancyNow): ApiZoneOccupancy {
  return {
    t: o.t,
    maxAgeSeconds: o.maxAgeSeconds,
    zones: o.zones.map((z) => ({ zone: z.zone, devices: z.devices, people: z.people })),
    elsewhere: { ...o.elsewhere },
    devices: o.devices.map((d) => ({ deviceId: d.deviceId, zone: d.zone ?? null, t: d.t })),
  };
}

/** GET /api/zones: devices and people per zone now, each device's zone; `maxAge` in seconds. */
export function registerZoneRoutes(app: FastifyInstance, hub: HubView): void {
  app.get('/api/zones', async (request): Promise<ApiZoneOccupancy> => {
    const maxAge = optionalNumber(request.query as Record<string, unknown>, 'maxAge', 1, 3600);
    if (hub.site.positioning === undefined)
      throw new RequestError(404, 'no-site', 'the hub has no site file: positioning is off');
    await hub.positionsSettled();
    const occupancy = hub.zoneOccupancy(maxAge);
    if (occupancy === undefined)
      throw new RequestError(404, 'no-zones', 'the site file has no zones on the live floor');
    return toApiZoneOccupancy(occupancy);
  });
}
