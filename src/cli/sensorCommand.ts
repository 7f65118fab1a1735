import { Command } from 'commander';
import { displayBrokerUrl } from '../app/setup/mqttSettings.ts';
import { startSensorApp } from '../app/sensor/sensorApp.ts';
import {
  addConfigFlag,
  addMqttFlag,
  addSensorFlags,
  resolveConfig,
  type ConfigFlags,
} from './configFlags.ts';
import { serveUntilSignal } from './serviceLifecycle.ts';

export function sensorCommand(): Command {
  const command = new Command('sensor')
    .summary('capture, window, hash and publish to a hub over MQTT')
    .description(
      'Runs one sensor: captures Wi-Fi (dumpcap on a monitor-mode interface) and Bluetooth (BlueZ), ' +
        'groups frames into windows, replaces every address with the keyed hash of the site key ' +
        '(give all sensors of a site the same site.key) and publishes each window to the broker with ' +
        'QoS 1. Windows wait in an on-disk outbox in the data folder until the broker has them, so an ' +
        'outage loses nothing. Example: airtrace sensor -c sensor.yaml --mqtt mqtt://hub.local:1883',
    );
  addConfigFlag(command);
  addSensorFlags(command);
  addMqttFlag(command);
  return command.action(async (flags: ConfigFlags) => {
    const config = resolveConfig(flags);
    const log = (line: string) => process.stderr.write(`airtrace: ${line}\n`);
    const running = await startSensorApp(config, log);
    const line = `airtrace sensor ${config.sensor.id}: publishing to ${displayBrokerUrl(config.mqtt?.url ?? '')} as site ${config.site.id}\n`;
    process.stdout.write(line);
    await serveUntilSignal(running, line.trim(), log);
  });
}
