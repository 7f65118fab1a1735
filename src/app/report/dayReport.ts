import { writeFileSync } from 'node:fs';
import type { AirtraceConfig } from '../../config/config.ts';
import { VenueHistory } from '../../adapters/history/venueHistory.ts';
import { renderDayReport } from '../../adapters/export/dayReport.ts';
import type { Store } from '../../adapters/storage/store.ts';

export interface DayReportOptions {
  config: AirtraceConfig;
  store: Store;
  /** A local date of the venue, `YYYY-MM-DD`. */
  date: string;
  out: string;
  now: () => number;
}

/**
 * Writes the one-page report of a local day; returns whether the day had any data. Throws a
 * RangeError for a date that is not one.
 */
export async function writeDayReport(options: DayReportOptions): Promise<{ path: string; hasData: boolean }> {
  const { config, store, date } = options;
  const venue = new VenueHistory({
    store,
    windowSeconds: config.windowSeconds,
    ratio: config.hub.ratio,
    visitors: { minDwellMinutes: config.hub.history.visitorMinutes, minRssi: config.hub.history.visitorRssi },
  });
  const start = venue.calendar.dayOf(date);
  if (start === undefined) throw new RangeError(`--day ${date} is not a date (YYYY-MM-DD)`);
  const end = venue.calendar.nextDayStart(start);
  const [day, total, compare, visits, busy, sensors] = await Promise.all([
    venue.history({ from: start, to: end }),
    venue.history({ from: start, to: end, resolution: 'day' }),
    venue.compare(date),
    venue.visits({ from: start, to: end }),
    venue.busyHours({ from: end - 28 * 86_400, to: end }),
    store.sensorHours(start, end),
  ]);
  writeFileSync(
    options.out,
    renderDayReport({
      siteName: config.site.name,
      date,
      timeZone: venue.calendar.timeZone,
      day,
      total,
      compare: compare!,
      visits,
      busy,
      sensors,
      windowSeconds: config.windowSeconds,
      generatedAt: new Date(options.now() * 1000).toISOString(),
    }),
  );
  return { path: options.out, hasData: (total.points[0]?.coverage ?? 0) > 0 };
}
