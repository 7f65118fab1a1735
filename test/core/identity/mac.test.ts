import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGroupAddress, isLocallyAdministered, normalizeMac } from '../../../src/core/identity/mac.ts';

test('normalizeMac accepts the common spellings and refuses the rest', () => {
  for (const spelling of [
    'AA:BB:CC:DD:EE:0F',
    'aa-bb-cc-dd-ee-0f',
    'aabb.ccdd.ee0f',
    'AABBCCDDEE0F',
    ' aa:bb:cc:dd:ee:0f ',
  ]) {
    assert.equal(normalizeMac(spelling), 'aa:bb:cc:dd:ee:0f', spelling);
  }
  for (const bad of ['', 'aa:bb:cc:dd:ee', 'aa:bb:cc:dd:ee:0g', 'aa:bb:cc:dd:ee:ff:00']) {
    assert.equal(normalizeMac(bad), undefined, bad);
  }
});

test('the locally administered bit marks randomized Wi-Fi MACs', () => {
  assert.equal(isLocallyAdministered('da:a1:19:00:00:01'), true); // 0xda = 1101 1010
  assert.equal(isLocallyAdministered('f8:d0:27:00:00:01'), false); // Seiko Epson, IEEE-assigned
  assert.equal(isLocallyAdministered('02:00:00:00:00:00'), true);
  assert.equal(isGroupAddress('01:00:5e:00:00:01'), true);
  assert.equal(isGroupAddress('00:00:5e:00:00:01'), false);
});
