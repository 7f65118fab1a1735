import { existsSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { runCommand, which } from './commandProbe.ts';
import { fail, pass, type CheckResult } from './doctorCheck.ts';

const MIN_NODE_MAJOR = 20;

/** Node.js 20 or newer (better-sqlite3 12, the test runner, fs.statfs). */
export function nodeVersionCheck(version = process.versions.node): CheckResult {
  const title = 'Node.js version';
  const major = Number(version.split('.')[0]);
  if (Number.isInteger(major) && major >= MIN_NODE_MAJOR) return pass('node', title, `Node.js ${version}`);
  return fail(
    'node',
    title,
    `Node.js ${version}; airtrace needs ${MIN_NODE_MAJOR} or newer`,
    'install Node.js 20 (Raspberry Pi OS: `curl -fsSL https://deb.nodesource.com/setup_20.x | sudo bash - && sudo apt-get install -y nodejs`)',
  );
}

/**
 * The clock is synchronised: windows are aligned to it and the hub refuses windows from a sensor
 * whose clock is far off. Asks timedatectl (systemd-timesyncd, or whatever NTP daemon it sees),
 * then chrony.
 */
export async function clockCheck(): Promise<CheckResult> {
  const title = 'clock synchronised';
  const fix =
    'turn NTP on: `sudo timedatectl set-ntp true` (it needs the network; `timedatectl timesync-status` shows the server); a Pi has no battery clock, so it must reach a time server after every boot';
  if (which('timedatectl') !== undefined) {
    const r = await runCommand('timedatectl', ['show', '--property=NTPSynchronized', '--value']);
    const answer = r.stdout.trim();
    if (r.code === 0 && answer === 'yes') return pass('clock', title, 'timedatectl: NTPSynchronized=yes');
    if (r.code === 0 && answer === 'no') return fail('clock', title, 'timedatectl: NTPSynchronized=no', fix);
  }
  if (which('chronyc') !== undefined) {
    const r = await runCommand('chronyc', ['tracking']);
    const leap = /Leap status\s*:\s*(.+)/.exec(r.stdout)?.[1]?.trim();
    if (r.code === 0 && leap === 'Normal') return pass('clock', title, 'chrony: leap status Normal');
    if (r.code === 0 && leap !== undefined) return fail('clock', title, `chrony: leap status ${leap}`, fix);
  }
  return fail(
    'clock',
    title,
    'could not tell: neither timedatectl nor chronyc answered',
    `${fix}; on a system without systemd, install chrony (\`sudo apt-get install chrony\`)`,
  );
}

/** The nearest folder of `path` that exists (the data folder may not be created yet). */
function existingFolder(path: string): string {
  let dir = resolve(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Free space where the data folder is: the database, the outbox and exports grow there. */
export function diskCheck(dataDir: string, minFreeMb: number): CheckResult {
  const title = 'disk space';
  const folder = existingFolder(dataDir);
  const fs = statfsSync(folder);
  const freeMb = (fs.bavail * fs.bsize) / 1024 / 1024;
  const detail = `${freeMb.toFixed(0)} MB free at ${folder} (wanted: ${minFreeMb} MB)`;
  if (freeMb >= minFreeMb) return pass('disk', title, detail);
  return fail(
    'disk',
    title,
    detail,
    'free some space (`sudo apt-get clean`, old logs: `sudo journalctl --vacuum-size=100M`), or keep fewer days: hub.retentionDays',
  );
}
