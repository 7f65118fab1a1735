import { readFileSync } from 'node:fs';
import type { AirtraceConfig } from '../../config/config.ts';
import { ConfigError } from '../../config/loadConfig.ts';
import type { MqttBrokerOptions } from '../../adapters/transport/mqttBroker.ts';
import type { TopicScope } from '../../adapters/transport/topics.ts';

type MqttConfig = NonNullable<AirtraceConfig['mqtt']>;

function pem(path: string | undefined, what: string): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`mqtt.tls.${what}: cannot read ${path}: ${(error as Error).message}`);
  }
}

export function requireMqtt(config: AirtraceConfig, command: string): MqttConfig {
  if (config.mqtt === undefined) {
    throw new ConfigError(
      `airtrace ${command} talks to an MQTT broker: pass --mqtt mqtt://host:1883 or set mqtt.url in the config`,
    );
  }
  return config.mqtt;
}

export function brokerOptions(mqtt: MqttConfig): MqttBrokerOptions {
  const options: MqttBrokerOptions = { url: mqtt.url };
  if (mqtt.username !== undefined) options.username = mqtt.username;
  if (mqtt.password !== undefined) options.password = mqtt.password;
  if (mqtt.tls !== undefined) {
    const tls: NonNullable<MqttBrokerOptions['tls']> = { rejectUnauthorized: mqtt.tls.rejectUnauthorized };
    const ca = pem(mqtt.tls.ca, 'ca');
    const cert = pem(mqtt.tls.cert, 'cert');
    const key = pem(mqtt.tls.key, 'key');
    if (ca !== undefined) tls.ca = ca;
    if (cert !== undefined) tls.cert = cert;
    if (key !== undefined) tls.key = key;
    options.tls = tls;
  }
  return options;
}

export function topicScope(config: AirtraceConfig, mqtt: MqttConfig): TopicScope {
  return { prefix: mqtt.topicPrefix, site: config.site.id };
}

/** The broker URL for logs and messages: user and password left out. */
export function displayBrokerUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}
