/**
 * A private dbus-daemon for tests: its own config, a unix socket in a temp directory, and nothing
 * else on it. The kernel where the tests run has no Bluetooth, so the stand-in `org.bluez` lives
 * here rather than on the system bus.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DBUS_DAEMON = '/usr/bin/dbus-daemon';
export const SKIP_NO_DBUS_DAEMON = existsSync(DBUS_DAEMON)
  ? false
  : 'needs /usr/bin/dbus-daemon (apt-get install dbus-daemon)';

export interface PrivateBusOptions {
  /**
   * 'open' lets every connection own and call anything; 'deny-bluez' refuses method calls to
   * org.bluez, as a system bus does for a user outside the policy of /etc/dbus-1/system.d/bluetooth.conf.
   */
  policy?: 'open' | 'deny-bluez';
}

export interface PrivateBus {
  address: string;
  pid: number;
  stop(): Promise<void>;
}

function config(socket: string, policy: 'open' | 'deny-bluez'): string {
  const deny = policy === 'deny-bluez' ? '\n    <deny send_destination="org.bluez"/>' : '';
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>${deny}
  </policy>
  <limit name="reply_timeout">5000</limit>
</busconfig>
`;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts dbus-daemon on a fresh socket; resolves with its address once it listens. */
export async function startPrivateBus(options: PrivateBusOptions = {}): Promise<PrivateBus> {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-dbus-'));
  const conf = join(dir, 'bus.conf');
  writeFileSync(conf, config(join(dir, 'bus'), options.policy ?? 'open'));
  const child = spawn(DBUS_DAEMON, ['--nofork', '--print-address=1', `--config-file=${conf}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(out.slice(0, newline).trim());
    });
    child.once('error', reject);
    child.once('close', (code) => reject(new Error(`dbus-daemon exited (${code}): ${stderr.trim()}`)));
  });
  return {
    address,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      running.delete(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
