import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../src/adapters/storage/store.ts';

/** The store contract's part for headcounts and positions' zones (run by storeContract for every store). */
export function headcountAndZoneContract(name: string, open: () => Promise<Store>): void {
  test(`${name}: a position keeps its zone and 90% radius; one without them reads back without them`, async () => {
    const store = await open();
    try {
      const plain = {
        deviceId: 'a',
        medium: 'ble' as const,
        t: 101,
        x: 1,
        y: 2,
        uncertainty: 0.75,
        sensors: 4,
        method: 'survey-filter' as const,
      };
      const zoned = { ...plain, deviceId: 'b', radius90: 1.625, zone: 'Café "Nord" \\ ☕' };
      await store.writePositions([plain, zoned]);
      assert.deepEqual(await store.positions(0, 200), [plain, zoned]);
      // A repeat replaces the zone too, also with none.
      await store.writePositions([{ ...zoned, zone: 'south-east' }]);
      await store.writePositions([{ ...plain, radius90: 2 }]);
      assert.deepEqual(await store.positions(0, 200), [
        { ...plain, radius90: 2 },
        { ...zoned, zone: 'south-east' },
      ]);
    } finally {
      await store.close();
    }
  });

  test(`${name}: headcounts are stored with an id, listed by time, the newest kept by a limit, removed by id`, async () => {
    const store = await open();
    try {
      assert.deepEqual(await store.headcounts(), []);
      const late = await store.addHeadcount({
        t: 1_700_000_600,
        count: 12,
        estimate: 9.25,
        createdAt: 1_700_000_610,
      });
      const early = await store.addHeadcount({
        t: 1_700_000_000,
        count: 0,
        estimate: null,
        createdAt: 1_700_000_620,
      });
      const middle = await store.addHeadcount({
        t: 1_700_000_300,
        count: 7,
        estimate: 6.5,
        createdAt: 1_700_000_630,
      });
      assert.notEqual(late.id, early.id);
      assert.deepEqual(late, {
        id: late.id,
        t: 1_700_000_600,
        count: 12,
        estimate: 9.25,
        createdAt: 1_700_000_610,
      });
      assert.equal(early.estimate, null);
      assert.deepEqual(await store.headcounts(), [early, middle, late]);
      assert.deepEqual(await store.headcounts(2), [middle, late], 'the newest two, oldest first');
      assert.equal(await store.deleteHeadcount(middle.id), true);
      assert.equal(await store.deleteHeadcount(middle.id), false, 'gone already');
      assert.equal(await store.deleteHeadcount(987_654), false);
      assert.deepEqual(await store.headcounts(), [early, late]);
      await assert.rejects(store.addHeadcount({ t: 1, count: -1, estimate: null, createdAt: 1 }));
      // Retention keeps them: an old count still informs the long-term scale.
      await store.deleteOlderThan(1_800_000_000);
      assert.deepEqual(await store.headcounts(), [early, late]);
    } finally {
      await store.close();
    }
  });
}
