import type { FastifyInstance, FastifyReply } from 'fastify';
import { MAX_HOUR_SPAN, MAX_MINUTE_SPAN, type Resolution } from '../../core/history/series.ts';
import { thresholdProblem, type VisitorThresholds } from '../../core/history/visitBins.ts';
import type { DeviceFilter } from '../../core/history/venueFigures.ts';
import { VenueHistory } from '../history/venueHistory.ts';
import { busyHoursCsv, compareCsv, dwellCsv, historyCsv, visitsCsv } from '../export/historyExports.ts';
import type { HubView } from './hubView.ts';
import { RequestError } from './httpErrors.ts';
import { optionalNumber } from './queryParams.ts';

type Query = Record<string, unknown>;

const RESOLUTIONS = new Set(['minute', 'hour', 'day']);
const DAY = 86_400;
/** Ten years of days: any longer range is a mistake (or an attempt to make the hub work for nothing). */
const MAX_SPAN = 3660 * DAY;

function attachment(reply: FastifyReply, name: string): FastifyReply {
  return reply
    .header('content-disposition', `attachment; filename="${name}"`)
    .type('text/csv; charset=utf-8');
}

/**
 * The venue's history: charts at the resolution a range needs, visitors and passers-by, dwell,
 * repeat visitors, busiest hours, a day against the same weekday a week before. Each also as CSV
 * (`.csv`), formula-safe like every export.
 */
export function registerHistoryRoutes(app: FastifyInstance, hub: HubView): void {
  const venue = new VenueHistory({
    store: hub.store,
    windowSeconds: hub.site.windowSeconds,
    ratio: hub.site.ratio,
    visitors: hub.site.history.visitors,
  });
  const calendar = venue.calendar;

  /** from/to in Unix seconds; by default the seven local days up to the end of the newest data. */
  const range = async (query: Query): Promise<{ from: number; to: number }> => {
    let to = optionalNumber(query, 'to', 0, 1e11);
    let from = optionalNumber(query, 'from', 0, 1e11);
    if (to === undefined) {
      const latest = await hub.store.latestWindow();
      const end = latest?.windowEnd ?? hub.now();
      to =
        from !== undefined && from >= end
          ? from + 7 * DAY
          : calendar.nextDayStart(calendar.dayStart(end - 1));
    }
    from ??= calendar.dayStart(to - 7 * DAY);
    if (from >= to) throw new RequestError(400, 'bad-request', 'from must be before to');
    if (to - from > MAX_SPAN) throw new RequestError(400, 'bad-request', 'at most ten years per request');
    return { from, to };
  };

  const zone = (query: Query): string => {
    const raw = query['zone'];
    if (raw === undefined || raw === '') return '';
    const zones = hub.site.positioning?.site.zones?.map((z) => z.name) ?? [];
    if (typeof raw !== 'string' || !zones.includes(raw))
      throw new RequestError(
        400,
        'bad-request',
        zones.length === 0
          ? 'this site has no zones'
          : `zone must be one of the site's zones (${zones.length})`,
      );
    return raw;
  };

  const resolution = (query: Query, span: number): Resolution | undefined => {
    const raw = query['resolution'];
    if (raw === undefined || raw === '' || raw === 'auto') return undefined;
    if (typeof raw !== 'string' || !RESOLUTIONS.has(raw))
      throw new RequestError(400, 'bad-request', 'resolution must be auto, minute, hour or day');
    if ((raw === 'minute' && span > 4 * MAX_MINUTE_SPAN) || (raw === 'hour' && span > 6 * MAX_HOUR_SPAN))
      throw new RequestError(400, 'bad-request', `too long a range for ${raw}s: use auto`);
    return raw as Resolution;
  };

  const thresholds = (query: Query): VisitorThresholds => {
    const t = {
      minDwellMinutes: optionalNumber(query, 'minutes', 0, 1e4) ?? hub.site.history.visitors.minDwellMinutes,
      minRssi: optionalNumber(query, 'rssi', -200, 0) ?? hub.site.history.visitors.minRssi,
    };
    const problem = thresholdProblem(t);
    if (problem !== undefined) throw new RequestError(400, 'bad-request', problem);
    return t;
  };

  const filter = (query: Query): DeviceFilter => {
    const medium = query['medium'];
    if (medium !== undefined && medium !== 'wifi' && medium !== 'ble')
      throw new RequestError(400, 'bad-request', 'medium must be wifi or ble');
    const addresses = query['addresses'];
    if (addresses !== undefined && addresses !== 'all' && addresses !== 'fixed')
      throw new RequestError(400, 'bad-request', 'addresses must be all or fixed');
    return { ...(medium === undefined ? {} : { medium }), fixedOnly: addresses === 'fixed' };
  };

  const history = async (query: Query) => {
    await hub.settled();
    const r = await range(query);
    const chosen = resolution(query, r.to - r.from);
    return venue.history({
      ...r,
      zone: zone(query),
      ...(chosen === undefined ? {} : { resolution: chosen }),
    });
  };
  const visits = async (query: Query) => {
    await hub.settled();
    return venue.visits({ ...(await range(query)), thresholds: thresholds(query), filter: filter(query) });
  };
  const busy = async (query: Query) => {
    await hub.settled();
    return venue.busyHours({ ...(await range(query)), zone: zone(query) });
  };
  const compare = async (query: Query) => {
    await hub.settled();
    const day = query['day'];
    const date =
      typeof day === 'string' && day !== ''
        ? day
        : calendar.local((await hub.store.latestWindow())?.windowStart ?? hub.now()).date;
    const result = await venue.compare(date);
    if (result === undefined) throw new RequestError(400, 'bad-request', 'day must be a date, YYYY-MM-DD');
    return result;
  };

  const q = (request: { query: unknown }) => request.query as Query;
  app.get('/api/history', (request) => history(q(request)));
  app.get('/api/history/visits', (request) => visits(q(request)));
  app.get('/api/history/busy-hours', (request) => busy(q(request)));
  app.get('/api/history/compare', (request) => compare(q(request)));

  const stamp = (from: number, to: number) => `${calendar.local(from).date}_${calendar.local(to - 1).date}`;
  app.get('/api/history.csv', async (request, reply) => {
    const h = await history(q(request));
    return attachment(reply, `airtrace-history-${h.resolution}-${stamp(h.from, h.to)}.csv`).send(
      historyCsv(h),
    );
  });
  app.get('/api/history/visits.csv', async (request, reply) => {
    const v = await visits(q(request));
    return attachment(reply, `airtrace-visits-${stamp(v.from, v.to)}.csv`).send(visitsCsv(v));
  });
  app.get('/api/history/dwell.csv', async (request, reply) => {
    const v = await visits(q(request));
    return attachment(reply, `airtrace-dwell-${stamp(v.from, v.to)}.csv`).send(dwellCsv(v));
  });
  app.get('/api/history/busy-hours.csv', async (request, reply) => {
    const b = await busy(q(request));
    return attachment(reply, `airtrace-busy-hours-${stamp(b.from, b.to)}.csv`).send(busyHoursCsv(b));
  });
  app.get('/api/history/compare.csv', async (request, reply) => {
    const c = await compare(q(request));
    return attachment(reply, `airtrace-compare-${c.day.date}.csv`).send(compareCsv(c));
  });
}
