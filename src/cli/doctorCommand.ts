import { Command, InvalidArgumentError, Option } from 'commander';
import { formatDoctorReport, runDoctor, type DoctorRole } from '../app/doctor/doctor.ts';
import {
  addConfigFlag,
  addHubFlags,
  addMqttFlag,
  addSensorFlags,
  resolveConfig,
  type ConfigFlags,
} from './configFlags.ts';

interface DoctorFlags extends ConfigFlags {
  role: DoctorRole;
  json?: boolean;
  minFreeMb: number;
}

function megabytes(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of megabytes');
  return n;
}

export function doctorCommand(): Command {
  const command = new Command('doctor')
    .summary('check that this machine can run airtrace, with a fix for whatever is wrong')
    .description(
      'Checks, each with a fix: Node.js version; dumpcap installed and allowed to capture; the Wi-Fi ' +
        'interface present and its radio able to do monitor mode (iw); BlueZ on D-Bus with a powered ' +
        'adapter; the MQTT broker reachable with the configured credentials; the database writable; the ' +
        'site key present with mode 0600, and the same on every machine of the site (each doctor run ' +
        'publishes a fingerprint of it to the broker, never the key); the clock synchronised; disk space. ' +
        'Checks that do not apply to the role or the config are skipped. Exits 1 when any check fails. ' +
        'Example: airtrace doctor -c /etc/airtrace/airtrace.yaml --role sensor (the README shows how to run it with the rights the service has)',
    )
    .addOption(
      new Option('--role <role>', 'what this machine is: run (sensor and hub in one), sensor or hub')
        .choices(['run', 'sensor', 'hub'])
        .default('run'),
    )
    .option(
      '--json',
      'print the report as JSON: {"ok", "role", "checks": [{"id", "title", "status", "detail", "fix"}]}',
    )
    .option('--min-free-mb <MB>', 'disk space the data folder needs at least', megabytes, 500);
  addConfigFlag(command);
  addSensorFlags(command);
  addHubFlags(command);
  addMqttFlag(command);
  return command.action(async (flags: DoctorFlags) => {
    const config = resolveConfig(flags);
    const report = await runDoctor({
      config,
      configPath: flags.config,
      role: flags.role,
      minFreeMb: flags.minFreeMb,
    });
    process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report));
    if (!report.ok) process.exitCode = 1;
  });
}
