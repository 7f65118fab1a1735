/**
 * Zones on the floor plan while the demo's walker goes round the hall: the four quadrants of the
 * demo site drawn with their counts, the same counts as GET /api/zones, the table of zones, each
 * dot's zone and its 90% circle as the hub sent them.
 */
import assert from 'node:assert/strict';
import type { ApiPositions, ApiSite } from '../../src/adapters/http/apiTypes.ts';
import type { ApiZoneOccupancy } from '../../src/adapters/http/zoneApiTypes.ts';
import { eventually, type Topic } from './browserHarness.ts';

export const zones: Topic = {
  live: [
    {
      name: 'zones: outlines with live counts equal to the API, the zone table, each dot’s zone and 90% circle',
      async run(tt, { page, apiGet }) {
        const site = await apiGet<ApiSite>('/api/site');
        assert.deepEqual(
          site.zones.map((z) => z.name),
          ['south-west', 'south-east', 'north-west', 'north-east'],
          'the demo site has the four quadrants',
        );
        const plan = page.getByTestId('floor-plan');
        await plan.waitFor({ timeout: 10_000 });
        const outlines = plan.getByTestId('floor-zone');
        assert.equal(await outlines.count(), 4);
        assert.equal(await outlines.locator('polygon').count(), 4);

        // The walker is somewhere: the page's counts are the hub's (they change as it walks).
        await eventually(async () => {
          const api = await apiGet<ApiZoneOccupancy>('/api/zones');
          const onPage = await outlines.evaluateAll((els) =>
            els.map((el) => [el.getAttribute('data-zone'), Number(el.getAttribute('data-devices'))]),
          );
          assert.deepEqual(
            onPage,
            api.zones.map((z) => [z.zone, z.devices]),
          );
          assert.ok(api.zones.reduce((n, z) => n + z.devices, 0) >= 1, 'the walker is counted in a zone');
          const rows = page.getByTestId('zone-count');
          const table = await rows.evaluateAll((els) =>
            els.map((el) => [
              el.getAttribute('data-zone'),
              Number(el.getAttribute('data-devices')),
              Number(el.getAttribute('data-people')),
            ]),
          );
          assert.deepEqual(
            table.slice(0, 4),
            api.zones.map((z) => [z.zone, z.devices, z.people]),
          );
        }, 20_000);
        const occupied = plan.locator('.zone.occupied');
        assert.ok((await occupied.count()) >= 1, 'an occupied zone is highlighted');
        assert.match(
          (await occupied.first().locator('text.zone-count').textContent()) ?? '',
          /^\d+ devices? · \d+ (person|people)$/,
        );

        // Each dot carries its zone and draws the calibrated 90% radius it came with.
        await eventually(async () => {
          const dot = plan.getByTestId('floor-position').first();
          const device = await dot.getAttribute('data-device');
          const t = Number(await dot.getAttribute('data-t'));
          const zone = await dot.getAttribute('data-zone');
          const { positions } = await apiGet<ApiPositions>(
            `/api/positions?from=${t - 0.001}&to=${t + 0.001}`,
          );
          const fix = positions.find((p) => p.deviceId === device);
          assert.ok(fix !== undefined, 'the dot is a stored position');
          assert.ok(fix.zone !== null && site.zones.some((z) => z.name === fix.zone));
          assert.equal(zone, fix.zone);
          assert.ok(fix.radius90 !== null && fix.radius90 > 0);
          const circle = dot.locator('circle.sigma.r90');
          assert.equal(Number(await circle.getAttribute('r')), fix.radius90);
          assert.ok(((await dot.locator('title').textContent()) ?? '').includes(`in ${fix.zone}`));
          tt.diagnostic(`dot in ${fix.zone}, 90% radius ${fix.radius90} m`);
        }, 15_000);
        assert.match(
          (await page.locator('.floor-legend').textContent()) ?? '',
          /circles: 90% of fixes fall within/,
        );
      },
    },
  ],
};
