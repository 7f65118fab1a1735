import { Command, InvalidArgumentError } from 'commander';
import type { AirtraceConfig } from '../config/config.ts';
import { validateConfig } from '../config/config.ts';
import { formatIssues } from '../config/configIssues.ts';
import { ConfigError, loadConfig } from '../config/loadConfig.ts';

export interface ConfigFlags {
  config?: string;
  dataDir?: string;
  window?: number;
  interface?: string;
  tool?: 'dumpcap' | 'tshark';
  monitorMode?: boolean;
  channels?: number[];
  scan?: { scanSeconds: number; periodSeconds: number };
  bluetooth?: string | boolean;
  sensorId?: string;
  db?: string;
  host?: string;
  port?: number;
  token?: string;
  mqtt?: string;
  siteId?: string;
}

function channelList(value: string): number[] {
  const channels = value.split(',').map((c) => Number(c.trim()));
  if (channels.some((c) => !Number.isInteger(c) || c < 1))
    throw new InvalidArgumentError('expected channel numbers like 1,6,11');
  return channels;
}

function scanCycle(value: string): { scanSeconds: number; periodSeconds: number } {
  if (value === 'continuous') return { scanSeconds: 60, periodSeconds: 60 };
  const match = /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(value);
  if (!match) throw new InvalidArgumentError('expected SCAN/PERIOD seconds like 10/60, or continuous');
  return { scanSeconds: Number(match[1]), periodSeconds: Number(match[2]) };
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number');
  return n;
}

export function addConfigFlag(command: Command): Command {
  return command
    .option('-c, --config <file>', 'config file, YAML or JSON (see the README); flags override it')
    .option('--data-dir <dir>', 'where the site key, the outbox and saved exports live');
}

export function addSensorFlags(command: Command): Command {
  return command
    .option('--sensor-id <id>', "this sensor's id")
    .option('-i, --interface <name>', 'monitor-mode Wi-Fi interface, or a FIFO/file dumpcap can read')
    .option('--tool <tool>', 'capture with dumpcap (default) or tshark')
    .option(
      '--no-monitor-mode',
      'do not ask the capture tool to set monitor mode (the interface already is, or it is a FIFO)',
    )
    .option('--channels <list>', 'hop over these channels, e.g. 1,6,11', channelList)
    .option(
      '--scan <scan/period>',
      'duty cycle in seconds, e.g. 10/60 like the original, or continuous',
      scanCycle,
    )
    .option('--bluetooth [adapter]', 'also scan Bluetooth through BlueZ (default adapter hci0)')
    .option('--no-bluetooth', 'no Bluetooth scanning')
    .option('--window <seconds>', 'counting window in seconds', (v) => Number(v));
}

export function addHubFlags(command: Command): Command {
  return command
    .option('--db <file|url>', 'SQLite file or postgres:// URL')
    .option('--host <address>', 'dashboard address (anything but loopback needs --token)')
    .option('--port <port>', 'dashboard port', port)
    .option('--token <secret>', 'require this token on the API, events and exports');
}

export function addMqttFlag(command: Command): Command {
  return command
    .option('--mqtt <url>', 'MQTT broker, e.g. mqtt://broker.local:1883')
    .option('--site-id <id>', 'the site id in MQTT topics (sensors and hub of a site share it)');
}

/** The config file with the flags laid over it, validated as a whole. */
export function resolveConfig(flags: ConfigFlags): AirtraceConfig {
  const base = loadConfig(flags.config);
  const merged = structuredClone(base) as AirtraceConfig;
  if (flags.dataDir !== undefined) merged.dataDir = flags.dataDir;
  if (flags.siteId !== undefined) merged.site.id = flags.siteId;
  if (flags.window !== undefined) merged.windowSeconds = flags.window;
  if (flags.sensorId !== undefined) merged.sensor.id = flags.sensorId;
  const wifi = merged.sensor.wifi;
  if (wifi !== null) {
    if (flags.interface !== undefined) wifi.interface = flags.interface;
    if (flags.tool !== undefined) wifi.tool = flags.tool;
    if (flags.monitorMode === false) wifi.monitorMode = false;
    if (flags.channels !== undefined) wifi.channels = flags.channels;
  }
  if (flags.scan !== undefined) merged.sensor.scan = flags.scan;
  if (flags.bluetooth === false) merged.sensor.bluetooth.enabled = false;
  else if (flags.bluetooth !== undefined) {
    merged.sensor.bluetooth.enabled = true;
    if (typeof flags.bluetooth === 'string') merged.sensor.bluetooth.adapter = flags.bluetooth;
  }
  if (flags.db !== undefined) merged.hub.db = flags.db;
  if (flags.host !== undefined) merged.hub.http.host = flags.host;
  if (flags.port !== undefined) merged.hub.http.port = flags.port;
  if (flags.token !== undefined) merged.hub.http.token = flags.token;
  if (flags.mqtt !== undefined)
    merged.mqtt = { ...(merged.mqtt ?? { topicPrefix: 'airtrace', hubConnections: 1 }), url: flags.mqtt };
  const checked = validateConfig(merged);
  if (!checked.ok) throw new ConfigError(formatIssues('configuration (file and flags)', checked.issues));
  return checked.config;
}

/** Runs until Ctrl-C or SIGTERM, then stops cleanly. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
