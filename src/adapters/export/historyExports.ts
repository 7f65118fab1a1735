import type { HistoryPoint } from '../../core/history/series.ts';
import type { ApiBusyHours, ApiCompare, ApiHistory, ApiVisits } from '../http/apiTypes.ts';
import { iso, toCsv } from './tableExports.ts';

/** Each chart of the Trends view as CSV: a gap is an empty cell, never a 0. */

const POINT_COLUMNS = [
  'start_utc',
  'local',
  'coverage',
  'people_mean',
  'people_low',
  'people_high',
  'people_max',
  'person_minutes',
  'method',
  'wifi_devices',
  'bluetooth_devices',
  'devices_mean',
  'devices_max',
  'new_devices',
  'returning_devices',
] as const;

function pointCells(p: HistoryPoint) {
  return [
    iso(p.start),
    p.label,
    p.coverage,
    p.peopleMean,
    p.peopleLow,
    p.peopleHigh,
    p.peopleMax,
    p.personMinutes,
    p.method,
    p.wifi,
    p.bluetooth,
    p.devicesMean,
    p.devicesMax,
    p.newDevices,
    p.returningDevices,
  ];
}

export function historyCsv(h: ApiHistory): string {
  return toCsv(POINT_COLUMNS, h.points.map(pointCells));
}

export function visitsCsv(v: ApiVisits): string {
  return toCsv(
    ['date', 'visitors', 'passers_by', 'new_devices', 'returning_devices'],
    v.days.map((d) => [d.date, d.visitors, d.passersBy, d.newDevices, d.returningDevices]),
  );
}

export function dwellCsv(v: ApiVisits): string {
  return toCsv(
    ['dwell', `near_${v.visitor.minRssi}_dbm`, 'further'],
    v.dwell.map((b) => [b.label, b.near, b.far]),
  );
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function busyHoursCsv(b: ApiBusyHours): string {
  return toCsv(
    ['weekday', ...Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`)],
    b.people.map((row, d) => [WEEKDAYS[d]!, ...row]),
  );
}

export function compareCsv(c: ApiCompare): string {
  // Matched by local hour, not position: a day the clocks change has 23 or 25 of them.
  const before = new Map(c.lastWeek.points.map((p) => [p.label.slice(11), p]));
  const rows = c.day.points.map((p) => {
    const hour = p.label.slice(11);
    const then = before.get(hour);
    return [hour, p.peopleMean, then?.peopleMean ?? null, p.devicesMean, then?.devicesMean ?? null];
  });
  return toCsv(
    [
      'hour',
      `people_${c.day.date}`,
      `people_${c.lastWeek.date}`,
      `devices_${c.day.date}`,
      `devices_${c.lastWeek.date}`,
    ],
    rows,
  );
}
