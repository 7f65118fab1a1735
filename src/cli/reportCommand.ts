import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { openStore } from '../adapters/storage/openStore.ts';
import { writeDayReport } from '../app/report/dayReport.ts';
import { addConfigFlag, resolveConfig, type ConfigFlags } from './configFlags.ts';

interface ReportFlags extends ConfigFlags {
  day: string;
  out?: string;
}

export function reportCommand(): Command {
  const command = new Command('report')
    .summary('write a one-page HTML summary of a day')
    .description(
      "Writes a self-contained HTML page (SVG plots, no scripts) of one of the venue's local days, from the " +
        "hub's history: people over the day with its gaps, visitors and passers-by, how long they stayed, the day " +
        'against the same weekday a week before, the busiest hours of the four weeks up to it and which sensors ' +
        'listened. Reads the database of the config (or --db); works on days past retention from the rollups. ' +
        'Example: airtrace report --day 2023-08-28 --db airtrace.db --out monday.html',
    )
    .requiredOption('--day <YYYY-MM-DD>', "the venue's local date")
    .option('--db <file|url>', 'SQLite file or postgres:// URL (default: hub.db of the config)')
    .option('-o, --out <file>', 'where to write the page (default: airtrace-report-<day>.html)');
  addConfigFlag(command);
  return command.action(async (flags: ReportFlags) => {
    const config = resolveConfig(flags);
    if (!/^postgres(ql)?:\/\//i.test(config.hub.db) && !existsSync(config.hub.db))
      throw new Error(`no database at ${config.hub.db} (give --db or hub.db in the config)`);
    const store = await openStore(config.hub.db, { timeZone: config.hub.history.timeZone });
    try {
      const out = flags.out ?? `airtrace-report-${flags.day}.html`;
      const { path, hasData } = await writeDayReport({
        config,
        store,
        date: flags.day,
        out,
        now: () => Date.now() / 1000,
      });
      process.stdout.write(`${path}\n`);
      if (!hasData)
        process.stderr.write(`airtrace: no sensor listened on ${flags.day}: the report says so\n`);
    } finally {
      await store.close();
    }
  });
}
