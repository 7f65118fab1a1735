import type { Calendar } from './calendar.ts';

/**
 * History as the charts draw it: one point per minute window, local hour or local day over a
 * range, every bucket present, and a bucket nobody was listening in is a gap (`coverage` 0 and
 * every figure null), never a zero. Built from plain rows the stores return.
 */

export type Resolution = 'minute' | 'hour' | 'day';

/** The rows a point is built from, whatever the resolution (a window is a bucket of one). */
export interface BucketFigures {
  start: number;
  windows: number;
  wifiDevices: number;
  bleDevices: number;
  wifiWindowSum: number;
  bleWindowSum: number;
  deviceWindowSum: number;
  devicesMax: number;
  newDevices: number | null;
  returningDevices: number | null;
  people: {
    windows: number;
    sum: number;
    lowSum: number;
    highSum: number;
    max: number;
    maxLow: number;
    maxHigh: number;
    personMinutes: number;
  } | null;
}

export interface HistoryPoint {
  start: number;
  end: number;
  /** Local date (days), date and hour (hours) or time (minutes), in the venue's time zone. */
  label: string;
  /** Share of the bucket's windows that have data: 0 is a gap (no sensor listening). */
  coverage: number;
  /** Mean people per window over the windows with data, with the mean interval (model only). */
  peopleMean: number | null;
  peopleLow: number | null;
  peopleHigh: number | null;
  /** The busiest window, with its interval (model only). */
  peopleMax: number | null;
  personMinutes: number | null;
  /** 'model' for the counting model, 'ratio' for devices / ratio. */
  method: 'model' | 'ratio' | null;
  /** Distinct devices heard in the bucket (a window's own counts for minutes). */
  wifi: number | null;
  bluetooth: number | null;
  /** Mean devices per window (a device on both radios counts once), and the most in one window. */
  devicesMean: number | null;
  devicesMax: number | null;
  /** Fixed addresses new that day and back after an earlier day (days only). */
  newDevices: number | null;
  returningDevices: number | null;
}

/** Longest ranges drawn at each resolution before the next coarser one is taken. */
export const MAX_MINUTE_SPAN = 36 * 3600;
export const MAX_HOUR_SPAN = 62 * 86_400;

/**
 * The finest resolution that keeps a chart readable and fast: minutes up to a day and a half
 * (when the range is still within the raw data kept), hours up to two months, days beyond.
 */
export function chooseResolution(from: number, to: number, rawKeptFrom: number): Resolution {
  const span = to - from;
  if (span <= MAX_MINUTE_SPAN && from >= rawKeptFrom) return 'minute';
  return span <= MAX_HOUR_SPAN ? 'hour' : 'day';
}

/** Every bucket of `resolution` that starts in [from, to), as [start, end] pairs. */
export function buckets(
  resolution: Resolution,
  from: number,
  to: number,
  calendar: Calendar,
  windowSeconds: number,
): [number, number][] {
  const out: [number, number][] = [];
  if (resolution === 'minute') {
    const first = Math.ceil(from / windowSeconds) * windowSeconds;
    for (let t = first; t < to; t += windowSeconds) out.push([t, t + windowSeconds]);
    return out;
  }
  if (resolution === 'hour') {
    let t = calendar.hourStart(from);
    if (t < from) t += 3600;
    for (; t < to; t += 3600) out.push([t, t + 3600]);
    return out;
  }
  let t = calendar.dayStart(from);
  if (t < from) t = calendar.nextDayStart(t);
  for (; t < to; t = calendar.nextDayStart(t)) out.push([t, calendar.nextDayStart(t)]);
  return out;
}

export function bucketLabel(resolution: Resolution, start: number, calendar: Calendar): string {
  const local = calendar.local(start);
  const hhmm = `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`;
  return resolution === 'day' ? local.date : `${local.date} ${hhmm}`;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * One point per bucket of the range; `figures` are the buckets with data (any order). Without
 * the counting model's estimate a bucket's people are its mean devices / `ratio`.
 */
export function historyPoints(
  resolution: Resolution,
  range: { from: number; to: number },
  figures: readonly BucketFigures[],
  settings: { calendar: Calendar; windowSeconds: number; ratio: number },
): HistoryPoint[] {
  const { calendar, windowSeconds, ratio } = settings;
  const byStart = new Map(figures.map((f) => [f.start, f]));
  return buckets(resolution, range.from, range.to, calendar, windowSeconds).map(([start, end]) => {
    const f = byStart.get(start);
    const label = bucketLabel(resolution, start, calendar);
    if (f === undefined || f.windows === 0) return gap(start, end, label);
    const devicesMean = f.deviceWindowSum / f.windows;
    const p = f.people;
    const model = p !== null && p.windows > 0;
    return {
      start,
      end,
      label,
      coverage: round(Math.min(1, (f.windows * windowSeconds) / (end - start)), 4),
      peopleMean: model ? round(p.sum / p.windows) : round(devicesMean / ratio),
      peopleLow: model ? round(p.lowSum / p.windows) : null,
      peopleHigh: model ? round(p.highSum / p.windows) : null,
      peopleMax: model ? round(p.max) : round(f.devicesMax / ratio),
      personMinutes: model ? round(p.personMinutes) : round((f.deviceWindowSum * windowSeconds) / 60 / ratio),
      method: model ? 'model' : 'ratio',
      wifi: f.wifiDevices,
      bluetooth: f.bleDevices,
      devicesMean: round(devicesMean),
      devicesMax: f.devicesMax,
      newDevices: f.newDevices,
      returningDevices: f.returningDevices,
    };
  });
}

function gap(start: number, end: number, label: string): HistoryPoint {
  return {
    start,
    end,
    label,
    coverage: 0,
    peopleMean: null,
    peopleLow: null,
    peopleHigh: null,
    peopleMax: null,
    personMinutes: null,
    method: null,
    wifi: null,
    bluetooth: null,
    devicesMean: null,
    devicesMax: null,
    newDevices: null,
    returningDevices: null,
  };
}
