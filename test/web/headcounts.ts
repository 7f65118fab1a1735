/**
 * The headcount form under the people estimate: a count typed on the page calibrates the estimate it is shown with (the
 * hub revises it and the page follows over the event stream), is listed, and is removed again;
 * what is not a count of people is refused on the page. Leaves the demo as it found it.
 */
import assert from 'node:assert/strict';
import type { ApiSummary } from '../../src/adapters/http/apiTypes.ts';
import type { ApiHeadcounts } from '../../src/adapters/http/headcountApiTypes.ts';
import { eventually, type Topic } from './browserHarness.ts';

export const headcounts: Topic = {
  settled: [
    {
      name: 'a headcount typed on the page moves the shown estimate toward it; removing it restores it',
      async run(tt, { page, apiGet, text }) {
        const card = page.getByTestId('headcounts');
        await card.waitFor({ timeout: 10_000 });
        // Folded under the estimate until asked for.
        assert.equal(await page.getByTestId('headcount-input').isVisible(), false);
        await page.getByTestId('headcount-toggle').click();
        const before = await apiGet<ApiSummary>('/api/summary');
        assert.ok(before.current !== null && before.current.estimateMethod === 'model');
        assert.equal((await apiGet<ApiHeadcounts>('/api/headcounts')).headcounts.length, 0);
        assert.equal(await text('current-estimate'), String(before.current.estimate));
        const input = page.getByTestId('headcount-input');

        // Not a count of people: refused on the page, nothing sent.
        await input.fill('2.5');
        await page.getByTestId('headcount-add').click();
        assert.match(await text('headcount-problem'), /whole number/);
        assert.equal((await apiGet<ApiHeadcounts>('/api/headcounts')).headcounts.length, 0);

        const count = Math.round(before.current.estimate) + 8;
        await input.fill(String(count));
        await page.getByTestId('headcount-add').click();
        const item = page.getByTestId('headcount');
        await eventually(async () => assert.equal(await item.count(), 1));
        assert.equal(await item.getAttribute('data-count'), String(count));
        const stored = await apiGet<ApiHeadcounts>('/api/headcounts');
        assert.equal(stored.headcounts.length, 1);
        const [h] = stored.headcounts;
        assert.ok(
          h!.t >= before.current.windowStart && h!.t < before.current.windowEnd,
          'paired with the window the page showed',
        );
        assert.equal(h!.estimate, before.current.estimate, 'against the estimate it corrects');
        await eventually(async () => {
          const after = await apiGet<ApiSummary>('/api/summary');
          assert.ok(after.current!.estimate > before.current!.estimate, `${after.current!.estimate}`);
          assert.equal(await text('current-estimate'), String(after.current!.estimate), 'the page follows');
          assert.match(
            await text('headcount-scale'),
            /^Estimates × \d\.\d\d \(± \d\.\d\d\) from 1 headcount\./,
          );
          assert.match(await text('headcount-toggle'), /^Headcount · estimates × \d\.\d\d$/);
        });
        tt.diagnostic(`counted ${count}: ${before.current.estimate} -> ${await text('current-estimate')}`);

        await page.getByTestId('headcount-remove').click();
        await eventually(async () => {
          assert.equal(await item.count(), 0);
          assert.equal((await apiGet<ApiHeadcounts>('/api/headcounts')).headcounts.length, 0);
          const restored = await apiGet<ApiSummary>('/api/summary');
          assert.deepEqual(restored.current, before.current, 'the model’s own estimate again');
          assert.equal(await text('current-estimate'), String(before.current!.estimate));
        });
      },
    },
  ],
};
