import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceWindow, Medium, WindowSummary } from '../../../src/core/model.ts';
import type { Store, WindowPeople } from '../../../src/adapters/storage/store.ts';
import { createCalendar } from '../../../src/core/history/calendar.ts';
import { deviceTotalsOf, recomputeDeviceTotals, recomputeRollups, roundPeople } from './rollupOracle.ts';

/** Opens a fresh store whose rollups use this time zone. */
export type OpenStore = (options?: { timeZone?: string }) => Promise<Store>;

/** 2023-10-28 22:00 in Prague (UTC+2): the night after has 25 hours (clocks go back at 03:00). */
const NEAR_DST = 1_698_523_200;

function seeded(seed: number): () => number {
  return () => (seed = (seed * 48271) % 2147483647) / 2147483647;
}

interface Scenario {
  parts: WindowSummary[];
  estimates: WindowPeople[][];
}

/**
 * Three sensors over three days around a clock change: windows scattered over the days, devices
 * shared between sensors and days (fixed and randomized, Wi-Fi and Bluetooth, some without RSSI).
 */
function scenario(): Scenario {
  const random = seeded(2024);
  const starts = new Set<number>();
  while (starts.size < 90) starts.add(NEAR_DST - 6 * 3600 + 60 * Math.floor(random() * 60 * 72));
  const parts: WindowSummary[] = [];
  for (const start of [...starts].sort((a, b) => a - b)) {
    for (const sensor of ['s1', 's2', 's3']) {
      if (random() < 0.3) continue;
      const devices = new Map<string, DeviceWindow>();
      const n = Math.floor(random() * 6);
      for (let k = 0; k < n; k++) {
        // New devices keep coming: later days hear ones earlier days did not.
        const i = Math.floor(random() * (12 + (4 * (start - NEAR_DST)) / 3600 / 24 + 8));
        if (i % 5 === 1 && start > NEAR_DST + 6 * 3600) continue; // gone after the first night
        const medium: Medium = i % 4 === 0 ? 'ble' : 'wifi';
        const rssi = -50 - Math.floor(random() * 50);
        const withRssi = i % 7 !== 3;
        devices.set(`${medium} ${i}`, {
          deviceId: `dev${i}`,
          medium,
          randomized: i % 3 === 0,
          vendor: null,
          frames: 2,
          rssi: withRssi ? { count: 2, mean: rssi - 2, std: 2, min: rssi - 4, max: rssi } : null,
          ssids: [],
          frameTypes: { 'probe-req': 2 },
          ieFingerprints: [],
          channels: [6],
          firstSeen: start + 1,
          lastSeen: start + 50,
        });
      }
      const list = [...devices.values()];
      parts.push({
        schema: 1,
        sensorId: sensor,
        windowStart: start,
        windowEnd: start + 60,
        frames: list.length * 2,
        framesWithRssi: list.filter((d) => d.rssi !== null).length * 2,
        devices: list,
      });
    }
  }
  // Estimates in batches as the hub writes them, then revised (some lower, which can move a maximum).
  const people = (start: number, estimate: number, final: boolean): WindowPeople => ({
    windowStart: start,
    windowEnd: start + 60,
    devices: 3,
    randomizedDevices: 1,
    estimate,
    low: Math.max(0, estimate - 1),
    high: estimate + 1.5,
    final,
  });
  const sorted = [...starts].sort((a, b) => a - b).filter((s) => parts.some((p) => p.windowStart === s));
  const first = sorted.map((s) => people(s, Math.round(random() * 80) / 10, false));
  const revised = sorted
    .filter(() => random() < 0.4)
    .map((s) => people(s, Math.round(random() * 30) / 10, true));
  return { parts, estimates: [first.slice(0, 40), first.slice(40), revised] };
}

/** Arrival out of order (late sensors, an outbox catching up days later) and with redeliveries. */
function arrivalOrder(parts: readonly WindowSummary[]): WindowSummary[] {
  const random = seeded(77);
  const order = [...parts];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return [...order, ...order.filter(() => random() < 0.2)];
}

/** The rollup contract, for every store: rollups equal aggregates recomputed from the raw rows. */
export function rollupContract(name: string, open: OpenStore): void {
  test(`${name}: rollups equal aggregates recomputed from raw rows, whatever the arrival order`, async () => {
    const store = await open({ timeZone: 'Europe/Prague' });
    try {
      assert.equal(store.timeZone, 'Europe/Prague');
      const { parts, estimates } = scenario();
      for (const part of arrivalOrder(parts)) await store.writeWindow([part]);
      for (const batch of estimates) await store.writeEstimates(batch);
      const expected = await recomputeRollups(store);
      assert.ok(expected.days.length >= 3, 'the scenario spans days');
      assert.ok(
        expected.days.some((d) => d.returningDevices > 0 && d.newDevices > 0),
        'a day with new and returning devices',
      );
      const hours = await store.rollups('hour', -1e12, 1e12);
      const days = await store.rollups('day', -1e12, 1e12);
      assert.deepEqual(roundPeople(hours), roundPeople(expected.hours));
      assert.deepEqual(roundPeople(days), roundPeople(expected.days));
      assert.deepEqual(await store.dwellDays(-1e12, 1e12), expected.dwell);
      // The summary's device totals, kept at ingest, equal a count of the device rows.
      assert.deepEqual(await deviceTotalsOf(store), await recomputeDeviceTotals(store));
      assert.equal(
        (await store.totals()).windows,
        expected.hours.reduce((a, h) => a + h.windows, 0),
      );
      await store.resetMinutes();
      assert.deepEqual(await deviceTotalsOf(store), await recomputeDeviceTotals(store));
      // Hours make up their days, the 25-hour day of the clock change too.
      const calendar = createCalendar('Europe/Prague');
      assert.ok(
        days.some((d) => calendar.nextDayStart(d.start) - d.start === 25 * 3600),
        'the scenario has the 25-hour day',
      );
      for (const d of days) {
        const inDay = hours.filter((h) => calendar.dayStart(h.start) === d.start);
        assert.equal(
          inDay.reduce((a, h) => a + h.windows, 0),
          d.windows,
          `windows of the hours of ${calendar.local(d.start).date}`,
        );
      }
      const sensorHours = await store.sensorHours(-1e12, 1e12);
      assert.equal(
        sensorHours.reduce((a, s) => a + s.windows, 0),
        parts.length,
        'every sensor window once in its sensor hour',
      );
      assert.deepEqual([...new Set(sensorHours.map((s) => s.sensorId))].sort(), ['s1', 's2', 's3']);
    } finally {
      await store.close();
    }
  });

  test(`${name}: together or apart, in order or not: the same rollups`, async () => {
    const { parts } = scenario();
    const together = await open({ timeZone: 'Europe/Prague' });
    const apart = await open({ timeZone: 'Europe/Prague' });
    try {
      const byStart = new Map<number, WindowSummary[]>();
      for (const p of parts) byStart.set(p.windowStart, [...(byStart.get(p.windowStart) ?? []), p]);
      for (const group of byStart.values()) await together.writeWindow(group);
      for (const p of arrivalOrder(parts)) await apart.writeWindow([p]);
      for (const resolution of ['hour', 'day'] as const)
        assert.deepEqual(
          await apart.rollups(resolution, 0, 1e12),
          await together.rollups(resolution, 0, 1e12),
        );
      assert.deepEqual(await apart.dwellDays(0, 1e12), await together.dwellDays(0, 1e12));
    } finally {
      await Promise.all([together.close(), apart.close()]);
    }
  });

  test(`${name}: a revised estimate that lowers the maximum lowers the hour's and the day's`, async () => {
    const store = await open();
    try {
      const t0 = 1_700_006_400; // a UTC midnight
      const empty = (start: number): WindowSummary => ({
        schema: 1,
        sensorId: 's1',
        windowStart: start,
        windowEnd: start + 60,
        frames: 0,
        framesWithRssi: 0,
        devices: [],
      });
      for (const start of [t0, t0 + 60, t0 + 3600]) await store.writeWindow([empty(start)]);
      const p = (start: number, estimate: number) => ({
        windowStart: start,
        windowEnd: start + 60,
        devices: 0,
        randomizedDevices: 0,
        estimate,
        low: estimate / 2,
        high: estimate * 2,
        final: false,
      });
      await store.writeEstimates([p(t0, 4), p(t0 + 60, 2), p(t0 + 3600, 3)]);
      let [hour] = await store.rollups('hour', t0, t0 + 1);
      assert.deepEqual(hour!.people, {
        windows: 2,
        sum: 6,
        lowSum: 3,
        highSum: 12,
        max: 4,
        maxLow: 2,
        maxHigh: 8,
        personMinutes: 6,
      });
      assert.equal((await store.rollups('day', t0, t0 + 1))[0]!.people!.max, 4);
      await store.writeEstimates([p(t0, 1)]);
      [hour] = await store.rollups('hour', t0, t0 + 1);
      assert.equal(hour!.people!.max, 2);
      assert.equal(hour!.people!.personMinutes, 3);
      const [day] = await store.rollups('day', t0, t0 + 1);
      assert.deepEqual(
        [day!.people!.max, day!.people!.maxLow, day!.people!.personMinutes, day!.windows],
        [3, 1.5, 6, 3],
      );
    } finally {
      await store.close();
    }
  });

  test(`${name}: a fixed address heard late on an earlier day turns "new" into "returning" on the later day`, async () => {
    const store = await open();
    try {
      const day = 86_400;
      const t0 = 1_700_006_400;
      const seen = (start: number, sensorId = 's1'): WindowSummary => ({
        schema: 1,
        sensorId,
        windowStart: start,
        windowEnd: start + 60,
        frames: 1,
        framesWithRssi: 1,
        devices: [
          {
            deviceId: 'fixed',
            medium: 'wifi',
            randomized: false,
            vendor: null,
            frames: 1,
            rssi: { count: 1, mean: -60, std: 0, min: -60, max: -60 },
            ssids: [],
            frameTypes: { 'probe-req': 1 },
            ieFingerprints: [],
            channels: [1],
            firstSeen: start + 5,
            lastSeen: start + 5,
          },
        ],
      });
      await store.writeWindow([seen(t0 + day)]);
      let days = await store.rollups('day', 0, 1e12);
      assert.deepEqual(
        days.map((d) => [d.newDevices, d.returningDevices]),
        [[1, 0]],
      );
      await store.writeWindow([seen(t0 + 120, 's2')]); // the other sensor's outbox, a day late
      days = await store.rollups('day', 0, 1e12);
      assert.deepEqual(
        days.map((d) => [d.start, d.newDevices, d.returningDevices]),
        [
          [t0, 1, 0],
          [t0 + day, 0, 1],
        ],
      );
      assert.deepEqual(days, (await recomputeRollups(store)).days);
    } finally {
      await store.close();
    }
  });

  test(`${name}: retention keeps the story: rollups stay, raw rows and old devices go, claims stay 7 days`, async () => {
    const store = await open({ timeZone: 'Europe/Prague' });
    try {
      const { parts, estimates } = scenario();
      for (const part of parts) await store.writeWindow([part]);
      for (const batch of estimates) await store.writeEstimates(batch);
      const hours = await store.rollups('hour', -1e12, 1e12);
      const days = await store.rollups('day', -1e12, 1e12);
      const dwell = await store.dwellDays(-1e12, 1e12);
      const cut = days[1]!.start;
      const devicesBefore = days[2]!.start;
      let stale = 0;
      for (const medium of ['wifi', 'ble'] as const)
        stale += (await store.devices({ medium, limit: 1e6 })).rows.filter(
          (d) => d.lastSeen < devicesBefore,
        ).length;
      assert.ok(stale > 0, 'some devices were last seen before the cut');
      const result = await store.prune({ rawBefore: cut, claimsBefore: cut - 7 * 86_400, devicesBefore });
      assert.ok(result.sightings > 0 && result.windows > 0 && result.deviceDays > 0, 'raw rows went');
      assert.deepEqual([result.devices, result.claims], [stale, 0]);
      assert.deepEqual(await store.rollups('hour', -1e12, 1e12), hours);
      assert.deepEqual(await store.rollups('day', -1e12, 1e12), days);
      assert.deepEqual(await store.dwellDays(-1e12, 1e12), dwell);
      assert.ok(
        (await store.windows(-1e12, 1e12)).every((w) => w.windowStart >= cut),
        'windows before the cut are gone',
      );
      for (const medium of ['wifi', 'ble'] as const) {
        const left = (await store.devices({ medium, limit: 1e6 })).rows;
        assert.ok(
          left.every((d) => d.lastSeen >= devicesBefore),
          'devices not seen since the cut are gone',
        );
      }
      assert.deepEqual(await deviceTotalsOf(store), await recomputeDeviceTotals(store));
      // A sensor redelivering a window whose raw rows are gone: recognised by its claim, nothing counted twice.
      const old = parts.find((p) => p.windowStart < cut)!;
      assert.deepEqual(await store.writeWindow([old]), { stored: 0, duplicates: 1 });
      assert.deepEqual(await store.rollups('day', -1e12, 1e12), days);
      // What is left still adds up from the raw rows.
      const expected = await recomputeRollups(store);
      assert.deepEqual(
        roundPeople(await store.rollups('day', cut, 1e12)),
        roundPeople(expected.days.filter((d) => d.start >= cut)).map((d) => {
          // Devices pruned with their rows no longer say who was new; the rollup kept what it knew.
          const kept = days.find((k) => k.start === d.start)!;
          return { ...d, newDevices: kept.newDevices, returningDevices: kept.returningDevices };
        }),
      );
    } finally {
      await store.close();
    }
  });
}
