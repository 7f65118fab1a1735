/**
 * The Data card and Reset time: Save writes the file on the hub and links it, the exports
 * download, Reset time asks and zeroes the minutes. Last, as Reset changes the figures.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiSummary } from '../../src/adapters/http/apiTypes.ts';
import { ARTIFACTS, TOKEN, eventually, hhmm, type Topic } from './browserHarness.ts';

const SCREENSHOT = join(ARTIFACTS, 'dashboard.png');

export const dataPanel: Topic = {
  settled: [
    {
      name: 'Save data writes the file on the hub and says when',
      async run(_t, { page, apiGet, text }) {
        assert.equal(await text('data-state'), 'Data not saved');
        await page.getByTestId('save-data').click();
        const s = await eventually(async () => {
          const summary = await apiGet<ApiSummary>('/api/summary');
          assert.ok(summary.data.savedAt !== null && summary.data.path !== null);
          assert.equal(await text('data-state'), `Data saved at ${hhmm(summary.data.savedAt)}`);
          return summary;
        });
        assert.match(await text('data-state'), /^Data saved at \d\d:\d\d$/);
        const shownPath = await text('saved-path');
        assert.equal(shownPath, s.data.path);
        assert.ok(existsSync(shownPath), `${shownPath} exists`);
        // The download link carries the token, as the page has no other way to send it.
        const href = await page.getByTestId('saved-download').getAttribute('href');
        assert.ok(href !== null && href.includes(`token=${TOKEN}`), String(href));
        assert.equal((await fetch(href)).status, 200);
        const exportHref = await page.getByTestId('export-wifi-csv').getAttribute('href');
        assert.equal((await fetch(exportHref ?? '')).status, 200);
      },
    },
    {
      // The whole page with every card filled in, before Reset time zeroes the minutes.
      name: 'screenshot',
      async run(_t, { page }) {
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
      },
    },
    {
      name: 'Reset time asks, then zeroes the average',
      async run(_t, { page, apiGet, text, dialogs }) {
        assert.notEqual(await text('average-minutes'), '0');
        await page.getByTestId('reset-time').click();
        await eventually(async () => {
          assert.equal(await text('average-minutes'), '0');
          assert.equal((await apiGet<ApiSummary>('/api/summary')).totals.averageMinutesSpent, 0);
        });
        assert.deepEqual(
          dialogs.map((d) => d.type),
          ['confirm'],
        );
      },
    },
  ],
};
