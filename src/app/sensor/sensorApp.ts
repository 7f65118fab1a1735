import { join } from 'node:path';
import type { AirtraceConfig } from '../../config/config.ts';
import { ConfigError } from '../../config/loadConfig.ts';
import { MqttWindowPublisher } from '../../adapters/transport/mqttPublisher.ts';
import { FileOutbox } from '../../adapters/transport/outbox.ts';
import { brokerOptions, requireMqtt, topicScope } from '../setup/mqttSettings.ts';
import { Sensor } from './sensor.ts';
import { siteKeyFromConfigOrKeyFile } from '../setup/siteKeyFromConfig.ts';

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
  const mqtt = requireMqtt(config, 'sensor');
  if (config.site.key === undefined) {
    // Each sensor would make up its own key, and one device would have a different id at each.
    throw new ConfigError(
      'the sensors of a site must share site.key, or one device gets a different id at each sensor: ' +
        'generate one with `openssl rand -hex 32` and put it under site: in the config of every sensor',
    );
  }
  const sensorId = config.sensor.id;
  const publisher = new MqttWindowPublisher({
    broker: brokerOptions(mqtt),
    scope: topicScope(config, mqtt),
    sensorId,
    outbox: new FileOutbox({ dir: join(config.dataDir, 'outbox', sensorId) }),
    log,
  });
  await publisher.start();
  const sensor = new Sensor({
    sensorId,
    windowSeconds: config.windowSeconds,
    siteKey: siteKeyFromConfigOrKeyFile(config),
    wifi: config.sensor.wifi,
    bluetooth: config.sensor.bluetooth.enabled ? { adapter: config.sensor.bluetooth.adapter } : null,
    scan: config.sensor.scan,
    ...(config.positioning.enabled ? { positioningWindowSeconds: config.positioning.windowSeconds } : {}),
    publisher: {
      publishWindow: (summary) =>
        void publisher.publishWindow(summary).catch((e: Error) => log(`outbox: ${e.message}`)),
      publishStatus: (status) =>
        void publisher.publishStatus(status).catch((e: Error) => log(`status: ${e.message}`)),
    },
    log,
  });
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
