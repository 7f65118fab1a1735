/** The device tables: sorting, paging and search happen on the hub, and the page shows its rows. */
import assert from 'node:assert/strict';
import type { ApiDevices } from '../../src/adapters/http/apiTypes.ts';
import { eventually, type Topic } from './browserHarness.ts';

export const deviceTables: Topic = {
  settled: [
    {
      name: 'the Wi-Fi table sorts, pages and searches on the hub',
      async run(_t, { page, apiGet, text }) {
        const table = page.getByTestId('wifi-table');
        const shownIds = () =>
          table
            .getByTestId('row')
            .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-device') ?? ''));
        const expectRows = async (query: string) => {
          const api = await apiGet<ApiDevices>(`/api/devices/wifi?${query}`);
          await eventually(async () => {
            assert.deepEqual(
              await shownIds(),
              api.rows.map((d) => d.deviceId),
              query,
            );
            assert.equal(await text('table-total', table), String(api.total));
          });
          return api;
        };

        const all = await expectRows('sort=lastSeen&order=desc&limit=25&offset=0');
        assert.ok(all.total > 50, 'enough devices for three pages');

        await table.getByTestId('sort-rssiMean').click();
        await expectRows('sort=rssiMean&order=desc&limit=25&offset=0');
        await table.getByTestId('sort-rssiMean').click();
        await expectRows('sort=rssiMean&order=asc&limit=25&offset=0');
        assert.equal(await table.locator('th[aria-sort="ascending"]').count(), 1);

        await table.getByTestId('next-page').click();
        await expectRows('sort=rssiMean&order=asc&limit=25&offset=25');
        assert.equal(await text('page-info', table), `26–50 of ${all.total}`);
        await table.getByTestId('prev-page').click();
        await expectRows('sort=rssiMean&order=asc&limit=25&offset=0');

        await table.getByTestId('search').fill('intel');
        const found = await expectRows('sort=rssiMean&order=asc&limit=25&offset=0&search=intel');
        assert.ok(
          found.total > 0 && found.total < all.total,
          `search narrows: ${found.total} of ${all.total}`,
        );
        await table.getByTestId('search').fill('');
        await expectRows('sort=rssiMean&order=asc&limit=25&offset=0');
      },
    },
  ],
};
