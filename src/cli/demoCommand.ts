import { Command } from 'commander';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replay } from '../app/replay.ts';
import { loadOrCreateSiteKey } from '../adapters/identity/siteKeyFile.ts';
import { SqliteStore } from '../adapters/storage/sqlite/sqliteStore.ts';
import { ProgressBar } from './progressBar.ts';
import { wifiTable } from './replayCommand.ts';

export const DEMO_DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../demo-data');
export const DEMO_CAPTURES = ['brno-sc6-61_2022-10-18.pcap'];

export function demoCommand(): Command {
  return new Command('demo')
    .summary('replay the shipped real recordings (the embedded default)')
    .description(
      'Replays real recordings shipped with airtrace (a university lab, 2022-10-18, see demo-data/NOTICE.md)\n' +
        'into a SQLite database and prints the Wi-Fi table.',
    )
    .option('--db <file>', 'SQLite database to write', 'airtrace-demo.db')
    .action(async (flags: { db: string }) => {
      const store = new SqliteStore(flags.db);
      const bar = new ProgressBar();
      try {
        const report = await replay({
          inputs: DEMO_CAPTURES.map((name) => ({ path: join(DEMO_DATA_DIR, name) })),
          store,
          windowSeconds: 60,
          sensorId: 'demo',
          siteKey: loadOrCreateSiteKey(`${flags.db}.key`),
          onProgress: ({ path, bytes, totalBytes }) => bar.update(path, bytes, totalBytes),
        });
        bar.done();
        const { rows } = await store.devices({ medium: 'wifi', sort: 'minutesSpent', limit: 15 });
        process.stdout.write(`${wifiTable(rows)}\n\n`);
        process.stdout.write(
          `${report.frames} frames, ${report.wifiDevices} Wi-Fi devices, ${report.windows} windows; stored in ${flags.db}\n`,
        );
      } finally {
        bar.done();
        await store.close();
      }
    });
}
