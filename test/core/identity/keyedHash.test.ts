import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createMacHasher, DEVICE_ID_HEX_CHARS } from '../../../src/core/identity/keyedHash.ts';

const key = new Uint8Array(32).map((_, i) => i * 7 + 1);

test('device ids are HMAC-SHA-256(siteKey, mac), as node:crypto computes it', () => {
  const hash = createMacHasher(key);
  for (const mac of ['aa:bb:cc:dd:ee:ff', '00:00:00:00:00:00', 'da:a1:19:12:34:56']) {
    const expected = createHmac('sha256', key).update(mac).digest('hex').slice(0, DEVICE_ID_HEX_CHARS);
    assert.equal(hash(mac), expected);
  }
});

test('another site key gives unrelated ids, the same key the same ids', () => {
  const a = createMacHasher(key);
  const b = createMacHasher(key.map((x) => x ^ 0xff));
  assert.notEqual(a('aa:bb:cc:dd:ee:ff'), b('aa:bb:cc:dd:ee:ff'));
  assert.equal(a('aa:bb:cc:dd:ee:ff'), createMacHasher(key)('aa:bb:cc:dd:ee:ff'));
  assert.match(a('aa:bb:cc:dd:ee:ff'), /^[0-9a-f]{32}$/);
});

test('a short key is refused', () => {
  assert.throws(() => createMacHasher(new Uint8Array(8)), /at least 16 bytes/);
});

test("the sensor's OpenSSL hasher gives the same ids as the pure one", async () => {
  const { createNodeMacHasher } = await import('../../../src/adapters/identity/nodeMacHasher.ts');
  const pure = createMacHasher(key);
  const fast = createNodeMacHasher(key);
  for (const mac of ['aa:bb:cc:dd:ee:ff', 'da:a1:19:12:34:56', '00:00:00:00:00:00'])
    assert.equal(fast(mac), pure(mac));
});
