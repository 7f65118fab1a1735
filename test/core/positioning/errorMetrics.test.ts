import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compareSummaries,
  median,
  quantileSorted,
  summarizeErrors,
} from '../../../src/core/positioning/errorMetrics.ts';

describe('error metrics', () => {
  it("quantiles interpolate linearly, as numpy's default does", () => {
    const v = [1, 2, 3, 4, 10];
    assert.equal(quantileSorted(v, 0.5), 3);
    assert.ok(Math.abs(quantileSorted(v, 0.9) - 7.6) < 1e-12); // numpy.percentile([1,2,3,4,10], 90)
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([]), undefined);
  });

  it('summarises n, median, mean and p90, ignoring non-finite errors', () => {
    const s = summarizeErrors([3, 1, 2, NaN]);
    assert.deepEqual([s.n, s.median, s.mean], [3, 2, 2]);
    assert.ok(Math.abs(s.p90! - 2.8) < 1e-12);
    assert.deepEqual(summarizeErrors([]), { n: 0, median: null, mean: null, p90: null });
  });

  it('ranks by median, then p90; empty summaries last', () => {
    const a = summarizeErrors([1, 2, 3]);
    const b = summarizeErrors([1, 2, 30]);
    const none = summarizeErrors([]);
    assert.ok(compareSummaries(a, b) < 0);
    assert.ok(compareSummaries(none, a) > 0);
    assert.ok(compareSummaries(a, none) < 0);
  });
});
