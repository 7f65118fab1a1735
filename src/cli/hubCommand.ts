import { Command } from 'commander';
import { displayBrokerUrl, requireMqtt, topicScope } from '../app/setup/mqttSettings.ts';
import { hubStatusTopic } from '../adapters/transport/topics.ts';
import { openStore } from '../adapters/storage/openStore.ts';
import { startHubApp } from '../app/hub/hubApp.ts';
import { mqttSubscriberFromConfig } from '../app/setup/mqttTransports.ts';
import { addConfigFlag, addHubFlags, addMqttFlag, resolveConfig, type ConfigFlags } from './configFlags.ts';
import { serveUntilSignal } from './serviceLifecycle.ts';

export function hubCommand(): Command {
  const command = new Command('hub')
    .summary('subscribe to sensors over MQTT, store their windows, serve the dashboard')
    .description(
      'Subscribes to every sensor of the site on the MQTT broker, merges and stores their windows ' +
        '(SQLite, or PostgreSQL with --db postgres://...), and serves the dashboard and API. Each window ' +
        'is acknowledged to the broker only once stored, with a persistent session, so a hub restart ' +
        'loses nothing. Example: airtrace hub --mqtt mqtt://127.0.0.1:1883 --db postgres://airtrace@localhost/airtrace',
    );
  addConfigFlag(command);
  addHubFlags(command);
  addMqttFlag(command);
  return command.action(async (flags: ConfigFlags) => {
    const config = resolveConfig(flags);
    const log = (line: string) => process.stderr.write(`airtrace: ${line}\n`);
    const store = await openStore(config.hub.db, { timeZone: config.hub.history.timeZone });
    const subscriber = mqttSubscriberFromConfig(config, log);
    const running = await startHubApp({
      config,
      store,
      log,
      subscriber,
      hubStatusTopic: hubStatusTopic(topicScope(config, requireMqtt(config, 'hub'))),
    });
    const line = `airtrace dashboard: ${running.url} (hub of site ${config.site.id}, broker ${displayBrokerUrl(config.mqtt?.url ?? '')})\n`;
    process.stdout.write(line);
    await serveUntilSignal(running, line.trim(), log);
  });
}
