/**
 * The Trends view in a real browser (Chromium through playwright-core) on a real week of the brno
 * month: twenty minutes of each day from Monday 2023-08-21 to Monday 2023-08-28, and Friday the
 * 25th, when the sensor was off. A hub with the counting model hears them through the in-process
 * transport and serves the built page. Skips when chromium or the built page is missing.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { ApiHistory, ApiVisits } from '../../src/adapters/http/apiTypes.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import { SqliteStore } from '../../src/adapters/storage/sqlite/sqliteStore.ts';
import { WEB_ROOT } from '../../src/app/hub/dashboardFiles.ts';
import { defaultCountingParams } from '../../src/core/occupancy/countingParams.ts';
import { BRNO_WEEK, brnoWeekWindows } from '../helpers/brnoWeek.ts';
import { startHubRig } from '../helpers/hubRig.ts';
import {
  ARTIFACTS,
  eventually,
  localInput,
  openPage,
  skipReason,
  TOKEN,
  type OpenPage,
} from './browserHarness.ts';

async function weekOnPage(t: TestContext): Promise<OpenPage> {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-trends-'));
  const store = new SqliteStore(join(dir, 'hub.db'), { timeZone: BRNO_WEEK.timeZone });
  const rig = await startHubRig({
    store,
    siteName: 'brno lab sc6-61, August 2023',
    windowSeconds: 60,
    ratio: 0.7,
    exportDir: dir,
    counting: defaultCountingParams(),
  });
  await rig.send(...(await brnoWeekWindows()));
  await rig.hub.settled();
  const server = await buildServer({ hub: rig.hub, webRoot: WEB_ROOT, projectUrl: '', token: TOKEN });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.server.address() as { port: number };
  return openPage(t, `http://127.0.0.1:${port}/`, async () => {
    await server.close();
    await rig.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

const attr = async (locator: Locator, name: string) => (await locator.getAttribute(name)) ?? '';

/** Waits until the view shows what it was asked for (no request in flight). */
async function settled(page: Page, kind: string, range: string): Promise<void> {
  await eventually(async () => {
    const card = page.getByTestId('trends');
    assert.equal(await attr(card, 'data-loading'), 'false');
    assert.equal(await attr(card, 'data-kind'), kind);
    assert.match((await page.getByTestId('trends-range').textContent()) ?? '', new RegExp(`^${range}`));
  }, 15_000);
}

/** The CSV a chart's link downloads, read as the browser saved it. */
async function download(page: Page, testid: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return readFileSync((await file.path())!, 'utf8');
}

test('the Trends view on a real week of the brno month', { timeout: 180_000 }, async (t) => {
  const reason = skipReason();
  if (reason !== undefined) return t.skip(reason);
  const { page, apiGet, pageErrors, navigations } = await weekOnPage(t);
  const chart = page.getByTestId('history-chart');
  const visits = page.getByTestId('visits-chart');

  await t.test(
    'it opens on the week of the newest data, then goes back a week: Friday is a gap',
    async () => {
      await settled(page, 'week', '2023-08-28 – 2023-09-03');
      await page.getByTestId('trends-prev').click();
      await settled(page, 'week', '2023-08-21 – 2023-08-27');
      const from = BRNO_WEEK.mondayStart;
      const api = await apiGet<ApiHistory>(`/api/history?from=${from}&to=${from + 7 * 86_400}`);
      assert.equal(api.resolution, 'hour');
      await eventually(async () => {
        assert.equal(await attr(chart, 'data-resolution'), 'hour');
        assert.equal(Number(await attr(chart, 'data-points')), 168);
        assert.equal(
          Number(await attr(chart, 'data-with-data')),
          api.points.filter((p) => p.coverage > 0).length,
        );
        assert.equal(Number(await attr(visits, 'data-days')), 7);
        assert.equal(Number(await attr(visits, 'data-gaps')), 1);
      });
      // Friday is drawn as "no data", the other days as visitors and passers-by from the API.
      assert.equal(await visits.locator('[data-gap="2023-08-25"]').count(), 1);
      const v = await apiGet<ApiVisits>(`/api/history/visits?from=${from}&to=${from + 7 * 86_400}`);
      for (const day of v.days.filter((d) => d.visitors !== null)) {
        const bar = visits.locator(`[data-day="${day.date}"]`);
        assert.equal(Number(await attr(bar, 'data-visitors')), day.visitors, day.date);
        assert.equal(Number(await attr(bar, 'data-passers-by')), day.passersBy, day.date);
      }
      assert.equal(
        Number(await attr(page.getByTestId('busy-map'), 'data-cells')),
        6,
        'six mornings at 8 in the heat map, not Friday',
      );
      assert.equal(
        Number(await attr(page.getByTestId('dwell-chart'), 'data-total')),
        v.dwell.reduce((a, b) => a + b.near + b.far, 0),
      );
    },
  );

  await t.test('each chart downloads as CSV: the gap day is empty cells, not zeros', async () => {
    const history = await download(page, 'csv-history');
    assert.equal(history.trim().split('\r\n').length, 169);
    const visitsCsv = (await download(page, 'csv-visits')).trim().split('\r\n');
    assert.equal(visitsCsv[0], 'date,visitors,passers_by,new_devices,returning_devices');
    assert.equal(visitsCsv[5], '2023-08-25,,,,');
    assert.match(visitsCsv[1]!, /^2023-08-21,\d+,\d+,\d+,0$/);
    assert.match((await download(page, 'csv-dwell')).split('\r\n')[0]!, /^dwell,near_-80_dbm,further$/);
    assert.match((await download(page, 'csv-busy')).split('\r\n')[1]!, /^Monday,/);
    assert.match(
      (await download(page, 'csv-compare')).split('\r\n')[0]!,
      /^hour,people_2023-08-27,people_2023-08-20/,
    );
  });

  await t.test(
    'the month of August by the hour, a day by the minute against the same day last week',
    async () => {
      await page.getByTestId('trends-month').click();
      await settled(page, 'month', '2023-08-01 – 2023-08-31');
      await eventually(async () => {
        assert.equal(Number(await attr(chart, 'data-points')), 31 * 24);
        assert.equal(Number(await attr(visits, 'data-days')), 31);
        assert.equal(Number(await attr(visits, 'data-gaps')), 31 - 7);
      });
      await page.getByTestId('trends-day').click();
      await page.getByTestId('trends-date').fill('2023-08-28');
      await page.getByTestId('trends-date').dispatchEvent('change');
      await settled(page, 'day', '2023-08-28');
      await eventually(async () => {
        assert.equal(await attr(chart, 'data-resolution'), 'minute');
        assert.equal(Number(await attr(chart, 'data-points')), 1440);
        assert.equal(
          Number(await attr(chart, 'data-with-data')),
          20,
          'twenty minutes of the day were recorded',
        );
      });
      const compare = page.getByTestId('compare-chart');
      assert.equal(await attr(compare, 'data-day'), '2023-08-28');
      assert.equal(await attr(compare, 'data-last-week'), '2023-08-21');
      assert.match(
        (await page.getByTestId('compare-last-week').textContent()) ?? '',
        /2023-08-21: .*person-minutes/,
      );
    },
  );

  await t.test(
    'custom dates over three months are drawn by the day, the missing day a gap among days',
    async () => {
      await page.getByTestId('trends-custom').click();
      await page.getByTestId('trends-from').fill('2023-06-01');
      await page.getByTestId('trends-until').fill('2023-08-31');
      await page.getByTestId('trends-show').click();
      await settled(page, 'custom', '2023-06-01 – 2023-08-31');
      await eventually(async () => {
        assert.equal(await attr(chart, 'data-resolution'), 'day');
        assert.equal(Number(await attr(chart, 'data-points')), 92);
        assert.equal(Number(await attr(chart, 'data-with-data')), 7);
        assert.ok((await attr(chart, 'data-gap-days')).split(',').includes('2023-08-25'));
        assert.ok(!(await attr(chart, 'data-gap-days')).split(',').includes('2023-08-24'));
      });
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.getByTestId('trends-week').click();
      await page.getByTestId('trends-date').fill('2023-08-23');
      await page.getByTestId('trends-date').dispatchEvent('change');
      await settled(page, 'week', '2023-08-21 – 2023-08-27');
      await page.getByTestId('trends').screenshot({ path: join(ARTIFACTS, 'trends.png') });
    },
  );

  await t.test(
    'the Over time chart breaks its lines where windows are missing, not a slope across the day',
    async () => {
      const from = 1_693_117_800; // 2023-08-27 06:30 UTC
      const to = 1_693_205_400; // 2023-08-28 06:50 UTC
      await page.getByTestId('range-from').fill(localInput(from));
      await page.getByTestId('range-to').fill(localInput(to));
      await page.getByTestId('range-show').click();
      const over = page.getByTestId('chart');
      await eventually(async () => {
        assert.equal(Number(await attr(over, 'data-points')), 40, 'twenty minutes on each day');
        assert.equal(Number(await attr(over, 'data-gaps')), 1);
      });
      // Halfway between the two days no line is drawn: no pixel of the Wi-Fi, Bluetooth or estimate colours.
      const coloured = await over.locator('canvas').evaluate((node) => {
        // Page code: the tests have no DOM types, so the few used are spelled out.
        type Rgb = [number, number, number];
        const canvas = node as unknown as {
          width: number;
          height: number;
          getContext(kind: '2d'): {
            getImageData(x: number, y: number, w: number, h: number): { data: number[] };
          };
        };
        const page = globalThis as unknown as {
          document: {
            documentElement: unknown;
            createElement(tag: string): { style: { color: string }; remove(): void };
            body: { append(e: unknown): void };
          };
          getComputedStyle(e: unknown): { color: string; getPropertyValue(name: string): string };
        };
        const column = canvas
          .getContext('2d')
          .getImageData(Math.floor(canvas.width / 2), 0, 1, canvas.height).data;
        const lines = ['--wifi', '--bluetooth', '--estimate-line'].map((name): Rgb => {
          const probe = page.document.createElement('div');
          probe.style.color = page.getComputedStyle(page.document.documentElement).getPropertyValue(name);
          page.document.body.append(probe);
          const rgb = page.getComputedStyle(probe).color.match(/\d+/g)!.map(Number) as Rgb;
          probe.remove();
          return rgb;
        });
        let hits = 0;
        for (let i = 0; i < column.length; i += 4) {
          const [r, g, b] = [column[i]!, column[i + 1]!, column[i + 2]!];
          if (lines.some(([lr, lg, lb]) => Math.abs(r - lr) + Math.abs(g - lg) + Math.abs(b - lb) < 40))
            hits++;
        }
        return hits;
      });
      assert.equal(coloured, 0, 'no line crosses the missing day');
    },
  );

  assert.equal(navigations(), 1, 'the page never navigated');
  assert.deepEqual(pageErrors, []);
});
