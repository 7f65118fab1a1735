/**
 * The chart over time: any range on request and the live hour again, and what the Ratio switch
 * does to its series, its band and the estimate cards.
 */
import assert from 'node:assert/strict';
import type { ApiSummary } from '../../src/adapters/http/apiTypes.ts';
import { eventually, localInput, type Topic } from './browserHarness.ts';

export const chart: Topic = {
  settled: [
    {
      name: 'the chart shows any range on request, and the last hour again',
      async run(_t, { page, apiGet }) {
        const chart = page.getByTestId('chart');
        const last = Number(await chart.getAttribute('data-last-start'));
        const from = last - 20 * 60;
        const expected = await apiGet<{ windows: unknown[] }>(`/api/windows?from=${from}&to=${last}`);
        const lastHour = await apiGet<{ windows: unknown[] }>('/api/windows');
        assert.ok(expected.windows.length > 0 && expected.windows.length < lastHour.windows.length);
        await page.getByTestId('range-from').fill(localInput(from));
        await page.getByTestId('range-to').fill(localInput(last));
        await page.getByTestId('range-show').click();
        await eventually(async () => {
          assert.equal(Number(await chart.getAttribute('data-points')), expected.windows.length);
        });
        await page.getByTestId('range-live').click();
        await eventually(async () => {
          assert.equal(Number(await chart.getAttribute('data-points')), lastHour.windows.length);
        });
      },
    },
    {
      name: 'the Ratio toggle changes the numbers and the chart',
      async run(_t, { page, apiGet }) {
        const chart = page.getByTestId('chart');
        const legend = chart.locator('.u-legend .u-series');
        const toggle = page.getByTestId('ratio-toggle');
        const model = (await apiGet<ApiSummary>('/api/summary')).counting.method === 'model';
        // With the model: the estimate as a line with its interval as a band (the band's edges are
        // series kept out of the legend), and windows without a model estimate stacked as before.
        const withRatio = model
          ? 'Devices ÷ ratio,All devices,People low,People high,Estimated people,Wi-Fi,Bluetooth'
          : 'Estimated people,All devices,Wi-Fi,Bluetooth';
        const visibleRows = () =>
          legend.evaluateAll((rows) => rows.filter((r) => r.getBoundingClientRect().height > 0).length);
        assert.equal(await toggle.isChecked(), true, 'on by default');
        assert.equal(await chart.getAttribute('data-series'), withRatio);
        assert.equal(await chart.getAttribute('data-band'), String(model));
        const seriesWithRatio = await legend.count();
        const visibleWithRatio = await visibleRows();
        assert.equal(
          seriesWithRatio,
          withRatio.split(',').length + 1,
          'one legend row per series, and the time',
        );
        assert.equal(
          visibleWithRatio,
          seriesWithRatio - (model ? 2 : 0),
          'the band edges are not in the legend',
        );

        await toggle.click();
        assert.equal(await toggle.isChecked(), false);
        await eventually(async () => {
          assert.equal(await chart.getAttribute('data-series'), 'All devices,Wi-Fi,Bluetooth');
          assert.equal(await chart.getAttribute('data-band'), 'false');
          assert.equal(await legend.count(), 4);
          assert.equal(await page.getByTestId('total-estimate').count(), 0);
          assert.equal(await page.getByTestId('current-estimate').count(), 0);
          assert.equal(await page.getByTestId('visitors').count(), 0);
          assert.equal(await page.getByTestId('counting-method').count(), 0);
        });

        await toggle.click();
        await eventually(async () => {
          assert.equal(await chart.getAttribute('data-series'), withRatio);
          assert.equal(await chart.getAttribute('data-band'), String(model));
          assert.equal(await legend.count(), seriesWithRatio);
          assert.equal(await visibleRows(), visibleWithRatio);
          assert.equal(await page.getByTestId('total-estimate').count(), 1);
        });
      },
    },
  ],
};
