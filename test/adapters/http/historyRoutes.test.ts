import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCalendar } from '../../../src/core/history/calendar.ts';
import { defaultCountingParams } from '../../../src/core/occupancy/countingParams.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { buildServer } from '../../../src/adapters/http/server.ts';
import type { ApiBusyHours, ApiCompare, ApiHistory, ApiVisits } from '../../../src/adapters/http/apiTypes.ts';
import { startHubRig } from '../../helpers/hubRig.ts';
import { BRNO_WEEK, brnoWeekWindows } from '../../helpers/brnoWeek.ts';

const calendar = createCalendar(BRNO_WEEK.timeZone);
const DAY = 86_400;

/** A hub that heard the brno week (real windows, the model's estimates), served over HTTP. */
async function weekHub() {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-history-http-'));
  const store = new SqliteStore(join(dir, 'hub.db'), { timeZone: BRNO_WEEK.timeZone });
  const rig = await startHubRig({
    store,
    siteName: 'lab <b>sc6-61</b>',
    windowSeconds: 60,
    ratio: 0.7,
    exportDir: dir,
    counting: defaultCountingParams(),
  });
  const windows = await brnoWeekWindows();
  await rig.send(...windows);
  await rig.hub.settled();
  const app = await buildServer({ hub: rig.hub, webRoot: join(dir, 'no-web'), projectUrl: '' });
  const get = async <T>(
    url: string,
  ): Promise<{ status: number; body: T; raw: string; headers: Record<string, unknown> }> => {
    const response = await app.inject({ method: 'GET', url });
    return {
      status: response.statusCode,
      body: (response.headers['content-type']?.toString().startsWith('application/json')
        ? response.json()
        : undefined) as T,
      raw: response.body,
      headers: response.headers,
    };
  };
  return {
    store,
    windows,
    get,
    async close() {
      await app.close();
      await rig.stop();
      await store.close();
    },
  };
}

test('history API on a real week: the resolution fits the range, the day the sensor was off is a gap, not zeros', async () => {
  const hub = await weekHub();
  try {
    const from = BRNO_WEEK.mondayStart;
    const to = calendar.nextDayStart(calendar.dayOf(BRNO_WEEK.nextMonday)!);
    // A week and a day: by the hour.
    const week = await hub.get<ApiHistory>(`/api/history?from=${from}&to=${to}`);
    assert.equal(week.status, 200);
    assert.equal(week.body.resolution, 'hour');
    assert.equal(week.body.timeZone, 'Europe/Prague');
    assert.equal(week.body.points.length, 8 * 24);
    const withData = week.body.points.filter((p) => p.coverage > 0);
    // 06:30-06:50 UTC is 08:30-08:50 in Prague: one hour a day with data, twenty minutes of it.
    assert.deepEqual(
      withData.map((p) => p.label),
      ['21', '22', '23', '24', '26', '27', '28'].map((d) => `2023-08-${d} 08:00`),
    );
    for (const p of withData)
      assert.ok(p.coverage > 0.25 && p.coverage <= 20 / 60, `${p.label} coverage ${p.coverage}`);
    const gaps = week.body.points.filter((p) => p.coverage === 0);
    assert.ok(
      gaps.every(
        (p) => p.peopleMean === null && p.wifi === null && p.devicesMean === null && p.personMinutes === null,
      ),
      'a gap has no figures at all',
    );
    // Hour figures are the rollups' (distinct devices of the hour), with the model's people.
    const monday = withData[0]!;
    const [rollup] = await hub.store.rollups('hour', monday.start, monday.start + 1);
    assert.equal(monday.wifi, rollup!.wifiDevices);
    assert.equal(monday.method, 'model');
    assert.equal(monday.peopleMean, Math.round((rollup!.people!.sum / rollup!.people!.windows) * 10) / 10);

    // By the day: 2023-08-25 is a gap between days with data.
    const days = await hub.get<ApiHistory>(`/api/history?from=${from}&to=${to}&resolution=day`);
    assert.deepEqual(
      days.body.points.map((p) => [p.label, p.coverage > 0]),
      ['21', '22', '23', '24', '25', '26', '27', '28'].map((d) => [`2023-08-${d}`, d !== '25']),
    );
    const friday = days.body.points[4]!;
    assert.deepEqual(
      [friday.peopleMean, friday.wifi, friday.newDevices, friday.personMinutes],
      [null, null, null, null],
    );
    assert.ok(days.body.points[1]!.returningDevices! > 0, 'Tuesday hears devices Monday heard');
    assert.equal(days.body.points[0]!.returningDevices, 0);

    // One day: by the minute, windows where the sensor listened, gaps elsewhere.
    const tuesday = calendar.dayOf('2023-08-22')!;
    const minutes = await hub.get<ApiHistory>(`/api/history?from=${tuesday}&to=${tuesday + DAY}`);
    assert.equal(minutes.body.resolution, 'minute');
    assert.equal(minutes.body.points.length, 1440);
    const stored = hub.windows.filter((w) => w.windowStart >= tuesday && w.windowStart < tuesday + DAY);
    assert.equal(minutes.body.points.filter((p) => p.coverage === 1).length, stored.length);
    assert.equal(minutes.body.points.filter((p) => p.coverage === 0).length, 1440 - stored.length);

    // CSV of the chart: a gap is empty cells, not zeros.
    const csv = await hub.get(`/api/history.csv?from=${from}&to=${to}&resolution=day`);
    assert.match(
      String(csv.headers['content-disposition']),
      /airtrace-history-day-2023-08-21_2023-08-28\.csv/,
    );
    const lines = csv.raw.trim().split('\r\n');
    assert.equal(lines.length, 9);
    assert.match(lines[5]!, /^2023-08-24T22:00:00\.000Z,2023-08-25,0,,,,,,,,,,,,$/);
  } finally {
    await hub.close();
  }
});

test('venue API on a real week: visitors and passers-by, dwell, busiest hours, a day against last week', async () => {
  const hub = await weekHub();
  try {
    const from = BRNO_WEEK.mondayStart;
    const to = from + 7 * DAY;
    const visits = await hub.get<ApiVisits>(`/api/history/visits?from=${from}&to=${to}`);
    assert.equal(visits.status, 200);
    assert.deepEqual(visits.body.visitor, { minDwellMinutes: 5, minRssi: -80 });
    assert.equal(visits.body.days.length, 7);
    assert.deepEqual(visits.body.days[4], {
      start: calendar.dayOf(BRNO_WEEK.missing),
      date: BRNO_WEEK.missing,
      visitors: null,
      passersBy: null,
      newDevices: null,
      returningDevices: null,
    });
    const cells = await hub.store.dwellDays(from, to);
    const deviceDays = cells.reduce((a, c) => a + c.devices, 0);
    assert.equal(visits.body.totals.visitors + visits.body.totals.passersBy, deviceDays);
    assert.equal(
      visits.body.dwell.reduce((a, b) => a + b.near + b.far, 0),
      deviceDays,
      'the dwell distribution holds every device-day',
    );
    assert.ok(visits.body.totals.visitors > 0 && visits.body.totals.passersBy > visits.body.totals.visitors);
    // Stricter thresholds: fewer visitors, the same device-days.
    const strict = await hub.get<ApiVisits>(`/api/history/visits?from=${from}&to=${to}&minutes=15&rssi=-60`);
    assert.ok(strict.body.totals.visitors < visits.body.totals.visitors);
    assert.equal(strict.body.totals.visitors + strict.body.totals.passersBy, deviceDays);
    const fixed = await hub.get<ApiVisits>(
      `/api/history/visits?from=${from}&to=${to}&addresses=fixed&medium=wifi`,
    );
    assert.ok(fixed.body.totals.visitors + fixed.body.totals.passersBy < deviceDays);
    assert.equal((await hub.get(`/api/history/visits?minutes=7`)).status, 400);
    assert.equal((await hub.get(`/api/history/visits?medium=zigbee`)).status, 400);

    const busy = await hub.get<ApiBusyHours>(`/api/history/busy-hours?from=${from}&to=${to}`);
    assert.equal(busy.body.people.length, 7);
    assert.ok(busy.body.people.every((row) => row.length === 24));
    const filled = busy.body.people
      .flatMap((row, d) => row.map((v, h) => [d, h, v] as const))
      .filter(([, , v]) => v !== null);
    assert.deepEqual(
      filled.map(([d, h]) => [d, h]),
      [0, 1, 2, 3, 5, 6].map((d) => [d, 8]),
      'Monday to Sunday at 8 in the morning, but Friday',
    );

    const compare = await hub.get<ApiCompare>(`/api/history/compare?day=${BRNO_WEEK.nextMonday}`);
    assert.equal(compare.body.day.date, '2023-08-28');
    assert.equal(compare.body.lastWeek.date, '2023-08-21');
    assert.equal(compare.body.day.points.length, 24);
    assert.ok(compare.body.day.coverage > 0 && compare.body.lastWeek.coverage > 0);
    const friday = await hub.get<ApiCompare>(`/api/history/compare?day=${BRNO_WEEK.missing}`);
    assert.deepEqual(
      [friday.body.day.coverage, friday.body.day.personMinutes, friday.body.day.visitors],
      [0, null, null],
    );
    assert.equal((await hub.get('/api/history/compare?day=2023-02-30')).status, 400);

    for (const csv of ['visits', 'dwell', 'busy-hours']) {
      const r = await hub.get(`/api/history/${csv}.csv?from=${from}&to=${to}`);
      assert.equal(r.status, 200, csv);
      assert.match(String(r.headers['content-type']), /text\/csv/);
    }
    const compareCsv = await hub.get(`/api/history/compare.csv?day=${BRNO_WEEK.nextMonday}`);
    assert.match(compareCsv.raw.split('\r\n')[0]!, /^hour,people_2023-08-28,people_2023-08-21,/);
    assert.equal(compareCsv.raw.trim().split('\r\n').length, 25);
    assert.equal((await hub.get('/api/history?zone=Kitchen')).status, 400, 'no zones without a site file');
    assert.equal((await hub.get(`/api/history?from=${to}&to=${from}`)).status, 400);
  } finally {
    await hub.close();
  }
});
