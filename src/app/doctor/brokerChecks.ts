import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import type { AirtraceConfig } from '../../config/config.ts';
import { mqttClientOptions, mqttConnect } from '../../adapters/transport/mqttBroker.ts';
import { brokerOptions, displayBrokerUrl } from '../setup/mqttSettings.ts';
import { fail, pass, skip, type CheckResult } from './doctorCheck.ts';
import { siteKeyFingerprint } from './siteKeyChecks.ts';

const BROKER = 'broker reachable with the given credentials';
const SHARED = 'same site key on every machine of the site';

function brokerFailure(error: Error & { code?: unknown }, url: string): CheckResult {
  const code = error.code;
  if (code === 4 || code === 5 || /not authori[sz]ed|bad user ?name or password/i.test(error.message))
    return fail(
      'broker',
      BROKER,
      `${url} refused the login: ${error.message}`,
      'check mqtt.username and mqtt.password (Mosquitto: `sudo mosquitto_passwd /etc/mosquitto/passwd <user>`, and an ACL that lets the user publish and subscribe under the topic prefix)',
    );
  return fail(
    'broker',
    BROKER,
    `cannot connect to ${url}: ${typeof code === 'string' ? `${code} ` : ''}${error.message}`,
    'check mqtt.url, that the broker runs (`sudo systemctl status mosquitto`) and listens on the network (`listener 1883` in its config), and the firewall',
  );
}

function connect(config: AirtraceConfig): Promise<{ client: MqttClient } | { error: Error }> {
  const mqtt = config.mqtt!;
  const client = mqttConnect(mqtt.url, {
    ...mqttClientOptions(brokerOptions(mqtt), {
      clientId: `airtrace-doctor-${randomBytes(4).toString('hex')}`,
      clean: true,
    }),
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
  return new Promise((resolve) => {
    client.once('connect', () => resolve({ client }));
    client.once('error', (error) => {
      client.end(true);
      resolve({ error });
    });
    client.once('close', () =>
      resolve({ error: Object.assign(new Error('the connection closed'), { code: 'ECONNCLOSED' }) }),
    );
  });
}

/**
 * Connects with the configured credentials; once in, leaves this machine's site key fingerprint
 * retained under `<prefix>/<site>/keys/<role>/<id>` and compares it with every other machine's.
 */
export async function brokerChecks(
  config: AirtraceConfig,
  holder: { role: string; id: string },
  key: Uint8Array | undefined,
): Promise<CheckResult[]> {
  if (config.mqtt === undefined)
    return [
      skip('broker', BROKER, 'no MQTT broker configured'),
      skip('site-key-shared', SHARED, 'no MQTT broker to compare through'),
    ];
  const url = displayBrokerUrl(config.mqtt.url);
  const connected = await connect(config);
  if ('error' in connected)
    return [
      brokerFailure(connected.error, url),
      skip('site-key-shared', SHARED, 'the broker could not be reached'),
    ];
  const { client } = connected;
  try {
    const results = [
      pass(
        'broker',
        BROKER,
        `connected to ${url}${config.mqtt.username === undefined ? '' : ` as ${config.mqtt.username}`}`,
      ),
    ];
    if (key === undefined)
      return [...results, skip('site-key-shared', SHARED, 'no site key here to compare')];
    const base = `${config.mqtt.topicPrefix}/${encodeURIComponent(config.site.id)}/keys`;
    const own = `${base}/${encodeURIComponent(holder.role)}/${encodeURIComponent(holder.id)}`;
    const fingerprint = siteKeyFingerprint(key);
    await client.publishAsync(own, JSON.stringify({ fingerprint, at: Date.now() / 1000 }), {
      qos: 1,
      retain: true,
    });
    const seen = new Map<string, string>();
    client.on('message', (topic, payload) => {
      try {
        const value = JSON.parse(payload.toString('utf8')) as { fingerprint?: unknown };
        if (typeof value.fingerprint === 'string') seen.set(topic.slice(base.length + 1), value.fingerprint);
      } catch {
        // not a fingerprint: ignored
      }
    });
    await client.subscribeAsync(`${base}/+/+`, { qos: 1 });
    await new Promise((resolve) => setTimeout(resolve, 700));
    const others = [...seen].filter(([who]) => who !== own.slice(base.length + 1));
    const differ = others.filter(([, f]) => f !== fingerprint).map(([who]) => decodeURIComponent(who));
    if (differ.length > 0)
      return [
        ...results,
        fail(
          'site-key-shared',
          SHARED,
          `${differ.length} of ${others.length} other machine(s) have another key: ${differ.join(', ')}`,
          'give every sensor and the hub the same site.key (one device would otherwise get a different id at each sensor); run `airtrace doctor` on each afterwards',
        ),
      ];
    return [
      ...results,
      pass(
        'site-key-shared',
        SHARED,
        others.length === 0
          ? `fingerprint ${fingerprint} published; no other machine has published one yet`
          : `fingerprint ${fingerprint}, as on ${others.length} other machine(s)`,
      ),
    ];
  } finally {
    await client.endAsync().catch(() => {});
  }
}
