/** What went wrong with a capture process, in words a user can act on. */
export interface CaptureFailure {
  kind: 'not-installed' | 'no-interface' | 'no-monitor-mode' | 'not-permitted' | 'exited';
  message: string;
  fix: string;
}

const PATTERNS: { kind: CaptureFailure['kind']; test: RegExp; message: string; fix: string }[] = [
  {
    kind: 'no-interface',
    test: /no (such )?device|there is no device named|no such device exists|doesn't exist/i,
    message: 'the capture interface does not exist',
    fix: 'check the name with `ip link` (or `iw dev`) and pass it with --interface; a USB adapter may need re-plugging',
  },
  {
    kind: 'no-monitor-mode',
    test: /monitor mode (is )?not supported|doesn't support monitor mode|can't set monitor mode|rfmon/i,
    message: 'the adapter cannot be put into monitor mode',
    fix:
      'use an adapter whose driver supports monitor mode (`iw list` shows "monitor" under "Supported interface modes"), ' +
      'or create a monitor interface yourself (`iw dev wlan0 interface add mon0 type monitor`) and pass --no-monitor-mode',
  },
  {
    kind: 'not-permitted',
    test: /permission|not permitted|you don't have permission|operation not permitted/i,
    message: 'not allowed to capture on the interface',
    fix:
      'run as root, or give dumpcap the capabilities: `sudo setcap cap_net_raw,cap_net_admin+eip $(command -v dumpcap)` ' +
      '(Debian: `sudo dpkg-reconfigure wireshark-common` and add the user to the wireshark group)',
  },
];

/** Turns the capture tool's stderr (or a spawn error) into a message with a fix. */
export function classifyCaptureFailure(
  tool: string,
  stderr: string,
  spawnErrorCode?: string,
): CaptureFailure {
  if (spawnErrorCode === 'ENOENT') {
    return {
      kind: 'not-installed',
      message: `${tool} is not installed`,
      fix: 'install it: `sudo apt-get install tshark` (it brings dumpcap)',
    };
  }
  for (const pattern of PATTERNS) {
    if (pattern.test.test(stderr)) return { kind: pattern.kind, message: pattern.message, fix: pattern.fix };
  }
  if (/Packets received\/dropped/.test(stderr)) {
    return {
      kind: 'exited',
      message: `${tool} reached the end of its input`,
      fix: 'a FIFO or file source ended; live interfaces do not',
    };
  }
  const lastLine =
    stderr
      .trim()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .at(-1) ?? '';
  return {
    kind: 'exited',
    message: `${tool} stopped${lastLine ? `: ${lastLine.trim()}` : ''}`,
    fix: 'see the capture tool output above',
  };
}
