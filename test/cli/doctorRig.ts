/**
 * What the doctor tests share. Everything the doctor looks at is real where it can be here:
 * dumpcap and its capabilities, a private Mosquitto with a password file, SQLite and PostgreSQL,
 * key files and their modes, free disk space, and BlueZ's D-Bus API (the stand-in org.bluez on a
 * private dbus-daemon, found through DBUS_SYSTEM_BUS_ADDRESS). Stand-ins only for what this
 * machine cannot have: `iw` (no Wi-Fi radio) and `timedatectl` (no systemd as PID 1); they print
 * what the real programs print on a Raspberry Pi.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult } from '../../src/app/doctor/doctorCheck.ts';
import { repoRoot } from '../helpers/paths.ts';

export interface DoctorRun {
  code: number | null;
  stdout: string;
  stderr: string;
  report: { ok: boolean; role: string; checks: CheckResult[] } | undefined;
}

/** `airtrace doctor` as a user runs it, with this environment (and user id, when given). */
export function runDoctorCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { uid?: number; cwd?: string } = {},
): Promise<DoctorRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/airtrace.js'), 'doctor', ...args], {
      cwd: options.cwd ?? repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      let report: DoctorRun['report'];
      try {
        report = JSON.parse(stdout) as DoctorRun['report'];
      } catch {
        report = undefined;
      }
      resolve({ code, stdout, stderr, report });
    });
  });
}

export function check(run: DoctorRun, id: string): CheckResult {
  const found = run.report?.checks.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no check ${id} in ${run.stdout}${run.stderr}`);
  return found;
}

/** `iw dev wlan0mon info` on a Pi with a USB adapter (its address is never reported back). */
const IW_DEV_INFO = `Interface wlan0mon
\tifindex 4
\twdev 0x100000001
\taddr 00:c0:ca:98:6f:1a
\ttype managed
\twiphy 1
\ttxpower 20.00 dBm
`;

function iwPhyInfo(monitor: boolean): string {
  return `Wiphy phy1
\twiphy index: 1
\tmax # scan SSIDs: 4
\tSupported Ciphers:
\t\t* WEP40 (00-0f-ac:1)
\t\t* CCMP-128 (00-0f-ac:4)
\tAvailable Antennas: TX 0x1 RX 0x1
\tSupported interface modes:
\t\t * IBSS
\t\t * managed
\t\t * AP
\t\t * AP/VLAN
${monitor ? '\t\t * monitor\n' : ''}\t\t * mesh point
\tBand 1:
\t\tCapabilities: 0x116e
`;
}

function script(dir: string, name: string, body: string): void {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\nPATH=/usr/bin:/bin\n${body}\n`);
  chmodSync(path, 0o755);
}

/** A folder of stand-in programs: `iw` knowing wlan0mon (monitor or not), `timedatectl` synced or not. */
export function standIns(options: { monitor: boolean; ntpSynchronized: boolean }): string {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-standins-'));
  chmodSync(dir, 0o755);
  script(
    dir,
    'iw',
    `case "$*" in
  "dev wlan0mon info") cat <<'OUT'
${IW_DEV_INFO}OUT
  ;;
  "phy phy1 info") cat <<'OUT'
${iwPhyInfo(options.monitor)}OUT
  ;;
  "dev") printf 'phy#1\\n\\tInterface wlan0mon\\n\\t\\ttype managed\\n' ;;
  *) echo "command failed: No such device (-19)" >&2; exit 237 ;;
esac`,
  );
  script(
    dir,
    'timedatectl',
    `[ "$*" = "show --property=NTPSynchronized --value" ] && echo ${options.ntpSynchronized ? 'yes' : 'no'} && exit 0
exit 1`,
  );
  return dir;
}

/** A folder with only the programs named, linked from where they are, for a PATH that lacks the rest. */
export function onlyPrograms(names: readonly string[], from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-path-'));
  mkdirSync(dir, { recursive: true });
  for (const name of names) script(dir, name, `exec ${join(from, name)} "$@"`);
  return dir;
}
