import { readFileSync, statSync } from 'node:fs';
import { runCommand, which } from './commandProbe.ts';
import { fail, pass, skip, type CheckResult } from './doctorCheck.ts';

const CAP_NET_ADMIN = 12n;
const CAP_NET_RAW = 13n;

function hasCaptureCaps(mask: bigint): boolean {
  return ((mask >> CAP_NET_ADMIN) & 1n) === 1n && ((mask >> CAP_NET_RAW) & 1n) === 1n;
}

/** This process's effective and ambient capability sets, from /proc/self/status. */
function ownCapabilities(): { effective: bigint; ambient: bigint } {
  const fields = new Map<string, string>();
  for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  const mask = (name: string) =>
    BigInt(`0x${/^[0-9a-f]+$/i.test(fields.get(name) ?? '') ? fields.get(name) : '0'}`);
  return { effective: mask('CapEff'), ambient: mask('CapAmb') };
}

/**
 * Whether `getcap` output grants both capture capabilities, permitted and effective. It reads
 * `cap_net_admin,cap_net_raw=eip` (libcap 2.4x) or `= cap_net_admin,cap_net_raw+eip` (older).
 */
export function fileCapsAllowCapture(getcapOutput: string): boolean {
  for (const [, caps, flags] of getcapOutput.matchAll(/((?:cap_\w+,?)+)[=+]([eip]+)/g)) {
    const names = caps!.split(',');
    if (
      names.includes('cap_net_admin') &&
      names.includes('cap_net_raw') &&
      flags!.includes('e') &&
      flags!.includes('p')
    )
      return true;
  }
  return false;
}

const FIX_DUMPCAP_MISSING =
  'install it: `sudo apt-get install tshark` (dumpcap comes with it; answer "no" to non-root capture)';
const FIX_DUMPCAP_CAPS =
  'run airtrace as the systemd service (deploy/systemd grants CAP_NET_RAW and CAP_NET_ADMIN), or give dumpcap the capabilities: `sudo setcap cap_net_raw,cap_net_admin+eip "$(command -v dumpcap)"`';

/** dumpcap is installed, and what airtrace starts it as may capture and set monitor mode. */
export async function dumpcapCheck(): Promise<CheckResult> {
  const title = 'dumpcap installed and allowed to capture';
  const path = which('dumpcap');
  if (path === undefined) return fail('dumpcap', title, 'dumpcap is not on PATH', FIX_DUMPCAP_MISSING);
  const own = ownCapabilities();
  if (process.getuid?.() === 0 && hasCaptureCaps(own.effective))
    return pass('dumpcap', title, `${path}; running as root`);
  if (hasCaptureCaps(own.ambient))
    return pass(
      'dumpcap',
      title,
      `${path}; this process passes CAP_NET_RAW and CAP_NET_ADMIN on (ambient, as the service unit grants)`,
    );
  const getcap = await runCommand(which('getcap') ?? '/usr/sbin/getcap', [path]);
  if (fileCapsAllowCapture(getcap.stdout))
    return pass(
      'dumpcap',
      title,
      `${path}; file capabilities: ${getcap.stdout.trim().split(/\s+/).slice(1).join(' ')}`,
    );
  const st = statSync(path);
  if ((st.mode & 0o4000) !== 0 && st.uid === 0) return pass('dumpcap', title, `${path}; setuid root`);
  return fail(
    'dumpcap',
    title,
    `${path} has no capture capabilities and this user (uid ${process.getuid?.()}) has none`,
    FIX_DUMPCAP_CAPS,
  );
}

export interface WifiSettings {
  interface: string;
  monitorMode: boolean;
}

/** The capture interface exists and its radio supports monitor mode (as `iw` reports it). */
export async function interfaceCheck(wifi: WifiSettings | null): Promise<CheckResult> {
  const title = 'Wi-Fi interface present, monitor mode supported';
  if (wifi === null) return skip('interface', title, 'no Wi-Fi capture configured (sensor.wifi: null)');
  const name = wifi.interface;
  if (name.startsWith('/')) return skip('interface', title, `${name} is a FIFO or file, not an interface`);
  if (which('iw') === undefined)
    return fail(
      'interface',
      title,
      '`iw` is not installed: the interface cannot be checked',
      'install it: `sudo apt-get install iw`',
    );
  const info = await runCommand('iw', ['dev', name, 'info']);
  if (info.code !== 0) {
    const list = await runCommand('iw', ['dev']);
    const names = [...list.stdout.matchAll(/Interface (\S+)/g)].map((m) => m[1]);
    return fail(
      'interface',
      title,
      `no interface ${name} (iw sees ${names.length === 0 ? 'none' : names.join(', ')})`,
      'plug the adapter in and check `iw dev`; set sensor.wifi.interface (or -i) to its name',
    );
  }
  const type = /^\s*type (\S+)/m.exec(info.stdout)?.[1];
  const phy = /^\s*wiphy (\d+)/m.exec(info.stdout)?.[1];
  if (type === 'monitor') return pass('interface', title, `${name} is in monitor mode (phy${phy})`);
  const phyInfo = phy === undefined ? undefined : await runCommand('iw', ['phy', `phy${phy}`, 'info']);
  const modes = /Supported interface modes:\n((?:\s+\* .+\n?)+)/.exec(phyInfo?.stdout ?? '')?.[1] ?? '';
  if (!/\* monitor\b/.test(modes))
    return fail(
      'interface',
      title,
      `${name} (phy${phy}) does not list monitor among its supported interface modes`,
      'use an adapter that supports monitor mode (`iw list` shows "* monitor"), e.g. one with a MediaTek MT7601U/MT7612U or Atheros AR9271 chip; the Pi 3/4 onboard radio does not without patched firmware',
    );
  if (!wifi.monitorMode)
    return fail(
      'interface',
      title,
      `${name} is ${type}, and monitorMode is off`,
      `add a monitor interface: \`sudo iw dev ${name} interface add ${name}mon type monitor && sudo ip link set ${name}mon up\` and capture on it, or set sensor.wifi.monitorMode: true`,
    );
  return pass('interface', title, `${name} (phy${phy}) supports monitor mode; dumpcap -I switches it`);
}
