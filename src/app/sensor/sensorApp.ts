import type { AirtraceConfig } from '../../config/config.ts';
import { ConfigError } from '../../config/loadConfig.ts';
import type { MqttWindowPublisher } from '../../adapters/transport/mqttPublisher.ts';
import { requireMqtt } from '../setup/mqttSettings.ts';
import { mqttPublisherFromConfig } from '../setup/mqttTransports.ts';
import { Sensor } from './sensor.ts';
import { sensorOptionsFromConfig } from './sensorOptionsFromConfig.ts';

export interface RunningSensor {
  sensor: Sensor;
  publisher: MqttWindowPublisher;
  stop(): Promise<void>;
}

/**
 * `airtrace sensor`: capture, window, hash and publish over MQTT. Every window goes through an
 * on-disk outbox first, so a broker or network outage loses nothing; the hub ignores copies.
 */
export async function startSensorApp(
  config: AirtraceConfig,
  log: (line: string) => void,
): Promise<RunningSensor> {
  requireMqtt(config, 'sensor');
  if (config.site.key === undefined) {
    // Each sensor would make up its own key, and one device would have a different id at each.
    throw new ConfigError(
      'the sensors of a site must share site.key, or one device gets a different id at each sensor: ' +
        'generate one with `openssl rand -hex 32` and put it under site: in the config of every sensor',
    );
  }
  const publisher = mqttPublisherFromConfig(config, log);
  await publisher.start();
  const sensor = new Sensor(sensorOptionsFromConfig(config, publisher, log));
  sensor.start();
  return {
    sensor,
    publisher,
    async stop() {
      await sensor.stop();
      await publisher
        .drained(5000)
        .catch(() =>
          log(
            `stopping with ${publisher.counters.outboxDepth} windows in the outbox; they are sent on the next start`,
          ),
        );
      await publisher.stop();
    },
  };
}
