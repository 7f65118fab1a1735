import { createCalendar } from '../../../src/core/history/calendar.ts';
import { dwellBin, rssiBin } from '../../../src/core/history/visitBins.ts';
import type { Medium } from '../../../src/core/model.ts';
import type { DwellRow, RollupRow, Store } from '../../../src/adapters/storage/store.ts';

/**
 * Rollups recomputed from the raw rows a store holds (windows with their estimates, sightings,
 * device rows), with none of the store's incremental code: what `rollups` and `dwellDays` must
 * equal. Slow and simple on purpose.
 */
export interface Recomputed {
  hours: RollupRow[];
  days: RollupRow[];
  dwell: DwellRow[];
}

function empty(start: number): RollupRow {
  return {
    start,
    zone: '',
    windows: 0,
    sensorWindows: 0,
    frames: 0,
    wifiDevices: 0,
    bleDevices: 0,
    wifiWindowSum: 0,
    bleWindowSum: 0,
    deviceWindowSum: 0,
    wifiMax: 0,
    bleMax: 0,
    devicesMax: 0,
    newDevices: 0,
    returningDevices: 0,
    people: null,
  };
}

export async function recomputeRollups(store: Store): Promise<Recomputed> {
  const calendar = createCalendar(store.timeZone);
  const windows = await store.windows(-1e12, 1e12);
  const deviceInfo = new Map<string, { randomized: boolean; firstSeen: number }>();
  for (const medium of ['wifi', 'ble'] as const) {
    for (const d of (await store.devices({ medium, limit: 1e9 })).rows)
      deviceInfo.set(`${medium} ${d.deviceId}`, { randomized: d.randomized, firstSeen: d.firstSeen });
  }
  const hours = new Map<number, RollupRow>();
  const days = new Map<number, RollupRow>();
  const distinct = new Map<string, Set<string>>(); // bucket kind+start+medium -> ids
  const deviceDays = new Map<string, { windows: Set<number>; rssiMax: number | null; minutes: number }>();
  const bucket = (map: Map<number, RollupRow>, start: number) => {
    let row = map.get(start);
    if (row === undefined) map.set(start, (row = empty(start)));
    return row;
  };
  for (const w of windows) {
    const hourStart = calendar.hourStart(w.windowStart);
    const dayStart = calendar.dayStart(w.windowStart);
    const sightings = await store.sightings(w.windowStart);
    for (const [kind, row] of [
      ['h', bucket(hours, hourStart)],
      ['d', bucket(days, dayStart)],
    ] as const) {
      const union = w.wifiDevices + w.bluetoothDevices - w.bothDevices;
      row.windows++;
      row.sensorWindows += w.sensors;
      row.frames += w.frames;
      row.wifiWindowSum += w.wifiDevices;
      row.bleWindowSum += w.bluetoothDevices;
      row.deviceWindowSum += union;
      row.wifiMax = Math.max(row.wifiMax, w.wifiDevices);
      row.bleMax = Math.max(row.bleMax, w.bluetoothDevices);
      row.devicesMax = Math.max(row.devicesMax, union);
      for (const s of sightings) {
        const key = `${kind}${row.start}${s.medium}`;
        let ids = distinct.get(key);
        if (ids === undefined) distinct.set(key, (ids = new Set()));
        ids.add(s.deviceId);
      }
      const p = w.people;
      if (p !== null) {
        const minutes = (p.windowEnd - p.windowStart) / 60;
        const people = row.people ?? {
          windows: 0,
          sum: 0,
          lowSum: 0,
          highSum: 0,
          max: -Infinity,
          maxLow: 0,
          maxHigh: 0,
          personMinutes: 0,
        };
        people.windows++;
        people.sum += p.estimate;
        people.lowSum += p.low;
        people.highSum += p.high;
        people.personMinutes += p.estimate * minutes;
        // Windows come oldest first: a tie keeps the earliest.
        if (p.estimate > people.max)
          Object.assign(people, { max: p.estimate, maxLow: p.low, maxHigh: p.high });
        row.people = people;
      }
    }
    for (const s of sightings) {
      const key = `${dayStart} ${s.medium} ${s.deviceId}`;
      let dd = deviceDays.get(key);
      if (dd === undefined) deviceDays.set(key, (dd = { windows: new Set(), rssiMax: null, minutes: 0 }));
      if (!dd.windows.has(w.windowStart)) dd.minutes += (w.windowEnd - w.windowStart) / 60;
      dd.windows.add(w.windowStart);
      if (s.rssiMax !== null) dd.rssiMax = Math.max(dd.rssiMax ?? -Infinity, s.rssiMax);
    }
  }
  for (const [kind, map] of [
    ['h', hours],
    ['d', days],
  ] as const) {
    for (const row of map.values()) {
      row.wifiDevices = distinct.get(`${kind}${row.start}wifi`)?.size ?? 0;
      row.bleDevices = distinct.get(`${kind}${row.start}ble`)?.size ?? 0;
    }
  }
  const cells = new Map<string, DwellRow>();
  for (const [key, dd] of deviceDays) {
    const [day, medium, id] = key.split(' ') as [string, Medium, string];
    const dayStart = Number(day);
    const info = deviceInfo.get(`${medium} ${id}`);
    if (info === undefined) continue; // its device row was pruned: who it was is no longer known
    if (!info.randomized) {
      const row = days.get(dayStart)!;
      if (info.firstSeen < dayStart) row.returningDevices++;
      else row.newDevices++;
    }
    const cell = {
      dayStart,
      medium,
      randomized: info.randomized,
      dwellBin: dwellBin(dd.minutes),
      rssiBin: rssiBin(dd.rssiMax),
      devices: 0,
    };
    const cellKey = `${dayStart} ${medium} ${cell.randomized} ${cell.dwellBin} ${cell.rssiBin}`;
    (cells.get(cellKey) ?? cells.set(cellKey, cell).get(cellKey)!).devices++;
  }
  const order = (a: DwellRow, b: DwellRow) =>
    a.dayStart - b.dayStart ||
    a.medium.localeCompare(b.medium) ||
    Number(a.randomized) - Number(b.randomized) ||
    a.dwellBin - b.dwellBin ||
    a.rssiBin - b.rssiBin;
  const byStart = (a: RollupRow, b: RollupRow) => a.start - b.start;
  return {
    hours: [...hours.values()].sort(byStart),
    days: [...days.values()].sort(byStart),
    dwell: [...cells.values()].sort(order),
  };
}

/** Sums of floating-point estimates differ in their last bits with the order they were added in. */
export function roundPeople(rows: RollupRow[]): RollupRow[] {
  const r = (x: number) => Math.round(x * 1e6) / 1e6;
  return rows.map((row) => ({
    ...row,
    people:
      row.people === null
        ? null
        : {
            ...row.people,
            sum: r(row.people.sum),
            lowSum: r(row.people.lowSum),
            highSum: r(row.people.highSum),
            personMinutes: r(row.people.personMinutes),
          },
  }));
}

/** The device figures of `totals()` recomputed from the device rows themselves. */
export async function recomputeDeviceTotals(store: Store) {
  const wifi = (await store.devices({ medium: 'wifi', limit: 1e9 })).rows;
  const ble = (await store.devices({ medium: 'ble', limit: 1e9 })).rows;
  const all = [...wifi, ...ble];
  const stays = wifi.filter((d) => !d.randomized && d.windowsSeen >= 2);
  const r = (x: number) => Math.round(x * 1e9) / 1e9;
  return {
    wifiDevices: wifi.length,
    bluetoothDevices: ble.length,
    averageMinutesSpent: all.length === 0 ? 0 : r(all.reduce((a, d) => a + d.minutesSpent, 0) / all.length),
    meanStayMinutes:
      stays.length === 0 ? null : r(stays.reduce((a, d) => a + d.minutesSpent, 0) / stays.length),
  };
}

export async function deviceTotalsOf(store: Store) {
  const t = await store.totals();
  const r = (x: number) => Math.round(x * 1e9) / 1e9;
  return {
    wifiDevices: t.wifiDevices,
    bluetoothDevices: t.bluetoothDevices,
    averageMinutesSpent: r(t.averageMinutesSpent),
    meanStayMinutes: t.meanStayMinutes === null ? null : r(t.meanStayMinutes),
  };
}
