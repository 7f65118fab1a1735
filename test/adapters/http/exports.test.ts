/** Downloads and the two buttons: CSV and JSON exports, Save data, Reset time. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { csvTextCell } from '../../../src/adapters/export/tableExports.ts';
import type { ApiSummary } from '../../../src/adapters/http/apiTypes.ts';

import { device, HOSTILE_SSID, setup, window } from './serverRig.ts';

test('CSV exports cannot run a formula, and keep the text', async () => {
  const s = await setup();
  try {
    const csv = (await s.app.inject({ url: '/api/export/wifi.csv' })).body;
    assert.ok(csv.includes(`"'=HYPERLINK(""http://evil.example"",""click"")"`), csv);
    assert.ok(csv.includes(`"'@Vendor"`));
    for (const line of csv.split('\r\n')) {
      for (const cell of line.split(',')) assert.doesNotMatch(cell, /^[=+@]/, `cell ${cell}`);
    }
    assert.equal(csvTextCell('-2+3'), `"'-2+3"`);
    assert.equal(csvTextCell('plain'), 'plain');
    const json = (await s.app.inject({ url: '/api/export/wifi.json' })).json() as { ssids: string[] }[];
    assert.ok(json.some((d) => d.ssids.includes(HOSTILE_SSID)));
  } finally {
    await s.close();
  }
});

test('save writes the tables to a text file on the hub and changes the data state', async () => {
  const s = await setup();
  try {
    const saved = (
      await s.app.inject({ method: 'POST', url: '/api/save', headers: { 'x-airtrace': '1' } })
    ).json() as {
      path: string;
      savedAt: number;
    };
    assert.ok(saved.path.startsWith(s.dir));
    const text = readFileSync(saved.path, 'utf8');
    assert.match(text, /Wi-Fi \(2 devices\)/);
    assert.match(text, /Bluetooth \(1 devices\)/);
    const summary = (await s.app.inject({ url: '/api/summary' })).json() as ApiSummary;
    assert.equal(summary.data.path, saved.path);
    assert.equal((await s.app.inject({ url: '/api/export/saved.txt' })).body, text);
  } finally {
    await s.close();
  }
});

test('reset time zeroes minutes spent', async () => {
  const s = await setup();
  try {
    await s.app.inject({ method: 'POST', url: '/api/reset-time', headers: { 'x-airtrace': '1' } });
    const summary = (await s.app.inject({ url: '/api/summary' })).json() as ApiSummary;
    assert.equal(summary.totals.averageMinutesSpent, 0);
    assert.equal(summary.totals.devices, 3);
  } finally {
    await s.close();
  }
});

test('exports and Save data survive any stored row, even one from a broken clock', async () => {
  const s = await setup();
  try {
    // Straight into the store, past every check a hub makes: what an old version may have left.
    await s.hub.store.writeWindow([
      window(1080, [{ ...device('zz', ['wild']), firstSeen: -1e20, lastSeen: 1e20 }]),
    ]);
    for (const name of ['wifi.csv', 'wifi.json', 'windows.csv', 'windows.json']) {
      const response = await s.app.inject({ url: `/api/export/${name}` });
      assert.equal(response.statusCode, 200, `${name}: ${response.body.slice(0, 200)}`);
    }
    const save = await s.app.inject({ method: 'POST', url: '/api/save', headers: { 'x-airtrace': '1' } });
    assert.equal(save.statusCode, 200, save.body);
    assert.equal((await s.app.inject({ url: '/api/devices/wifi' })).statusCode, 200);
  } finally {
    await s.close();
  }
});
