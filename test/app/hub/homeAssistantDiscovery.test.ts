/**
 * Home Assistant discovery through the real Mosquitto, as `airtrace hub` composes it: an MQTT
 * sensor sends windows, and what Home Assistant would receive is checked field by field: the
 * retained configs, the states their templates read, availability with the hub's last will,
 * each sensor's connectivity from its own last will, and everything sent again when Home
 * Assistant says it is back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startHubApp } from '../../../src/app/hub/hubApp.ts';
import { mqttSubscriberFromConfig } from '../../../src/app/setup/mqttTransports.ts';
import { SqliteStore } from '../../../src/adapters/storage/sqlite/sqliteStore.ts';
import { MqttWindowPublisher } from '../../../src/adapters/transport/mqttPublisher.ts';
import { FileOutbox } from '../../../src/adapters/transport/outbox.ts';
import { hubStatusTopic } from '../../../src/adapters/transport/topics.ts';
import { ManualClock } from '../../helpers/manualClock.ts';
import { MQTT_URL, SKIP_NO_MQTT } from '../../adapters/transport/mosquittoProcess.ts';
import { syntheticWindow } from '../../adapters/transport/realWindows.ts';
import { Observer, haSite, renderTemplate, retainedNow, until } from './homeAssistantRig.ts';

const T0 = 1_700_000_040;

test(
  'discovery configs and states as Home Assistant reads them, availability, connectivity, and republish on its birth',
  { skip: SKIP_NO_MQTT },
  async () => {
    const site = haSite();
    const { config, siteId, discoveryPrefix: dp, espresensePrefix } = site;
    const node = `airtrace_${siteId}`;
    const stateRoot = `airtrace/${siteId}/homeassistant`;
    const observer = await Observer.start([`${dp}/#`, `airtrace/${siteId}/#`, `${espresensePrefix}/#`]);
    const clock = new ManualClock(T0 + 100);
    const store = new SqliteStore(config.hub.db);
    const log: string[] = [];
    const running = await startHubApp({
      config,
      store,
      subscriber: mqttSubscriberFromConfig(config, (l) => log.push(l)),
      hubStatusTopic: hubStatusTopic({ site: siteId }),
      log: (l) => log.push(l),
      clock,
    });
    const ha = running.homeAssistant!;
    const sensor = new MqttWindowPublisher({
      broker: { url: MQTT_URL },
      scope: { site: siteId },
      sensorId: 'pi-entrance',
      outbox: new FileOutbox({ dir: join(site.dir, 'outbox') }),
    });
    try {
      await ha.ready;
      await observer.publish(`${espresensePrefix}/rooms/kitchen/status`, 'online', true);
      await sensor.start();
      await sensor.publishStatus({ sensorId: 'pi-entrance', scanning: true, at: T0 });
      // Two windows with the same fixed-address phones: a stay of two minutes, and visitors.
      await sensor.publishWindow(syntheticWindow('pi-entrance', T0 - 60, 9));
      await sensor.publishWindow(syntheticWindow('pi-entrance', T0, 9));
      await sensor.drained(10_000);
      await running.hub.settled();
      await ha.settled();

      const people = `${dp}/sensor/${node}/people/config`;
      await until('the site state', () => observer.payload(`${stateRoot}/site`) !== undefined);
      await until('the pi-entrance connectivity', () =>
        observer.topics(`${dp}/binary_sensor/`).some((t) => t.includes('pi_entrance')),
      );

      // ---- configs, field by field ----------------------------------------------------------
      const availability = [
        { topic: `${stateRoot}/availability` },
        {
          topic: `airtrace/${siteId}/hub`,
          value_template: "{{ 'online' if value_json.online else 'offline' }}",
        },
      ];
      const device = {
        identifiers: [node],
        name: 'airtrace Main Venue',
        manufacturer: 'airtrace',
        model: 'hub',
        sw_version: '0.1.0',
      };
      const origin = {
        name: 'airtrace',
        sw_version: '0.1.0',
        support_url: 'https://github.com/airtrace/airtrace',
      };
      assert.deepEqual(observer.json(people), {
        unique_id: `${node}_people`,
        default_entity_id: `sensor.${node}_people`,
        has_entity_name: true,
        origin,
        device,
        name: 'People',
        state_topic: `${stateRoot}/site`,
        availability,
        availability_mode: 'all',
        value_template: '{{ value_json.people }}',
        unit_of_measurement: 'people',
        state_class: 'measurement',
        icon: 'mdi:account-group',
        json_attributes_topic: `${stateRoot}/site/people`,
      });
      assert.equal(
        observer.seen.get(people)!.retained,
        false,
        'live delivery; retained on the broker (below)',
      );
      const wifi = observer.json(`${dp}/sensor/${node}/wifi_devices/config`);
      assert.equal(wifi['unit_of_measurement'], 'devices');
      assert.equal(wifi['state_class'], 'measurement');
      assert.equal(wifi['value_template'], '{{ value_json.wifi_devices }}');
      assert.equal(
        observer.json(`${dp}/sensor/${node}/ble_devices/config`)['value_template'],
        '{{ value_json.ble_devices }}',
      );
      const visitors = observer.json(`${dp}/sensor/${node}/visitors_today/config`);
      assert.equal(visitors['state_class'], 'total');
      assert.equal(visitors['last_reset_value_template'], '{{ value_json.day_start }}');
      assert.equal(visitors['unit_of_measurement'], 'people');

      const connectivity = observer.topics(`${dp}/binary_sensor/${node}/`);
      assert.equal(connectivity.length, 3, connectivity.join(', '));
      for (const topic of connectivity)
        assert.match(
          topic,
          new RegExp(`^${dp}/binary_sensor/${node}/sensor_[a-z0-9_]+_connectivity/config$`),
        );
      const entrance = observer.json(connectivity.find((t) => t.includes('pi_entrance'))!);
      assert.equal(entrance['device_class'], 'connectivity');
      assert.equal(entrance['entity_category'], 'diagnostic');
      assert.equal(
        entrance['state_topic'],
        `airtrace/${siteId}/pi-entrance/status`,
        "the sensor's own last will",
      );
      assert.equal(entrance['availability'], undefined, 'its own status says it all, with the hub down too');
      assert.deepEqual(entrance['device'], {
        identifiers: [
          `${node}_sensor_${(entrance['unique_id'] as string).slice(node.length + 8, -'_connectivity'.length)}`,
        ],
        name: 'airtrace sensor Entrance',
        manufacturer: 'airtrace',
        model: 'sensor',
        via_device: node,
      });
      const kitchen = observer.json(connectivity.find((t) => t.includes('esp_kitchen'))!);
      assert.equal(kitchen['state_topic'], `${espresensePrefix}/rooms/kitchen/status`);
      assert.equal(kitchen['payload_on'], 'online');
      assert.equal(kitchen['payload_off'], 'offline');
      assert.equal((kitchen['device'] as { manufacturer: string }).manufacturer, 'ESPresense');

      // No device id, and no address (the sensor named by its MAC), in any topic or entity.
      const everything = [...observer.seen]
        .filter(([t]) => t.startsWith(dp))
        .map(([t, s]) => `${t}\n${s.payload}`)
        .join('\n');
      assert.ok(!/e4956e410ac2|e4:95:6e/i.test(everything), 'the MAC-named sensor is hashed and redacted');
      const stored = await store.devices({ medium: 'wifi' });
      assert.ok(stored.total > 0);
      for (const d of stored.rows) assert.ok(!everything.includes(d.deviceId), 'no device id');

      // ---- states, read through the configs' templates ------------------------------------
      const latest = (await store.latestWindow())!;
      assert.equal(latest.windowStart, T0);
      assert.ok(latest.people !== null, 'the counting model estimated the window');
      const shown = String(Math.round(latest.people.estimate * 10) / 10);
      await until(
        'the state with the newest estimate',
        () => renderTemplate('{{ value_json.people }}', observer.payload(`${stateRoot}/site`)!) === shown,
      );
      const siteState = observer.payload(`${stateRoot}/site`)!;
      assert.equal(renderTemplate(wifi['value_template'] as string, siteState), String(latest.wifiDevices));
      assert.equal(
        renderTemplate('{{ value_json.ble_devices }}', siteState),
        String(latest.bluetoothDevices),
      );
      const totals = await store.totals();
      const windowsToday = await store.windows(T0 - 60, T0 + 60);
      const personMinutes = windowsToday.reduce((sum, w) => sum + (w.people?.estimate ?? 0), 0);
      assert.ok(totals.meanStayMinutes !== null && totals.meanStayMinutes > 0);
      assert.equal(
        Number(renderTemplate(visitors['value_template'] as string, siteState)),
        Math.round((personMinutes / totals.meanStayMinutes) * 10) / 10,
      );
      const midnight = new Date(clock.now() * 1000);
      midnight.setHours(0, 0, 0, 0);
      assert.equal(renderTemplate('{{ value_json.day_start }}', siteState), midnight.toISOString());
      assert.deepEqual(observer.json(`${stateRoot}/site/people`), {
        low: Math.round(latest.people.low * 10) / 10,
        high: Math.round(latest.people.high * 10) / 10,
        provisional: !latest.people.final,
        method: 'model',
        window_start: new Date(T0 * 1000).toISOString(),
      });
      // Availability: both topics say online, so Home Assistant shows the entities.
      for (const a of availability) {
        const value =
          a.value_template === undefined
            ? observer.payload(a.topic)!
            : renderTemplate(a.value_template, observer.payload(a.topic)!);
        assert.equal(value, 'online', a.topic);
      }
      // Connectivity, through each config's own template and payloads.
      assert.equal(
        renderTemplate(
          entrance['value_template'] as string,
          observer.payload(entrance['state_topic'] as string)!,
        ),
        'ON',
      );
      assert.equal(observer.payload(kitchen['state_topic'] as string), kitchen['payload_on']);

      // ---- everything is retained on the broker, for a Home Assistant that starts later -------
      const retained = await retainedNow(`${dp}/#`);
      assert.deepEqual(
        [...retained.keys()].sort(),
        observer.topics(`${dp}/`).filter((t) => t.endsWith('/config')),
      );
      assert.equal(retained.get(people), observer.payload(people));

      // ---- Home Assistant restarts: its birth message brings every config and state again ----
      const before = new Map([...observer.seen].map(([t, s]) => [t, s.count]));
      await observer.publish(`${dp}/status`, 'offline');
      await observer.publish(`${dp}/status`, 'online');
      const configs = observer.topics(`${dp}/`).filter((t) => t.endsWith('/config'));
      assert.equal(configs.length, 7, configs.join(', '));
      await until('every config again', () =>
        configs.every((t) => observer.seen.get(t)!.count === before.get(t)! + 1),
      );
      await until(
        'the states again',
        () => observer.seen.get(`${stateRoot}/site`)!.count === before.get(`${stateRoot}/site`)! + 1,
      );
      assert.ok(log.some((l) => /Home Assistant came online/.test(l)));
      assert.equal(
        log.filter((l) => /Home Assistant came online/.test(l)).length,
        1,
        '"offline" asks for nothing',
      );

      // ---- the sensor stops: its last will (a clean goodbye here) turns it OFF --------------
      await sensor.stop();
      await until(
        'the sensor offline',
        () =>
          renderTemplate(
            entrance['value_template'] as string,
            observer.payload(entrance['state_topic'] as string)!,
          ) === 'OFF',
      );
    } finally {
      await sensor.stop();
      await running.stop();
      await observer.publish(`${espresensePrefix}/rooms/kitchen/status`, '', true);
      await observer.publish(`airtrace/${siteId}/pi-entrance/status`, '', true);
      await observer.publish(`airtrace/${siteId}/hub`, '', true);
      await observer.stop();
    }
    // The hub said goodbye: Home Assistant marks the site's entities unavailable.
    const after = await retainedNow(`airtrace/${siteId}/homeassistant/availability`);
    assert.equal(after.get(`airtrace/${siteId}/homeassistant/availability`), 'offline');
    const cleaner = await Observer.start([]);
    for (const filter of [`${dp}/#`, `airtrace/${siteId}/#`])
      for (const [topic] of await retainedNow(filter)) await cleaner.publish(topic, '', true);
    await cleaner.stop();
  },
);
