import type { AirtraceConfig } from '../../config/config.ts';
import { forwardToBus } from '../../adapters/transport/busBridge.ts';
import type { InProcessBus } from '../../adapters/transport/inProcessBus.ts';
import { MqttWindowSubscriber } from '../../adapters/transport/mqttSubscriber.ts';
import type { Hub } from './hub.ts';
import { brokerOptions, requireMqtt, topicScope } from '../setup/mqttSettings.ts';

/**
 * Feeds the hub from MQTT: each window is acknowledged to the broker only once it is stored, with
 * a persistent session, so a hub killed mid-stream gets the rest again when it comes back.
 */
export function mqttHubSource(config: AirtraceConfig, log: (line: string) => void) {
  const mqtt = requireMqtt(config, 'hub');
  return async (bus: InProcessBus, hub: Hub): Promise<() => Promise<void>> => {
    const subscriber = new MqttWindowSubscriber({
      broker: brokerOptions(mqtt),
      scope: topicScope(config, mqtt),
      clientId: `airtrace-hub-${config.site.id}`,
      connections: mqtt.hubConnections,
      log,
    });
    const detach = forwardToBus(subscriber, bus, (summary) => hub.ingest.stored(summary));
    hub.addMetrics(() => [
      {
        name: 'airtrace_mqtt_messages_rejected_total',
        help: 'MQTT messages refused, by reason',
        type: 'counter',
        value: Object.values(subscriber.counters.rejected).reduce((a, b) => a + b, 0),
      },
      ...Object.entries(subscriber.counters.rejected).map(([reason, n]) => ({
        name: 'airtrace_mqtt_messages_rejected_by_reason_total',
        help: 'MQTT messages refused',
        type: 'counter' as const,
        value: n,
        labels: { reason },
      })),
      {
        name: 'airtrace_mqtt_connects_total',
        help: 'Connections made to the broker',
        type: 'counter',
        value: subscriber.counters.connects,
      },
    ]);
    await subscriber.start();
    return async () => {
      detach();
      await subscriber.stop();
    };
  };
}
