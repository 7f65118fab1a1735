import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTruthCsv, parseTruthCsv, truthLookup } from '../../../src/core/positioning/truth.ts';

describe('ground truth', () => {
  it('reads t,x,y by header name, skips bad lines and sorts by time', () => {
    const { points, skipped } = parseTruthCsv('x,t,y,z\n2,20.5,3,1\nnope\n1,10,1,1\n\n# comment\n5,,5\n');
    assert.deepEqual(points, [
      { t: 10, x: 1, y: 1 },
      { t: 20.5, x: 2, y: 3 },
    ]);
    assert.deepEqual(skipped, [3, 7]);
  });

  it('reads a file without a header as t,x,y', () => {
    assert.deepEqual(parseTruthCsv('1,2,3\n').points, [{ t: 1, x: 2, y: 3 }]);
  });

  it('round-trips through formatTruthCsv', () => {
    const pts = [
      { t: 1581249601.4086823, x: 18.031, y: 8.465 },
      { t: 1581249602, x: -0.5, y: 0 },
    ];
    assert.deepEqual(parseTruthCsv(formatTruthCsv(pts)).points, pts);
  });

  it('interpolates between points, never across a gap, a little past the ends', () => {
    const at = truthLookup(
      [
        { t: 10, x: 0, y: 0 },
        { t: 12, x: 2, y: 4 },
        { t: 100, x: 9, y: 9 },
      ],
      { maxGapSeconds: 5, edgeSeconds: 0.5 },
    );
    assert.deepEqual(at(11), { x: 1, y: 2 });
    assert.deepEqual(at(9.6), { x: 0, y: 0 });
    assert.equal(at(9), undefined);
    assert.equal(at(50), undefined);
    assert.deepEqual(at(100.2), { x: 9, y: 9 });
    assert.equal(truthLookup([])(1), undefined);
  });

  it('a device that stood still is known all along, however far apart its start and end rows are', () => {
    const at = truthLookup([
      { t: 1000, x: 3.5, y: 2 },
      { t: 1600, x: 3.5, y: 2 },
      { t: 1610, x: 9, y: 9 },
    ]);
    assert.deepEqual(at(1000), { x: 3.5, y: 2 });
    assert.deepEqual(at(1301), { x: 3.5, y: 2 });
    assert.deepEqual(at(1599.9), { x: 3.5, y: 2 });
    // From the end of the stay to the next row, 10 s later and elsewhere: a gap, not a walk.
    assert.equal(at(1605), undefined);
  });
});
