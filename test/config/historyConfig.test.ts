import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../src/config/config.ts';

test('history config: 30 days of raw data by default, a known time zone, visitor thresholds at histogram edges', () => {
  const defaults = validateConfig({});
  assert.ok(defaults.ok);
  assert.equal(defaults.config.hub.retentionDays, 30);
  assert.deepEqual(
    { minutes: defaults.config.hub.history.visitorMinutes, rssi: defaults.config.hub.history.visitorRssi },
    { minutes: 5, rssi: -80 },
  );
  const prague = validateConfig({ hub: { history: { timeZone: 'Europe/Prague', visitorMinutes: 15 } } });
  assert.ok(prague.ok && prague.config.hub.history.timeZone === 'Europe/Prague');

  const bad = validateConfig({
    hub: { history: { timeZone: 'Mars/Olympus', visitorMinutes: 7, visitorRssi: -81 } },
  });
  assert.ok(!bad.ok);
  assert.deepEqual(
    bad.issues.map((i) => i.path),
    ['hub.history.timeZone'],
    'schema errors come first; the threshold check runs on a valid schema',
  );
  assert.match(bad.issues[0]!.hint, /Europe\/Prague/);
  const off = validateConfig({ hub: { history: { visitorMinutes: 7 } } });
  assert.ok(!off.ok);
  assert.equal(off.issues[0]!.path, 'hub.history.visitorMinutes');
  assert.match(off.issues[0]!.message, /2, 5, 10, 15, 30, 60, 120, 240, 480/);
});
