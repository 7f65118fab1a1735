import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { RANDOMIZED_VENDOR, vendorOfWifiMac, type OuiTable } from '../../../src/core/identity/vendor.ts';

const require = createRequire(import.meta.url);
const ouiData = JSON.parse(readFileSync(require.resolve('oui-data'), 'utf8')) as OuiTable;

test('longest prefix wins: MA-S over MA-M over MA-L', () => {
  const table: OuiTable = {
    '70B3D5': 'IEEE Registration Authority\nPiscataway',
    '70B3D51': 'Medium Block Co\naddress',
    '70B3D5123': 'Small Block Co\naddress',
  };
  assert.equal(vendorOfWifiMac('70:b3:d5:12:34:56', table), 'Small Block Co');
  assert.equal(vendorOfWifiMac('70:b3:d5:1f:34:56', table), 'Medium Block Co');
  assert.equal(vendorOfWifiMac('70:b3:d5:ff:34:56', table), 'IEEE Registration Authority');
  assert.equal(vendorOfWifiMac('00:11:22:33:44:55', table), null);
});

test('locally administered addresses report "randomized", not a vendor', () => {
  assert.equal(vendorOfWifiMac('da:a1:19:00:00:01', ouiData), RANDOMIZED_VENDOR);
});

test('the real IEEE registry from oui-data names real vendors', () => {
  assert.equal(vendorOfWifiMac('f8:d0:27:00:00:01', ouiData), 'Seiko Epson Corporation');
  assert.equal(vendorOfWifiMac('00:00:00:00:00:01', ouiData), 'XEROX CORPORATION');
  // An MA-S block inside the IEEE's own 70:B3:D5 prefix resolves to its holder, not the registry.
  const maS = Object.keys(ouiData).find((k) => k.length === 9 && k.startsWith('70B3D5'));
  assert.ok(maS, 'oui-data has MA-S entries under 70B3D5');
  const mac =
    `${maS.slice(0, 2)}:${maS.slice(2, 4)}:${maS.slice(4, 6)}:${maS.slice(6, 8)}:${maS[8]}0:00`.toLowerCase();
  assert.notEqual(vendorOfWifiMac(mac, ouiData), 'IEEE Registration Authority');
});
