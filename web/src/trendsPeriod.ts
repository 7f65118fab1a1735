import { createCalendar, type Calendar } from '../../src/core/history/calendar.ts';

/** What the Trends view shows: a local day, its week (Monday first), its month, or dates picked. */
export type PeriodKind = 'day' | 'week' | 'month' | 'custom';

export interface Period {
  kind: PeriodKind;
  /** A local date in the period (`YYYY-MM-DD`); for custom, the first day. */
  anchor: string;
  /** Custom only: the last day, included. */
  until?: string;
}

export interface PeriodRange {
  from: number;
  to: number;
  /** The period's first and last local dates, for its title. */
  first: string;
  last: string;
}

const calendars = new Map<string, Calendar>();

/** The venue's calendar (the same code the hub buckets its rollups with). */
export function calendarOf(timeZone: string): Calendar {
  let c = calendars.get(timeZone);
  if (c === undefined) calendars.set(timeZone, (c = createCalendar(timeZone)));
  return c;
}

/** The local date `days` after `date` (negative: before). */
export function addDays(calendar: Calendar, date: string, days: number): string {
  const start = calendar.dayOf(date);
  if (start === undefined) return date;
  return calendar.local(calendar.dayStart(start + days * 86_400 + 12 * 3600)).date;
}

function addMonths(date: string, months: number): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

/** The range of a period in Unix seconds, in the venue's local days. Undefined for dates that are not dates. */
export function rangeOf(period: Period, calendar: Calendar): PeriodRange | undefined {
  const day = calendar.dayOf(period.anchor);
  if (day === undefined) return undefined;
  let first = period.anchor;
  let last = period.anchor;
  if (period.kind === 'week') {
    first = addDays(calendar, period.anchor, -calendar.local(day).weekday);
    last = addDays(calendar, first, 6);
  } else if (period.kind === 'month') {
    first = `${period.anchor.slice(0, 7)}-01`;
    last = addDays(calendar, addMonths(first, 1), -1);
  } else if (period.kind === 'custom') {
    last = period.until ?? period.anchor;
    if (calendar.dayOf(last) === undefined || last < first) return undefined;
  }
  const from = calendar.dayOf(first)!;
  const to = calendar.nextDayStart(calendar.dayOf(last)!);
  return { from, to, first, last };
}

/** The same kind of period before (-1) or after (+1). */
export function shiftPeriod(period: Period, direction: -1 | 1, calendar: Calendar): Period {
  if (period.kind === 'month') return { ...period, anchor: addMonths(period.anchor, direction) };
  if (period.kind === 'custom') {
    const range = rangeOf(period, calendar);
    if (range === undefined) return period;
    const days = Math.round((range.to - range.from) / 86_400);
    return {
      ...period,
      anchor: addDays(calendar, period.anchor, direction * days),
      until: addDays(calendar, period.until ?? period.anchor, direction * days),
    };
  }
  return {
    ...period,
    anchor: addDays(calendar, period.anchor, direction * (period.kind === 'week' ? 7 : 1)),
  };
}
