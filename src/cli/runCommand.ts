import { Command } from 'commander';
import { openStore } from '../adapters/storage/openStore.ts';
import { startRunApp } from '../app/run/runApp.ts';
import {
  addConfigFlag,
  addHubFlags,
  addSensorFlags,
  resolveConfig,
  type ConfigFlags,
} from './configFlags.ts';
import { serveUntilSignal } from './serviceLifecycle.ts';

export function runCommand(): Command {
  const command = new Command('run')
    .summary('sensor and hub in one process: the Pi of the original tracker')
    .description(
      'Captures Wi-Fi on a monitor-mode interface with dumpcap, windows and hashes every frame, stores the ' +
        'windows and serves the dashboard, all in one process. Needs root or dumpcap capabilities ' +
        '(see the README). Example: airtrace run -i wlan0mon --channels 1,6,11 --scan 10/60',
    );
  addConfigFlag(command);
  addSensorFlags(command);
  addHubFlags(command);
  return command.action(async (flags: ConfigFlags) => {
    const config = resolveConfig(flags);
    const log = (line: string) => process.stderr.write(`airtrace: ${line}\n`);
    const store = await openStore(config.hub.db, { timeZone: config.hub.history.timeZone });
    const running = await startRunApp(config, store, log);
    const line = `airtrace dashboard: ${running.url} (sensor ${config.sensor.id} on ${config.sensor.wifi?.interface ?? 'no Wi-Fi'})\n`;
    process.stdout.write(line);
    await serveUntilSignal(running, line.trim(), log);
  });
}
