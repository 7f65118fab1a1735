import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { MqttWindowPublisher } from '../../../src/adapters/transport/mqttPublisher.ts';
import { MqttWindowSubscriber } from '../../../src/adapters/transport/mqttSubscriber.ts';
import { FileOutbox } from '../../../src/adapters/transport/outbox.ts';
import { hubStatusTopic, sensorTopic } from '../../../src/adapters/transport/topics.ts';

/** A site of its own per test, so runs on one broker never see each other's messages. */
export function mqttHarness(url: string) {
  const site = `test-${randomBytes(6).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-mqtt-'));
  const sensors = new Set<string>();
  return {
    site,
    publisher: (sensorId: string) => {
      sensors.add(sensorId);
      return new MqttWindowPublisher({
        broker: { url },
        scope: { site },
        sensorId,
        outbox: new FileOutbox({ dir: join(dir, sensorId) }),
      });
    },
    subscriber: (connections = 1) =>
      new MqttWindowSubscriber({
        broker: { url },
        scope: { site },
        clientId: `airtrace-test-hub-${site}`,
        persistentSession: false,
        retryDelayMs: 100,
        connections,
      }),
    /** Registers a sensor whose retained status `close()` clears. */
    track: (sensorId: string) => void sensors.add(sensorId),
    /** Clears the retained statuses the test left on the broker. */
    close: async () => {
      const client = await connectAsync(url, { reconnectPeriod: 0 });
      for (const id of sensors)
        await client.publishAsync(sensorTopic({ site }, id, 'status'), '', { qos: 1, retain: true });
      await client.publishAsync(hubStatusTopic({ site }), '', { qos: 1, retain: true });
      await client.endAsync();
    },
  };
}
