import { createReadStream, existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { heatmapOf } from '../../core/positioning/heatmap.ts';
import type { LiveFix } from '../../core/positioning/liveLocator.ts';
import { toApiPosition } from './apiMapping.ts';
import type { ApiHeatmap, ApiPositions, ApiSite } from './apiTypes.ts';
import { optionalNumber } from './queryParams.ts';
import { RequestError } from './httpErrors.ts';
import type { HubView } from './hubView.ts';

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
};
const HOUR = 3600;
const MAX_RANGE_SECONDS = 31 * 86_400;

/** The newest fix of each device among those within `maxAge` seconds of the newest fix overall. */
export function latestPerDevice(fixes: readonly LiveFix[], maxAge: number): LiveFix[] {
  const newest = fixes.reduce((t, f) => Math.max(t, f.t), -Infinity);
  const latest = new Map<string, LiveFix>();
  for (const f of fixes) {
    if (f.t < newest - maxAge) continue;
    const known = latest.get(f.deviceId);
    if (known === undefined || known.t < f.t) latest.set(f.deviceId, f);
  }
  return [...latest.values()];
}

/** The floor, its sensors and zones; positions, current positions and the heat map of a time range. */
export function registerPositionRoutes(app: FastifyInstance, hub: HubView): void {
  const positioning = hub.site.positioning;

  app.get('/api/site', async (): Promise<ApiSite> => {
    if (positioning === undefined) {
      return {
        name: hub.site.name,
        bounds: null,
        sensors: [],
        zones: [],
        floorPlan: null,
        positioning: null,
      };
    }
    const { site } = positioning;
    const plan = site.floorPlan;
    return {
      name: hub.site.name,
      bounds: [...site.bounds] as [number, number, number, number],
      sensors: site.sensors.map((s) => ({ id: s.id, label: s.label ?? null, x: s.x, y: s.y, z: s.z })),
      zones: (site.zones ?? []).map((z) => ({
        name: z.name,
        polygon: z.polygon.map(([x, y]) => [x, y] as [number, number]),
      })),
      floorPlan:
        plan === undefined
          ? null
          : { url: 'api/site/floorplan', metresPerPixel: plan.metresPerPixel, origin: plan.origin ?? [0, 0] },
      positioning: { method: positioning.method, windowSeconds: positioning.windowSeconds },
    };
  });

  app.get('/api/site/floorplan', async (_request, reply) => {
    const image = positioning?.site.floorPlan?.image;
    if (positioning === undefined || image === undefined)
      throw new RequestError(404, 'not-found', 'the site has no floor-plan image');
    const path = resolve(positioning.siteDir, image);
    const type = IMAGE_TYPES[extname(path).toLowerCase()];
    if (type === undefined || !existsSync(path))
      throw new RequestError(404, 'not-found', 'the floor-plan image is missing or not an image');
    return reply.type(type).send(createReadStream(path));
  });

  const range = async (query: Record<string, unknown>): Promise<{ from: number; to: number }> => {
    await hub.positionsSettled();
    let to = optionalNumber(query, 'to', 0);
    let from = optionalNumber(query, 'from', 0);
    // Replayed recordings live in their own time: "now" is the newest fix when there is one.
    to ??= (hub.latestFixT() ?? hub.now()) + 1e-3;
    from ??= to - HOUR;
    if (from > to) throw new RequestError(400, 'bad-request', 'from must not be after to');
    if (to - from > MAX_RANGE_SECONDS)
      throw new RequestError(400, 'bad-request', 'at most 31 days per request');
    return { from, to };
  };

  app.get('/api/positions', async (request): Promise<ApiPositions> => {
    const { from, to } = await range(request.query as Record<string, unknown>);
    const fixes = await hub.store.positions(from, to);
    return { from, to, positions: fixes.map(toApiPosition) };
  });

  app.get('/api/positions/current', async (request): Promise<ApiPositions> => {
    const windowSeconds = positioning?.windowSeconds ?? 2;
    const maxAge =
      optionalNumber(request.query as Record<string, unknown>, 'maxAge', 0, HOUR) ?? 3 * windowSeconds;
    const { to } = await range({});
    const from = to - maxAge;
    return {
      from,
      to,
      positions: latestPerDevice(await hub.store.positions(from, to), maxAge).map(toApiPosition),
    };
  });

  app.get('/api/positions/heatmap', async (request): Promise<ApiHeatmap> => {
    if (positioning === undefined)
      throw new RequestError(404, 'no-site', 'the hub has no site file: positioning is off');
    const query = request.query as Record<string, unknown>;
    const { from, to } = await range(query);
    const cell = optionalNumber(query, 'cell', 0.05, 100) ?? 0.5;
    const map = heatmapOf(await hub.store.positions(from, to), positioning.site.bounds, cell);
    return { from, to, ...map, bounds: [...map.bounds] as [number, number, number, number] };
  });
}
