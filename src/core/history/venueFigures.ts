import type { Medium } from '../model.ts';
import type { Calendar } from './calendar.ts';
import type { BucketFigures } from './series.ts';
import { DWELL_BINS, dwellLabel, isVisitor, RSSI_EDGES_DBM, type VisitorThresholds } from './visitBins.ts';

/**
 * The figures a shop or a library asks for, read from the day and hour rollups: visitors and
 * passers-by per day, how long people stay, who comes back, the busiest hours of the week.
 */

export interface DwellCell {
  dayStart: number;
  medium: Medium;
  randomized: boolean;
  dwellBin: number;
  rssiBin: number;
  devices: number;
}

/** Which devices the visit figures count. */
export interface DeviceFilter {
  /** Only this radio; undefined: both. */
  medium?: Medium;
  /** Only fixed addresses: a phone rotating its address shows up as many short passers-by. */
  fixedOnly: boolean;
}

export interface VisitDay {
  start: number;
  /** Local date. */
  date: string;
  /** Null on a day without data (a gap). */
  visitors: number | null;
  passersBy: number | null;
  /** Fixed addresses first heard that day, and heard on an earlier day too. */
  newDevices: number | null;
  returningDevices: number | null;
}

export interface DwellBar {
  bin: number;
  label: string;
  /** Device-days in the bin that came within the visitor RSSI, and that stayed further away. */
  near: number;
  far: number;
}

const counts = (c: DwellCell, filter: DeviceFilter) =>
  (filter.medium === undefined || c.medium === filter.medium) && !(filter.fixedOnly && c.randomized);

/**
 * Visitors and passers-by for each day of `days`; `covered` says which days have any data (the
 * others are gaps), with their new and returning devices.
 */
export function visitDays(
  days: readonly [number, number][],
  cells: readonly DwellCell[],
  covered: ReadonlyMap<number, { newDevices: number; returningDevices: number }>,
  thresholds: VisitorThresholds,
  filter: DeviceFilter,
  calendar: Calendar,
): VisitDay[] {
  const byDay = new Map<number, { visitors: number; passersBy: number }>();
  for (const c of cells) {
    if (!counts(c, filter)) continue;
    let day = byDay.get(c.dayStart);
    if (day === undefined) byDay.set(c.dayStart, (day = { visitors: 0, passersBy: 0 }));
    if (isVisitor(c.dwellBin, c.rssiBin, thresholds)) day.visitors += c.devices;
    else day.passersBy += c.devices;
  }
  return days.map(([start]) => {
    const date = calendar.local(start).date;
    const rollup = covered.get(start);
    if (rollup === undefined)
      return { start, date, visitors: null, passersBy: null, newDevices: null, returningDevices: null };
    const day = byDay.get(start) ?? { visitors: 0, passersBy: 0 };
    return { start, date, ...day, newDevices: rollup.newDevices, returningDevices: rollup.returningDevices };
  });
}

/** Device-days per dwell bin over the whole range, split at the visitor RSSI. */
export function dwellDistribution(
  cells: readonly DwellCell[],
  thresholds: VisitorThresholds,
  filter: DeviceFilter,
): DwellBar[] {
  const bars: DwellBar[] = Array.from({ length: DWELL_BINS }, (_, bin) => ({
    bin,
    label: dwellLabel(bin),
    near: 0,
    far: 0,
  }));
  for (const c of cells) {
    if (!counts(c, filter)) continue;
    if (RSSI_EDGES_DBM[c.rssiBin]! >= thresholds.minRssi) bars[c.dwellBin]!.near += c.devices;
    else bars[c.dwellBin]!.far += c.devices;
  }
  return bars;
}

export interface BusyHours {
  /** [weekday 0 = Monday][local hour]: mean people per window in that hour of the week, null without data. */
  people: (number | null)[][];
  /** How many hours of the range fed each cell. */
  hours: number[][];
  method: 'model' | 'ratio';
}

/**
 * The hour-of-week heat map: each hour rollup of the range goes to its local weekday and hour.
 * Means are per window with data, so a week with a sensor off for a morning still says how busy
 * the mornings it heard were.
 */
export function busyHours(hours: readonly BucketFigures[], calendar: Calendar, ratio: number): BusyHours {
  const grid = () => Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  const sum = grid();
  const windows = grid();
  const fed = grid();
  const model = hours.some((h) => h.people !== null && h.people.windows > 0);
  for (const h of hours) {
    if (h.windows === 0) continue;
    const { weekday, hour } = calendar.local(h.start);
    if (model) {
      if (h.people === null || h.people.windows === 0) continue;
      sum[weekday]![hour]! += h.people.sum;
      windows[weekday]![hour]! += h.people.windows;
    } else {
      sum[weekday]![hour]! += h.deviceWindowSum / ratio;
      windows[weekday]![hour]! += h.windows;
    }
    fed[weekday]![hour]!++;
  }
  return {
    people: sum.map((row, d) =>
      row.map((s, h) => (windows[d]![h]! === 0 ? null : Math.round((s / windows[d]![h]!) * 10) / 10)),
    ),
    hours: fed,
    method: model ? 'model' : 'ratio',
  };
}

/** The day a week before the day starting at `dayStart` (same weekday, whatever the clocks did). */
export function sameWeekdayLastWeek(dayStart: number, calendar: Calendar): number {
  return calendar.dayStart(dayStart - 7 * 86_400 + 12 * 3600);
}
