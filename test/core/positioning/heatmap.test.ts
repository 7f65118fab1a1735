import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heatmapOf } from '../../../src/core/positioning/heatmap.ts';

test('fixes fall into their cells; outside the floor they are left out', () => {
  const map = heatmapOf(
    [
      { x: 0.1, y: 0.1 },
      { x: 0.4, y: 0.2 },
      { x: 1.6, y: 0.9 },
      { x: 2, y: 1 },
      { x: 5, y: 5 },
    ],
    [0, 0, 2, 1],
    0.5,
  );
  assert.equal(map.columns, 4);
  assert.equal(map.rows, 2);
  assert.equal(map.counts[0], 2); // both near the origin
  assert.equal(map.counts[1 * 4 + 3], 2); // (1.6, 0.9) and the corner (2, 1)
  assert.equal(map.max, 2);
  assert.equal(
    map.counts.reduce((a, b) => a + b, 0),
    4,
  );
});

test('a tiny cell on a big floor is coarsened instead of allocating millions of cells', () => {
  const map = heatmapOf([], [0, 0, 1000, 1000], 0.01);
  assert.ok(map.columns * map.rows <= 40_401, `${map.columns} x ${map.rows}`);
  assert.ok(map.cell >= 5);
});
