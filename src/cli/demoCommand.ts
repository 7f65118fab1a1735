import { Command } from 'commander';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo } from '../app/demo/demo.ts';
import { positiveNumber } from './replayCommand.ts';

interface DemoFlags {
  port: number;
  host: string;
  db?: string;
  speed: number;
  token?: string;
  liveMinutes: number;
}

export function demoCommand(): Command {
  return new Command('demo')
    .summary('the embedded default: replay real recordings into the live dashboard')
    .description(
      'Starts the hub with SQLite and an in-process bus, serves the dashboard, and replays real recordings ' +
        'shipped with airtrace (a university lab on 2022-10-18, see demo-data/NOTICE.md): everything but the ' +
        'last hour at once, then the last hour window by window in accelerated time. Stop it with Ctrl-C.',
    )
    .option('--port <port>', 'HTTP port', (v) => Number.parseInt(v, 10), 8050)
    .option('--host <address>', 'address to bind (anything but loopback needs --token)', '127.0.0.1')
    .option('--db <file>', 'SQLite database (default: a new one in a temporary folder)')
    .option('--speed <n>', 'replay speed, times real time', positiveNumber, 60)
    .option('--live-minutes <n>', 'minutes at the end of the recording replayed live', positiveNumber, 60)
    .option('--token <secret>', 'require this token on the API, events and exports')
    .action(async (flags: DemoFlags) => {
      const dbPath = flags.db ?? join(mkdtempSync(join(tmpdir(), 'airtrace-demo-')), 'airtrace.db');
      const demo = await startDemo({
        port: flags.port,
        host: flags.host,
        dbPath,
        speed: flags.speed,
        liveSeconds: flags.liveMinutes * 60,
        ...(flags.token === undefined ? {} : { token: flags.token }),
        log: (line) => process.stderr.write(`airtrace: ${line}\n`),
      });
      const url =
        flags.token === undefined ? demo.url : `${demo.url}?token=${encodeURIComponent(flags.token)}`;
      process.stdout.write(`airtrace dashboard: ${url}\n(database: ${dbPath}; Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await demo.stop();
    });
}
