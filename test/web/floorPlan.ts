/**
 * The floor plan: the demo site's sensors and zones, live positions over SSE and the heat map;
 * and a given site's plan (hostile names as text, the plan image laid out in metres, no card
 * without a site), served to a second page by intercepted API answers.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiHeatmap, ApiPositions, ApiSite } from '../../src/adapters/http/apiTypes.ts';
import type { ApiZoneOccupancy } from '../../src/adapters/http/zoneApiTypes.ts';
import { ARTIFACTS, TOKEN, eventually, type Topic } from './browserHarness.ts';
import type { PageGlobal } from './browserHarness.ts';

const FLOOR_SCREENSHOT = join(ARTIFACTS, 'floor-plan.png');
const HOSTILE_ZONE = '<img src=x onerror=alert(3)>';
const HOSTILE_LABEL = '<svg onload=alert(4)>';

export const floorPlan: Topic = {
  live: [
    {
      name: 'the floor plan: sensors, live positions over SSE, the heat map',
      async run(tt, { page, apiGet, siteOrNone }) {
        const plan = page.getByTestId('floor-plan');
        const site = await siteOrNone();
        if (site === undefined || site.bounds === null) {
          tt.diagnostic(
            `branch: no site (${site === undefined ? 'api/site 404' : 'bounds null'}): the floor-plan card is absent`,
          );
          await page.waitForTimeout(500);
          assert.equal(await plan.count(), 0);
          return;
        }
        tt.diagnostic(`branch: site with bounds ${site.bounds.join(',')} and ${site.sensors.length} sensors`);
        await plan.waitFor({ timeout: 10_000 });
        const sensors = plan.getByTestId('floor-sensor');
        assert.equal(await sensors.count(), site.sensors.length, 'one square per sensor');
        assert.equal(await sensors.locator('rect').count(), site.sensors.length);
        const labels = await sensors.locator('text').allTextContents();
        assert.deepEqual(labels.sort(), site.sensors.map((s) => s.label ?? s.id).sort());
        for (const zone of site.zones) assert.ok((await plan.textContent())?.includes(zone.name), zone.name);

        // Position events only come over the stream: the page counts them.
        const dot = await eventually(async () => {
          assert.ok(Number(await plan.getAttribute('data-live-fixes')) > 0, 'a position event arrived');
          const dots = plan.getByTestId('floor-position');
          assert.ok((await dots.count()) >= 1, 'a position dot is drawn');
          return dots.first();
        }, 20_000);
        const medium = await dot.getAttribute('class');
        assert.match(medium ?? '', /\bpos (wifi|ble)\b/);
        assert.equal(
          await page.evaluate(() => (globalThis as unknown as PageGlobal).__sameDocument),
          true,
          'the page was not reloaded',
        );
        mkdirSync(ARTIFACTS, { recursive: true });
        await plan.screenshot({ path: FLOOR_SCREENSHOT });

        const heatToggle = page.getByTestId('heatmap-toggle');
        assert.equal(await heatToggle.isChecked(), true, 'the heat map is on by default');
        await heatToggle.click();
        await eventually(async () => assert.equal(await plan.getByTestId('floor-heatmap').count(), 0));
        await heatToggle.click();
        await eventually(async () => {
          const cells = plan.getByTestId('floor-heatmap').locator('.heat-cell');
          assert.ok((await cells.count()) >= 1, 'the heat map has a non-empty cell');
          assert.ok(Number(await cells.first().getAttribute('data-count')) > 0);
        }, 15_000);
        const heat = await apiGet<ApiHeatmap>('/api/positions/heatmap');
        assert.ok(heat.max > 0, 'the hub counted fixes');
      },
    },
  ],
  settled: [
    {
      name: 'the floor plan of a given site: hostile names as text, the plan image in metres, no site no card',
      async run(_t, { browser, pageUrl }) {
        // The site as a hub might send it: names from a site file somebody else wrote.
        const other = await browser.newPage({ viewport: { width: 1000, height: 800 } });
        const otherErrors: string[] = [];
        const otherDialogs: string[] = [];
        other.on('pageerror', (error) => otherErrors.push(error.message));
        other.on('dialog', (dialog) => {
          otherDialogs.push(dialog.message());
          void dialog.dismiss();
        });
        const site: ApiSite = {
          name: 'hostile',
          bounds: [0, 0, 20, 10],
          sensors: [
            { id: 's1', label: HOSTILE_LABEL, x: 1, y: 1, z: 1 },
            { id: '<b>s2</b>', label: null, x: 19, y: 9, z: null },
          ],
          zones: [
            {
              name: HOSTILE_ZONE,
              polygon: [
                [2, 2],
                [8, 2],
                [8, 8],
                [2, 8],
              ],
            },
          ],
          floorPlan: { url: 'javascript:alert(5)', metresPerPixel: 0.05, origin: [0, 0] },
          positioning: { method: 'wnls', windowSeconds: 2 },
        };
        // Newer than any replayed fix, so the data clock keeps the dot.
        const now = Math.floor(Date.now() / 1000);
        const fix: ApiPositions['positions'][0] = {
          deviceId: 'feedc0de00000000000000000000bad3',
          medium: 'wifi',
          t: now,
          x: 5,
          y: 5,
          uncertainty: 2,
          sensors: 2,
          radius90: 3.5,
          zone: HOSTILE_ZONE,
        };
        const positions: ApiPositions = {
          from: now - 6,
          to: now,
          positions: [fix],
        };
        const heat: ApiHeatmap = {
          from: 0,
          to: 1e9,
          cell: 5,
          bounds: [0, 0, 20, 10],
          columns: 4,
          rows: 2,
          counts: [0, 3, 0, 0, 0, 0, 1, 0],
          max: 3,
        };
        const answer = (body: unknown) => ({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify(body),
        });
        await other.route(
          (url) => url.pathname === '/api/site',
          (route) => route.fulfill(answer(site)),
        );
        // A 400 x 200 pixel plan at 5 cm a pixel, the site's origin at its bottom-left corner.
        await other.route(
          (url) => url.pathname === '/api/site/floorplan',
          (route) =>
            route.fulfill({
              status: 200,
              contentType: 'image/svg+xml',
              body: '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><rect width="400" height="200" fill="#ddd"/></svg>',
            }),
        );
        await other.route(
          (url) => url.pathname === '/api/positions/current',
          (route) => route.fulfill(answer(positions)),
        );
        await other.route(
          (url) => url.pathname === '/api/positions/heatmap',
          (route) => route.fulfill(answer(heat)),
        );
        const zones: ApiZoneOccupancy = {
          t: now,
          maxAgeSeconds: 60,
          zones: [{ zone: HOSTILE_ZONE, devices: 1, people: 1 }],
          elsewhere: { devices: 0, people: 0 },
          devices: [{ deviceId: fix.deviceId, zone: HOSTILE_ZONE, t: now }],
        };
        await other.route(
          (url) => url.pathname === '/api/zones',
          (route) => route.fulfill(answer(zones)),
        );
        try {
          await other.goto(pageUrl);
          const plan = other.getByTestId('floor-plan');
          await plan.waitFor({ timeout: 10_000 });
          assert.deepEqual(
            (await plan.getByTestId('floor-sensor').locator('text').allTextContents()).sort(),
            [HOSTILE_LABEL, '<b>s2</b>'].sort(),
          );
          assert.equal(await plan.locator('.zone text').first().textContent(), HOSTILE_ZONE);
          // Its counts, the table of zones and the dot's zone: the name stays text everywhere.
          await eventually(async () =>
            assert.equal(await plan.locator('.zone text.zone-count').textContent(), '1 device · 1 person'),
          );
          assert.equal(await plan.getByTestId('zone-count').locator('th').textContent(), HOSTILE_ZONE);
          await eventually(async () =>
            assert.equal(await plan.getByTestId('floor-position').getAttribute('data-zone'), HOSTILE_ZONE),
          );
          assert.ok(
            ((await plan.getByTestId('floor-position').locator('title').textContent()) ?? '').includes(
              `in ${HOSTILE_ZONE}`,
            ),
          );
          assert.equal(
            Number(await plan.getByTestId('floor-position').locator('circle.sigma').getAttribute('r')),
            3.5,
            'the circle is the 90% radius',
          );
          assert.equal(
            await plan.locator('svg svg, img, b, script, foreignObject, image').count(),
            0,
            'no element was made from them',
          );
          assert.equal(await plan.getByTestId('floor-heatmap').locator('.heat-cell').count(), 2);
          await eventually(async () => assert.equal(await plan.getByTestId('floor-position').count(), 1));

          // A plan image from the hub: laid out in metres, with the token; a javascript: one was refused.
          site.floorPlan = { url: 'api/site/floorplan', metresPerPixel: 0.05, origin: [0, 200] };
          await other.reload();
          const image = other.getByTestId('floor-plan').locator('image');
          await image.waitFor({ timeout: 10_000 });
          assert.deepEqual(
            await image.evaluate((el) =>
              ['x', 'y', 'width', 'height'].map((a) => Number(el.getAttribute(a))),
            ),
            [0, -10, 20, 10],
          );
          assert.ok((await image.getAttribute('href'))?.includes(`token=${TOKEN}`));

          // A hub without a site file: no floor-plan card at all.
          site.bounds = null;
          await other.reload();
          await other
            .getByTestId('app')
            .and(other.locator('[data-ready="true"]'))
            .waitFor({ timeout: 10_000 });
          await other.waitForTimeout(300);
          assert.equal(await other.getByTestId('floor-plan').count(), 0);
          await other.waitForTimeout(300);
          assert.deepEqual(otherDialogs, [], 'no dialog opened');
          assert.deepEqual(otherErrors, []);
        } finally {
          await other.close();
        }
      },
    },
  ],
};
