/**
 * Local hours and days of a site, for rollups and the venue views: a shop's "Tuesday" and "9 to
 * 10" are wall-clock times where it is, not UTC. Built on Intl (the IANA time-zone data), which is
 * computation, not I/O: the zone comes in as a value.
 *
 * Buckets are named by the Unix second they start at. An hour bucket is a local hour (so a site at
 * UTC+5:30 gets its own hours, not UTC's); a day runs from local midnight to the next one, 23 or
 * 25 hours on the days clocks change. Every instant falls in exactly one bucket of each kind.
 */

export interface LocalTime {
  /** `YYYY-MM-DD` of the local date. */
  date: string;
  /** 0 = Monday ... 6 = Sunday (ISO order, as venues read a week). */
  weekday: number;
  hour: number;
  minute: number;
}

export interface Calendar {
  readonly timeZone: string;
  /** Start of the local hour that holds `t` (Unix seconds). */
  hourStart(t: number): number;
  /** Start of the local day (midnight) that holds `t`. */
  dayStart(t: number): number;
  /** Start of the day after the one starting at `dayStart`. */
  nextDayStart(dayStart: number): number;
  /** The local date and time of `t`. */
  local(t: number): LocalTime;
  /** Local midnight starting the date `YYYY-MM-DD`; undefined when it is not a date. */
  dayOf(date: string): number | undefined;
}

const HOUR = 3600;
const DAY = 86_400;
/** Offsets change on a quarter hour at the most (a few zones have 30 and 45 minute offsets). */
const OFFSET_SLOT = 900;
const MAX_CACHED_OFFSETS = 50_000;

/** True when `timeZone` names a zone this runtime knows ('UTC', 'Europe/Prague', ...). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The calendar of a time zone. Throws a RangeError for a zone Intl does not know: a config check
 * (`isTimeZone`) says so with a hint before this is ever reached.
 */
export function createCalendar(timeZone: string): Calendar {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const fixedUtc = timeZone === 'UTC' || timeZone === 'Etc/UTC';
  const offsets = new Map<number, number>();

  /** Seconds to add to a Unix time to get the local wall clock as if it were UTC. */
  const offsetAt = (t: number): number => {
    if (fixedUtc) return 0;
    const slot = Math.floor(t / OFFSET_SLOT);
    const cached = offsets.get(slot);
    if (cached !== undefined) return cached;
    const at = slot * OFFSET_SLOT;
    const parts: Record<string, number> = {};
    for (const p of format.formatToParts(new Date(at * 1000))) {
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    }
    const wall =
      Date.UTC(
        parts['year']!,
        parts['month']! - 1,
        parts['day']!,
        parts['hour']!,
        parts['minute']!,
        parts['second']!,
      ) / 1000;
    const offset = wall - at;
    if (offsets.size >= MAX_CACHED_OFFSETS) offsets.clear();
    offsets.set(slot, offset);
    return offset;
  };

  const dayStart = (t: number): number => {
    const midnight = Math.floor((t + offsetAt(t)) / DAY) * DAY; // local midnight, as if UTC
    // The offset at midnight may differ from the one at t (clocks change at night).
    const guess = midnight - offsetAt(t);
    return midnight - offsetAt(guess);
  };

  const local = (t: number): LocalTime => {
    const d = new Date((t + offsetAt(t)) * 1000);
    return {
      date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
      weekday: (d.getUTCDay() + 6) % 7,
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
    };
  };

  return {
    timeZone,
    hourStart(t) {
      const offset = offsetAt(t);
      return Math.floor((t + offset) / HOUR) * HOUR - offset;
    },
    dayStart,
    nextDayStart(start) {
      // 26 hours on always lands in the next day, whether today has 23, 24 or 25 hours.
      return dayStart(start + 26 * HOUR);
    },
    local,
    dayOf(date) {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
      if (match === null) return undefined;
      const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
      const noonUtc = Date.UTC(y, m - 1, d, 12) / 1000;
      const check = new Date(noonUtc * 1000);
      if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d)
        return undefined;
      // Local noon of that date is within 14 hours of UTC noon; its day is the date's.
      const start = dayStart(noonUtc - offsetAt(noonUtc));
      return local(start).date === date ? start : undefined;
    },
  };
}
