/**
 * A sensor's BLE watchdog count rides on its retained status over the real Mosquitto: the hub's
 * subscriber hands it on, and the heartbeat repeats the latest count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TransportStatus } from '../../../src/adapters/transport/transport.ts';
import { MQTT_URL, SKIP_NO_MQTT } from './mosquittoProcess.ts';
import { mqttHarness } from './mqttHarness.ts';
import { waitFor } from './realWindows.ts';

test('MQTT: the status carries the BLE watchdog restarts to the hub', { skip: SKIP_NO_MQTT }, async () => {
  const harness = mqttHarness(MQTT_URL);
  const hub = harness.subscriber();
  const statuses: TransportStatus[] = [];
  hub.onStatus((s) => {
    statuses.push(s);
  });
  await hub.start();
  const sensor = harness.publisher('pi-ble');
  try {
    await sensor.start();
    await sensor.publishStatus({ sensorId: 'pi-ble', scanning: true, at: 1_700_000_000, bleRestarts: 2 });
    await waitFor('the status with its count', () => statuses.some((s) => s.bleRestarts === 2));
    // A later status that does not say (a duty-cycle flip) keeps the count the sensor last gave.
    await sensor.publishStatus({ sensorId: 'pi-ble', scanning: false, at: 1_700_000_010 });
    await waitFor('the next status', () => statuses.some((s) => s.scanning === false && s.online));
    const last = statuses.filter((s) => s.online).at(-1)!;
    assert.equal(last.bleRestarts, 2);
    assert.equal(last.sensorId, 'pi-ble');
  } finally {
    await sensor.stop();
    await hub.stop();
    await harness.close();
  }
});
