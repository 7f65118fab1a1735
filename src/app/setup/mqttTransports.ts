import { join } from 'node:path';
import type { AirtraceConfig } from '../../config/config.ts';
import { MqttWindowPublisher } from '../../adapters/transport/mqttPublisher.ts';
import { MqttWindowSubscriber } from '../../adapters/transport/mqttSubscriber.ts';
import { FileOutbox } from '../../adapters/transport/outbox.ts';
import { brokerOptions, requireMqtt, topicScope } from './mqttSettings.ts';

/**
 * The hub's end of MQTT: each window is acknowledged to the broker only once stored, with a
 * persistent session, so a hub killed mid-stream gets the rest again when it comes back.
 */
export function mqttSubscriberFromConfig(
  config: AirtraceConfig,
  log: (line: string) => void,
): MqttWindowSubscriber {
  const mqtt = requireMqtt(config, 'hub');
  return new MqttWindowSubscriber({
    broker: brokerOptions(mqtt),
    scope: topicScope(config, mqtt),
    clientId: `airtrace-hub-${config.site.id}`,
    connections: mqtt.hubConnections,
    log,
  });
}

/** A sensor's end of MQTT, with its on-disk outbox in `<dataDir>/outbox/<sensor>`. */
export function mqttPublisherFromConfig(
  config: AirtraceConfig,
  log: (line: string) => void,
): MqttWindowPublisher {
  const mqtt = requireMqtt(config, 'sensor');
  const sensorId = config.sensor.id;
  return new MqttWindowPublisher({
    broker: brokerOptions(mqtt),
    scope: topicScope(config, mqtt),
    sensorId,
    outbox: new FileOutbox({ dir: join(config.dataDir, 'outbox', sensorId) }),
    log,
  });
}
