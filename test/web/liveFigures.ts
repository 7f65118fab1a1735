/**
 * The live figures: the title while scanning, new windows over SSE without a reload, and the
 * numbers on the cards (current counts, the people estimate with its interval, visitors, time
 * spent, the header) equal to the API's.
 */
import assert from 'node:assert/strict';
import type { ApiSummary } from '../../src/adapters/http/apiTypes.ts';
import { eventually, type Topic } from './browserHarness.ts';
import type { PageGlobal } from './browserHarness.ts';

export const liveFigures: Topic = {
  live: [
    {
      name: 'the title says "Scanning…" during a window and "airtrace" between windows',
      async run(_t, { page, replayFinished }) {
        assert.ok(!replayFinished(), 'the replay ended before the page was up: slow it down');
        await page.waitForFunction(
          () => (globalThis as unknown as PageGlobal).document.title === 'Scanning…',
          undefined,
          {
            timeout: 15_000,
            polling: 'raf',
          },
        );
        await page.waitForFunction(
          () => (globalThis as unknown as PageGlobal).document.title === 'airtrace',
          undefined,
          {
            timeout: 15_000,
            polling: 'raf',
          },
        );
      },
    },
    {
      name: 'a new window arrives over SSE without a reload, and a zoom stays put',
      async run(_t, { page, navigations }) {
        const chart = page.getByTestId('chart');
        // Drag across the middle of the plot: uPlot's drag-to-zoom (mouse moves need it in view).
        await chart.scrollIntoViewIfNeeded();
        const box = await chart.locator('.u-over').boundingBox();
        assert.ok(box !== null);
        await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
        await page.mouse.up();
        assert.equal(await chart.getAttribute('data-zoomed'), 'true');
        const before = Number(await chart.getAttribute('data-last-start'));
        const windowBefore = Number(
          await page.getByTestId('current-window').getAttribute('data-window-start'),
        );
        assert.ok(before > 0, 'the chart has windows');
        await eventually(async () => {
          assert.ok(
            Number(await chart.getAttribute('data-last-start')) > before,
            'the chart gained a window',
          );
        }, 15_000);
        await eventually(async () => {
          const now = Number(await page.getByTestId('current-window').getAttribute('data-window-start'));
          assert.ok(now > windowBefore, 'the current window moved on');
        });
        assert.equal(
          await page.evaluate(() => (globalThis as unknown as PageGlobal).__sameDocument),
          true,
          'the page was not reloaded',
        );
        assert.equal(navigations(), 1);
        assert.equal(await chart.getAttribute('data-zoomed'), 'true', 'new windows keep the zoom');
        await page.getByTestId('reset-zoom').click();
        assert.equal(await chart.getAttribute('data-zoomed'), 'false');
      },
    },
  ],
  settled: [
    {
      name: 'the numbers on the page are the API’s',
      async run(t, { page, apiGet, text }) {
        const chart = page.getByTestId('chart');
        await eventually(async () => {
          const s = await apiGet<ApiSummary>('/api/summary');
          assert.ok(s.current !== null);
          assert.equal(await text('current-wifi'), String(s.current.wifi));
          assert.equal(await text('current-bluetooth'), String(s.current.bluetooth));
          assert.equal(await text('current-estimate'), String(s.current.estimate));
          const interval = page.getByTestId('people-interval');
          if (s.counting.method === 'model') {
            assert.match(
              await text('counting-method'),
              /^People counted by the fitted model \(\d+(\.\d)?% intervals\)$/,
            );
            if (s.current.estimateMethod === 'model' && s.current.low !== null && s.current.high !== null) {
              assert.equal(await text('people-interval'), `${s.current.low}–${s.current.high}`);
              const level = `${Math.round((s.counting.intervalLevel ?? 0) * 1000) / 10}%`;
              const shown = ((await page.locator('.estimate').textContent()) ?? '')
                .replace(/\s+/g, ' ')
                .trim();
              assert.ok(
                shown.startsWith(
                  `≈ ${s.current.estimate} people (${s.current.low}–${s.current.high}, ${level} interval)`,
                ),
                shown,
              );
            } else assert.equal(await interval.count(), 0);
            assert.equal(await page.getByTestId('provisional').count(), s.current.final === false ? 1 : 0);
          } else {
            assert.equal(await text('counting-method'), `Devices ÷ ${s.ratio} detectable people per person`);
            assert.equal(await interval.count(), 0);
          }
          const visitors = await text('visitors');
          if (s.totals.personMinutes !== null && s.totals.meanStayMinutes !== null) {
            assert.match(visitors, /visitors/);
            assert.match(visitors, /person-minutes ÷ mean stay/);
          } else assert.match(visitors, new RegExp(`estimated people\\s*devices ÷ ${s.ratio}`));
          assert.equal(await text('total-devices'), String(s.totals.devices));
          assert.equal(await text('total-estimate'), String(s.totals.estimate));
          assert.equal(await text('average-minutes'), String(s.totals.averageMinutesSpent));
          assert.equal(await text('ratio-factor'), `${s.ratio} detectable people per person`);
          assert.ok(s.totals.devices > 0 && s.totals.averageMinutesSpent > 0, 'the demo stored devices');
          const sensors = await text('sensor-list');
          for (const sensor of s.site.sensors) assert.ok(sensors.includes(sensor.id), sensors);
          assert.equal(await text('site-name'), s.site.name);
          const windows = await apiGet<{ windows: unknown[] }>('/api/windows');
          assert.equal(Number(await chart.getAttribute('data-points')), windows.windows.length);
        });
        const s = await apiGet<ApiSummary>('/api/summary');
        t.diagnostic(
          `counting: ${s.counting.method}; current window by ${s.current?.estimateMethod}` +
            (s.current?.low == null ? '' : ` ${s.current.estimate} (${s.current.low}–${s.current.high})`) +
            `; visitors ${s.totals.estimate} of ${s.totals.devices} devices`,
        );
        assert.equal(await page.title(), 'airtrace');
      },
    },
  ],
};
