import type { FastifyInstance } from 'fastify';
import type { Medium } from '../../core/model.ts';
import type { ApiDevices, ApiSummary, ApiWindows } from './apiTypes.ts';
import { estimateOf, toApiDevice, toApiWindow } from './apiMapping.ts';
import { descending, optionalInteger, optionalNumber, searchText, sortKey } from './queryParams.ts';
import { RequestError } from './httpErrors.ts';
import type { HubView } from './hubView.ts';

/** A Map, not an object: a path segment like `__proto__` must not find an inherited property. */
const MEDIUM_BY_PATH = new Map<string, Medium>([
  ['wifi', 'wifi'],
  ['bluetooth', 'ble'],
]);
const DEFAULT_RANGE_SECONDS = 3600;
const MAX_RANGE_WINDOWS = 50_000;

export function registerApiRoutes(app: FastifyInstance, hub: HubView, projectUrl: string): void {
  const { windowSeconds, ratio, name: siteName } = hub.site;

  app.get('/api/summary', async (): Promise<ApiSummary> => {
    await hub.settled();
    const [latest, totals] = await Promise.all([hub.store.latestWindow(), hub.store.totals()]);
    const devices = totals.wifiDevices + totals.bluetoothDevices;
    const model = hub.site.countingIntervalLevel !== null;
    // Little's law: people who came = person-minutes / mean stay.
    const visitors =
      model && totals.personMinutes !== null && totals.meanStayMinutes !== null && totals.meanStayMinutes > 0
        ? Math.round((totals.personMinutes / totals.meanStayMinutes) * 10) / 10
        : null;
    return {
      site: {
        name: siteName,
        projectUrl,
        sensors: hub.sensors().map((s) => ({
          id: s.id,
          status: s.online ? 'online' : 'offline',
          lastWindowStart: s.lastWindowStart,
        })),
      },
      scanning: hub.scanning(),
      windowSeconds,
      ratio,
      counting: {
        method: model ? 'model' : 'ratio',
        intervalLevel: hub.site.countingIntervalLevel,
      },
      current: latest === undefined ? null : toApiWindow(latest, ratio),
      totals: {
        wifi: totals.wifiDevices,
        bluetooth: totals.bluetoothDevices,
        devices,
        estimate: visitors ?? estimateOf(devices, ratio),
        personMinutes: totals.personMinutes === null ? null : Math.round(totals.personMinutes),
        meanStayMinutes:
          totals.meanStayMinutes === null ? null : Math.round(totals.meanStayMinutes * 10) / 10,
        windows: totals.windows,
        averageMinutesSpent: Math.round(totals.averageMinutesSpent * 100) / 100,
      },
      data: hub.dataState(),
      history: {
        timeZone: hub.site.history.timeZone,
        retentionDays: hub.site.history.retentionDays,
        visitor: hub.site.history.visitors,
      },
    };
  });

  app.get('/api/windows', async (request): Promise<ApiWindows> => {
    const query = request.query as Record<string, unknown>;
    let to = optionalNumber(query, 'to', 0);
    let from = optionalNumber(query, 'from', 0);
    if (to === undefined) {
      const latest = await hub.store.latestWindow();
      to = latest === undefined ? 0 : latest.windowEnd;
      if (from !== undefined && from > to) to = from + DEFAULT_RANGE_SECONDS;
    }
    from ??= to - DEFAULT_RANGE_SECONDS;
    if (from > to) throw new RequestError(400, 'bad-request', 'from must not be after to');
    if ((to - from) / windowSeconds > MAX_RANGE_WINDOWS) {
      throw new RequestError(400, 'bad-request', `at most ${MAX_RANGE_WINDOWS} windows per request`);
    }
    const rows = await hub.store.windows(from, to);
    return { from, to, windows: rows.map((w) => toApiWindow(w, ratio)) };
  });

  app.get('/api/devices/:medium', async (request): Promise<ApiDevices> => {
    const medium = MEDIUM_BY_PATH.get((request.params as { medium: string }).medium);
    if (medium === undefined)
      throw new RequestError(
        404,
        'not-found',
        'devices are under /api/devices/wifi and /api/devices/bluetooth',
      );
    const query = request.query as Record<string, unknown>;
    const search = searchText(query);
    const sort = sortKey(query);
    const { total, rows } = await hub.store.devices({
      medium,
      descending: descending(query),
      limit: optionalInteger(query, 'limit', 1, 1000) ?? 50,
      offset: optionalInteger(query, 'offset', 0, 1e9) ?? 0,
      ...(sort === undefined ? {} : { sort }),
      ...(search === undefined ? {} : { search }),
    });
    return { total, rows: rows.map(toApiDevice) };
  });

  app.post('/api/reset-time', async () => {
    await hub.resetTime();
    return { ok: true };
  });

  app.post('/api/save', async () => {
    const saved = await hub.save();
    return { ...saved, download: 'api/export/saved.txt' };
  });
}
