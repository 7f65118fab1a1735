import { createCalendar, type Calendar } from '../../core/history/calendar.ts';
import {
  buckets,
  chooseResolution,
  historyPoints,
  type BucketFigures,
  type Resolution,
} from '../../core/history/series.ts';
import {
  busyHours,
  dwellDistribution,
  sameWeekdayLastWeek,
  visitDays,
  type DeviceFilter,
} from '../../core/history/venueFigures.ts';
import type { VisitorThresholds } from '../../core/history/visitBins.ts';
import type { ApiBusyHours, ApiCompare, ApiCompareDay, ApiHistory, ApiVisits } from '../http/apiTypes.ts';
import type { RollupRow, Store, WindowRow } from '../storage/store.ts';

export interface VenueHistoryOptions {
  store: Pick<Store, 'windows' | 'rollups' | 'dwellDays' | 'totals' | 'timeZone'>;
  windowSeconds: number;
  ratio: number;
  visitors: VisitorThresholds;
}

function fromRollup(r: RollupRow, resolution: 'hour' | 'day'): BucketFigures {
  return {
    ...r,
    newDevices: resolution === 'day' ? r.newDevices : null,
    returningDevices: resolution === 'day' ? r.returningDevices : null,
  };
}

function fromWindow(w: WindowRow): BucketFigures {
  const union = w.wifiDevices + w.bluetoothDevices - w.bothDevices;
  const p = w.people;
  return {
    start: w.windowStart,
    windows: 1,
    wifiDevices: w.wifiDevices,
    bleDevices: w.bluetoothDevices,
    wifiWindowSum: w.wifiDevices,
    bleWindowSum: w.bluetoothDevices,
    deviceWindowSum: union,
    devicesMax: union,
    newDevices: null,
    returningDevices: null,
    people:
      p === null
        ? null
        : {
            windows: 1,
            sum: p.estimate,
            lowSum: p.low,
            highSum: p.high,
            max: p.estimate,
            maxLow: p.low,
            maxHigh: p.high,
            personMinutes: (p.estimate * (p.windowEnd - p.windowStart)) / 60,
          },
  };
}

/**
 * The venue's history as the dashboard, the API and the day report read it: the right resolution
 * for a range, gaps where nobody listened, and the venue figures. Reads rollups (and minute
 * windows for short recent ranges) only, so any range up to years costs a few hundred rows.
 */
export class VenueHistory {
  readonly calendar: Calendar;

  constructor(private readonly options: VenueHistoryOptions) {
    this.calendar = createCalendar(options.store.timeZone);
  }

  /**
   * Where minute windows are still kept: the oldest one stored (retention removes whole days
   * before it). Read from the data rather than the clock, so a replayed recording from years ago
   * is drawn by the minute as long as its windows are there.
   */
  private async rawKeptFrom(): Promise<number> {
    return (await this.options.store.totals()).firstWindow ?? Infinity;
  }

  async history(range: {
    from: number;
    to: number;
    resolution?: Resolution;
    zone?: string;
  }): Promise<ApiHistory> {
    const { from, to } = range;
    const zone = range.zone ?? '';
    let resolution = range.resolution ?? chooseResolution(from, to, await this.rawKeptFrom());
    // Minute windows are the whole site's: a zone is drawn by the hour at its finest.
    if (resolution === 'minute' && zone !== '') resolution = 'hour';
    const figures =
      resolution === 'minute'
        ? (await this.options.store.windows(from, to)).map(fromWindow)
        : (await this.options.store.rollups(resolution, from, to, zone)).map((r) =>
            fromRollup(r, resolution),
          );
    return {
      from,
      to,
      resolution,
      timeZone: this.calendar.timeZone,
      zone,
      points: historyPoints(resolution, { from, to }, figures, this.settings()),
    };
  }

  private settings() {
    return { calendar: this.calendar, windowSeconds: this.options.windowSeconds, ratio: this.options.ratio };
  }

  async visits(range: {
    from: number;
    to: number;
    thresholds?: VisitorThresholds;
    filter?: DeviceFilter;
  }): Promise<ApiVisits> {
    const { from, to } = range;
    const thresholds = range.thresholds ?? this.options.visitors;
    const filter = range.filter ?? { fixedOnly: false };
    const [cells, days] = await Promise.all([
      this.options.store.dwellDays(from, to),
      this.options.store.rollups('day', from, to),
    ]);
    const covered = new Map(days.filter((d) => d.windows > 0).map((d) => [d.start, d]));
    const perDay = visitDays(
      buckets('day', from, to, this.calendar, this.options.windowSeconds),
      cells,
      covered,
      thresholds,
      filter,
      this.calendar,
    );
    const total = (key: 'visitors' | 'passersBy' | 'newDevices' | 'returningDevices') =>
      perDay.reduce((a, d) => a + (d[key] ?? 0), 0);
    return {
      from,
      to,
      timeZone: this.calendar.timeZone,
      visitor: thresholds,
      filter: { medium: filter.medium ?? null, fixedOnly: filter.fixedOnly },
      days: perDay,
      dwell: dwellDistribution(cells, thresholds, filter),
      totals: {
        visitors: total('visitors'),
        passersBy: total('passersBy'),
        newDevices: total('newDevices'),
        returningDevices: total('returningDevices'),
      },
    };
  }

  async busyHours(range: { from: number; to: number; zone?: string }): Promise<ApiBusyHours> {
    const rows = await this.options.store.rollups('hour', range.from, range.to, range.zone ?? '');
    const heat = busyHours(
      rows.map((r) => fromRollup(r, 'hour')),
      this.calendar,
      this.options.ratio,
    );
    return { from: range.from, to: range.to, timeZone: this.calendar.timeZone, ...heat };
  }

  /** A local day (`YYYY-MM-DD`) hour by hour, next to the same weekday a week before; undefined for a bad date. */
  async compare(date: string): Promise<ApiCompare | undefined> {
    const start = this.calendar.dayOf(date);
    if (start === undefined) return undefined;
    const [day, lastWeek] = await Promise.all([
      this.compareDay(start),
      this.compareDay(sameWeekdayLastWeek(start, this.calendar)),
    ]);
    return { timeZone: this.calendar.timeZone, day, lastWeek };
  }

  private async compareDay(start: number): Promise<ApiCompareDay> {
    const end = this.calendar.nextDayStart(start);
    const [hours, visits, days] = await Promise.all([
      this.history({ from: start, to: end, resolution: 'hour' }),
      this.visits({ from: start, to: end }),
      this.history({ from: start, to: end, resolution: 'day' }),
    ]);
    const whole = days.points[0]!;
    const visit = visits.days[0]!;
    return {
      date: this.calendar.local(start).date,
      start,
      points: hours.points,
      personMinutes: whole.personMinutes,
      peopleMax: whole.peopleMax,
      visitors: visit.visitors,
      passersBy: visit.passersBy,
      coverage: whole.coverage,
    };
  }
}
