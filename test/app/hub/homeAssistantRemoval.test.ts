/**
 * Home Assistant entities that go away, through the real Mosquitto: a zone removed from the
 * zones model loses its configs and state at once (empty retained payloads), and a sensor
 * removed from the site file while the hub was down is removed once the hub has run a while.
 * Zones come from a list the test sets, where the zones model will plug in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHubApp } from '../../../src/app/hub/hubApp.ts';
import { validateConfig } from '../../../src/config/config.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { InProcessTransport } from '../../../src/adapters/transport/inProcessTransport.ts';
import { ManualClock } from '../../helpers/manualClock.ts';
import { SKIP_NO_MQTT } from '../../adapters/transport/mosquittoProcess.ts';
import {
  Observer,
  SITE_SENSORS,
  ZoneList,
  haSite,
  renderTemplate,
  retainedNow,
  until,
  writeSiteFile,
} from './homeAssistantRig.ts';

const T0 = 1_700_000_040;

test(
  'zones: people and occupancy per zone; a zone that goes, and a sensor gone from the site file, are removed',
  { skip: SKIP_NO_MQTT },
  async () => {
    const site = haSite();
    const { siteId, discoveryPrefix: dp } = site;
    const node = `airtrace_${siteId}`;
    const observer = await Observer.start([`${dp}/#`, `airtrace/${siteId}/homeassistant/#`]);
    const zones = new ZoneList([
      { name: 'Kitchen', people: 2 },
      { name: 'Main Hall', people: 0 },
    ]);
    const clock = new ManualClock(T0);
    const start = (config: typeof site.config) =>
      startHubApp({
        config,
        store: new SqliteStore(config.hub.db),
        subscriber: new InProcessTransport(clock).subscriber,
        log: () => {},
        clock,
        zones,
      });
    let running = await start(site.config);
    try {
      await running.homeAssistant!.ready;
      await running.homeAssistant!.settled();
      const zoneTopic = (zone: string, kind: 'people' | 'occupancy') =>
        observer
          .topics(`${dp}/`)
          .find((t) => new RegExp(`/${node}/zone_${zone}_[0-9a-f]{6}_${kind}/config$`).test(t));
      await until('the zone configs', () => zoneTopic('main_hall', 'occupancy') !== undefined);
      const kitchenPeople = observer.json(zoneTopic('kitchen', 'people')!);
      const kitchenOccupancy = observer.json(zoneTopic('kitchen', 'occupancy')!);
      assert.equal(kitchenPeople['name'], 'Kitchen people');
      assert.equal(kitchenPeople['unit_of_measurement'], 'people');
      assert.equal(kitchenPeople['state_class'], 'measurement');
      assert.equal(kitchenOccupancy['name'], 'Kitchen occupancy');
      assert.equal(kitchenOccupancy['device_class'], 'occupancy');
      assert.equal(kitchenOccupancy['payload_on'], 'ON');
      assert.equal(kitchenOccupancy['payload_off'], 'OFF');
      assert.equal(kitchenOccupancy['state_topic'], kitchenPeople['state_topic']);
      assert.deepEqual(kitchenOccupancy['availability'], [
        { topic: `airtrace/${siteId}/homeassistant/availability` },
      ]);
      const read = (config: Record<string, unknown>) =>
        renderTemplate(
          config['value_template'] as string,
          observer.payload(config['state_topic'] as string) ?? '{}',
        );
      await until(
        'the zone states',
        () => observer.payload(kitchenPeople['state_topic'] as string) !== undefined,
      );
      assert.equal(read(kitchenPeople), '2');
      assert.equal(read(kitchenOccupancy), 'ON');
      const hall = observer.json(zoneTopic('main_hall', 'occupancy')!);
      await until('the hall state', () => observer.payload(hall['state_topic'] as string) !== undefined);
      assert.equal(read(hall), 'OFF');

      // Everyone leaves the kitchen.
      zones.set([
        { name: 'Kitchen', people: 0 },
        { name: 'Main Hall', people: 3 },
      ]);
      await until('the kitchen empty', () => read(kitchenOccupancy) === 'OFF');
      await until('the hall busy', () => read(hall) === 'ON');

      // The hall is taken out of the zones: its two configs and its state go, the kitchen's stay.
      const hallTopics = [zoneTopic('main_hall', 'people')!, zoneTopic('main_hall', 'occupancy')!];
      zones.set([{ name: 'Kitchen', people: 1 }]);
      await until('the hall removed', () => hallTopics.every((t) => observer.payload(t) === ''));
      await until('the hall state cleared', () => observer.payload(hall['state_topic'] as string) === '');
      const retained = await retainedNow(`${dp}/#`);
      for (const t of hallTopics) assert.equal(retained.has(t), false, `${t} is gone from the broker`);
      assert.ok(retained.has(zoneTopic('kitchen', 'people')!));
      assert.ok(retained.has(zoneTopic('kitchen', 'occupancy')!));

      // Connectivity entities for the three sensors of the site file.
      const before = await retainedNow(`${dp}/binary_sensor/${node}/+/config`);
      const kitchenNode = [...before.keys()].find((t) => t.includes('esp_kitchen'));
      assert.ok(kitchenNode, 'the ESPresense node has its entity');
      assert.equal([...before.keys()].filter((t) => t.includes('_connectivity')).length, 3);

      // The node is taken out of the site file while the hub is down.
      await running.stop();
      writeSiteFile(
        site.siteFile,
        SITE_SENSORS.filter((s) => s.id !== 'esp-kitchen'),
        false,
      );
      const checked = validateConfig({
        ...site.config,
        espresense: { enabled: false, topicPrefix: 'espresense' },
      });
      assert.ok(checked.ok);
      running = await start(checked.config);
      await running.homeAssistant!.ready;
      await running.homeAssistant!.settled();
      // Until three windows have passed, it might still be a sensor that has not spoken yet.
      assert.ok((await retainedNow(`${dp}/#`)).has(kitchenNode));
      await clock.advanceByAsync(3 * 60 + 1, 5);
      await until('the node removed', () => observer.payload(kitchenNode) === '');
      const after = await retainedNow(`${dp}/#`);
      assert.equal(after.has(kitchenNode), false);
      assert.equal(
        [...after.keys()].filter((t) => t.includes('_connectivity')).length,
        2,
        'the other sensors stay',
      );
      assert.ok(after.has(`${dp}/sensor/${node}/people/config`), 'the site entities stay');
      assert.ok(after.has(zoneTopic('kitchen', 'people')!), 'the zones stay');
    } finally {
      await running.stop();
      await observer.stop();
      const cleaner = await Observer.start([]);
      for (const filter of [`${dp}/#`, `airtrace/${siteId}/#`])
        for (const [topic] of await retainedNow(filter)) await cleaner.publish(topic, '', true);
      await cleaner.stop();
    }
  },
);
