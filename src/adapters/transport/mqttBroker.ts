import { createHash } from 'node:crypto';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';

/** Where the broker is and how to log in; what a site file or a command line gives. */
export interface MqttBrokerOptions {
  /** `mqtt://host:1883`, or `mqtts://host:8883` for TLS. */
  url: string;
  username?: string;
  password?: string;
  /** TLS material for `mqtts://` (PEM text); `rejectUnauthorized` stays true unless set false. */
  tls?: {
    ca?: string | Buffer;
    cert?: string | Buffer;
    key?: string | Buffer;
    rejectUnauthorized?: boolean;
    servername?: string;
  };
  /** Default 30 s. */
  keepaliveSeconds?: number;
  /** Pause between reconnection attempts; default 1 s. */
  reconnectMs?: number;
  /** Default 10 s. */
  connectTimeoutMs?: number;
}

/**
 * Opens an MQTT connection. Publishers and subscribers are handed one (MQTT.js's own `connect`
 * by default) and never build sockets themselves, so tests can point them anywhere.
 */
export type MqttConnect = (url: string, options: IClientOptions) => MqttClient;

export const mqttConnect: MqttConnect = (url, options) => connect(url, options);

export interface MqttSession {
  clientId: string;
  /** False keeps the session on the broker across disconnections: QoS 1 messages wait there. */
  clean: boolean;
  will?: { topic: string; payload: string; qos: 1; retain: boolean };
}

export function mqttClientOptions(broker: MqttBrokerOptions, session: MqttSession): IClientOptions {
  const tls = broker.tls ?? {};
  return {
    clientId: session.clientId,
    clean: session.clean,
    protocolVersion: 4,
    keepalive: broker.keepaliveSeconds ?? 30,
    reconnectPeriod: broker.reconnectMs ?? 1000,
    connectTimeout: broker.connectTimeoutMs ?? 10_000,
    resubscribe: true,
    ...(broker.username === undefined ? {} : { username: broker.username }),
    ...(broker.password === undefined ? {} : { password: broker.password }),
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    ...(tls.servername === undefined ? {} : { servername: tls.servername }),
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
    ...(session.will === undefined
      ? {}
      : {
          will: {
            topic: session.will.topic,
            payload: Buffer.from(session.will.payload),
            qos: 1,
            retain: session.will.retain,
          },
        }),
  };
}

/**
 * A client id that names one sensor or hub of one site, in the characters every broker accepts.
 * Ids that had to be changed get a hash of the original, so two of them cannot collide.
 */
export function mqttClientId(role: string, site: string, id: string): string {
  const raw = `airtrace-${role}-${site}-${id}`;
  const safe = raw.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (safe === raw && raw.length <= 100) return raw;
  return `${safe.slice(0, 90)}-${createHash('sha256').update(raw).digest('hex').slice(0, 8)}`;
}
