import type { AirtraceConfig } from '../../config/config.ts';
import { bluezCheck } from './bluezCheck.ts';
import { brokerChecks } from './brokerChecks.ts';
import { dumpcapCheck, interfaceCheck } from './captureChecks.ts';
import { databaseCheck } from './databaseCheck.ts';
import { skip, withTimeout, type CheckResult } from './doctorCheck.ts';
import { clockCheck, diskCheck, nodeVersionCheck } from './hostChecks.ts';
import { siteKeyCheck } from './siteKeyChecks.ts';

/** What this machine is: a sensor, a hub, or both in one (`airtrace run`). */
export type DoctorRole = 'run' | 'sensor' | 'hub';

export interface DoctorOptions {
  config: AirtraceConfig;
  /** The config file, whose mode matters when it holds the site key. */
  configPath: string | undefined;
  role: DoctorRole;
  minFreeMb: number;
  /** Per check; default 10 s. */
  timeoutMs?: number;
}

export interface DoctorReport {
  ok: boolean;
  role: DoctorRole;
  checks: CheckResult[];
}

/**
 * Everything a sensor or hub needs from its machine, each checked on the real thing (programs,
 * capabilities, D-Bus, the broker, the database, files, the clock, the disk) and reported with a
 * fix. Checks that do not apply to the role or the config are skipped, with the reason.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const { config, role } = options;
  const ms = options.timeoutMs ?? 10_000;
  const captures = role !== 'hub';
  const stores = role !== 'sensor';
  const noCapture = (id: string, title: string) => skip(id, title, 'a hub captures nothing');
  const wifi = config.sensor.wifi;
  const key = siteKeyCheck(config, options.configPath, role);
  const holder = { role, id: role === 'hub' ? 'hub' : config.sensor.id };
  const [dumpcap, iface, bluez, broker, database, clock] = await Promise.all([
    captures && wifi !== null
      ? withTimeout(dumpcapCheck, 'dumpcap', 'dumpcap installed and allowed to capture', ms)
      : captures
        ? skip('dumpcap', 'dumpcap installed and allowed to capture', 'no Wi-Fi capture configured')
        : noCapture('dumpcap', 'dumpcap installed and allowed to capture'),
    captures
      ? withTimeout(
          () => interfaceCheck(wifi),
          'interface',
          'Wi-Fi interface present, monitor mode supported',
          ms,
        )
      : noCapture('interface', 'Wi-Fi interface present, monitor mode supported'),
    captures
      ? withTimeout(
          () => bluezCheck(config.sensor.bluetooth),
          'bluez',
          'BlueZ on D-Bus with a powered adapter',
          ms,
        )
      : noCapture('bluez', 'BlueZ on D-Bus with a powered adapter'),
    brokerChecks(config, holder, key.ok ? key.key : undefined).then(
      (results) => results,
      (error: Error) => [
        skip('broker', 'broker reachable with the given credentials', `the check failed: ${error.message}`),
      ],
    ),
    stores
      ? withTimeout(() => databaseCheck(config.hub.db), 'database', 'database writable', ms)
      : skip('database', 'database writable', 'a sensor stores nothing but its outbox'),
    withTimeout(clockCheck, 'clock', 'clock synchronised', ms),
  ]);
  const checks = [
    nodeVersionCheck(),
    dumpcap,
    iface,
    bluez,
    ...broker,
    database,
    key.result,
    clock,
    diskCheck(config.dataDir, options.minFreeMb),
  ];
  return { ok: checks.every((c) => c.status !== 'fail'), role, checks };
}

/** The report for a terminal: one line per check, its fix under a failed one, a total. */
export function formatDoctorReport(report: DoctorReport): string {
  const mark = { pass: '✓', fail: '✗', skip: '-' } as const;
  const lines = report.checks.flatMap((c) => [
    `${mark[c.status]} ${c.title}: ${c.status === 'skip' ? `skipped (${c.detail})` : c.detail}`,
    ...(c.fix === undefined ? [] : [`    fix: ${c.fix}`]),
  ]);
  const count = (s: CheckResult['status']) => report.checks.filter((c) => c.status === s).length;
  lines.push(
    `${report.checks.length} checks for a ${report.role === 'run' ? 'one-machine install (run)' : report.role}: ${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`,
  );
  return `${lines.join('\n')}\n`;
}
