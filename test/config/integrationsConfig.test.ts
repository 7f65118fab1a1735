import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../src/config/config.ts';
import { espresenseRoomProblems } from '../../src/config/espresenseSite.ts';
import { validateSite } from '../../src/config/site.ts';

test('homeAssistant and espresense: off by default, with the usual prefixes', () => {
  const r = validateConfig({});
  assert.ok(r.ok);
  assert.deepEqual(r.config.homeAssistant, { enabled: false, discoveryPrefix: 'homeassistant' });
  assert.deepEqual(r.config.espresense, { enabled: false, topicPrefix: 'espresense' });
  assert.equal(r.config.sensor.bluetooth.watchdogSeconds, 300);
});

test('prefixes with wildcards or empty levels are refused, every one listed with a hint', () => {
  const r = validateConfig({
    homeAssistant: { enabled: true, discoveryPrefix: 'home/+/assistant' },
    espresense: { topicPrefix: 'espresense/' },
    sensor: { bluetooth: { watchdogSeconds: -1 } },
  });
  assert.ok(!r.ok);
  assert.deepEqual(r.issues.map((i) => i.path).sort(), [
    'espresense.topicPrefix',
    'homeAssistant.discoveryPrefix',
    'sensor.bluetooth.watchdogSeconds',
  ]);
  assert.match(
    r.issues.find((i) => i.path === 'homeAssistant.discoveryPrefix')!.hint,
    /normally homeassistant/,
  );
});

test('site file: the espresense section maps rooms to listed sensors, once each', () => {
  const site = {
    sensors: [
      { id: 'esp-kitchen', x: 0, y: 0, z: 1 },
      { id: 'ESP-Hall', x: 5, y: 0, z: 1 },
    ],
    bounds: [0, 0, 10, 10],
    espresense: {
      rooms: { kitchen: 'esp-kitchen', hall: 'esp-hall', garage: 'esp-garage', pantry: 'esp-kitchen' },
    },
  };
  const v = validateSite(site);
  assert.ok(v.ok, 'the shape is valid');
  const problems = espresenseRoomProblems(
    v.site.espresense!,
    v.site.sensors.map((s) => s.id),
  );
  assert.deepEqual(
    problems.map((p) => [p.path, p.message]),
    [
      ['espresense.rooms.garage', 'sensor "esp-garage" is not in sensors'],
      ['espresense.rooms.pantry', 'sensor "esp-kitchen" is also room kitchen\'s'],
    ],
  );
  const bad = validateSite({ ...site, espresense: { rooms: { 'living room': 'esp-kitchen' }, extra: 1 } });
  assert.ok(!bad.ok);
  assert.deepEqual(bad.errors.map((e) => e.path).sort(), ['espresense', 'espresense.rooms.living room']);
});

test('the hub refuses ESPresense it cannot wire, saying what is missing (every mapping problem listed)', async () => {
  const { espresenseSubscriberFromConfig } = await import('../../src/app/setup/espresenseFromConfig.ts');
  const { ConfigError } = await import('../../src/config/loadConfig.ts');
  const key = new Uint8Array(32);
  const noMqtt = validateConfig({ espresense: { enabled: true }, hub: { siteFile: 'site.json' } });
  assert.ok(noMqtt.ok);
  assert.throws(() => espresenseSubscriberFromConfig(noMqtt.config, undefined, key, () => {}), ConfigError);
  assert.throws(
    () => espresenseSubscriberFromConfig(noMqtt.config, undefined, key, () => {}),
    /set mqtt\.url or pass --mqtt/,
  );
  const noSite = validateConfig({ espresense: { enabled: true }, mqtt: { url: 'mqtt://127.0.0.1:1' } });
  assert.ok(noSite.ok);
  assert.throws(
    () => espresenseSubscriberFromConfig(noSite.config, undefined, key, () => {}),
    /set hub\.siteFile/,
  );
  const v = validateSite({
    sensors: [{ id: 'esp-a', x: 0, y: 0, z: 1 }],
    bounds: [0, 0, 5, 5],
    espresense: { rooms: { a: 'esp-a', b: 'esp-b', c: 'esp-c' } },
  });
  assert.ok(v.ok);
  const positioning = {
    site: v.site,
    positioningSite: { sensors: [], bounds: [0, 0, 5, 5] as [number, number, number, number] },
    siteDir: '.',
    windowSeconds: 2,
  };
  assert.throws(
    () =>
      espresenseSubscriberFromConfig(
        { ...noSite.config, hub: { ...noSite.config.hub, siteFile: 'site.json' } },
        positioning,
        key,
        () => {},
      ),
    (error: Error) =>
      /2 problem\(s\)/.test(error.message) &&
      /rooms\.b/.test(error.message) &&
      /rooms\.c/.test(error.message),
  );
  const defaults = validateConfig({});
  assert.ok(defaults.ok);
  assert.equal(
    espresenseSubscriberFromConfig(defaults.config, undefined, key, () => {}),
    undefined,
    'off by default',
  );
});
