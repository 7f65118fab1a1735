import { Command, InvalidArgumentError } from 'commander';
import { replay, type ReplayReport } from '../app/batch/replay.ts';
import { loadOrCreateSiteKey, parseSiteKey } from '../adapters/identity/siteKeyFile.ts';
import { SqliteStore } from '../adapters/storage/sqlite/sqliteStore.ts';
import type { DeviceRow, Store } from '../adapters/storage/store.ts';
import { ProgressBar } from './progressBar.ts';
import { formatTable } from '../adapters/export/textTable.ts';

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function formatTime(t: number): string {
  return new Date(t * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

function formatRssi(x: number | null): string {
  return x === null ? '' : x.toFixed(2);
}

export function deviceTable(rows: readonly DeviceRow[], nameHeader = 'SSID'): string {
  return formatTable(
    ['device', 'last seen (UTC)', 'mean RSSI', 'std RSSI', 'manufacturer', nameHeader, 'minutes'],
    rows.map((r) => [
      r.deviceId.slice(0, 12),
      formatTime(r.lastSeen),
      formatRssi(r.rssiMean),
      formatRssi(r.rssiStd),
      r.manufacturer ?? '',
      r.ssids.at(-1) ?? '',
      String(r.minutesSpent),
    ]),
  );
}

function jsonReport(report: ReplayReport): string {
  const { frames, framesWithRssi, wifiDevices, bluetoothDevices, windows, skipped } = report;
  return JSON.stringify({ frames, framesWithRssi, wifiDevices, bluetoothDevices, windows, skipped });
}

interface ReplayFlags {
  db?: string;
  window: number;
  json?: boolean;
  sensor: string;
  siteKey?: string;
  store: boolean;
  rows: number;
}

export function replayCommand(): Command {
  return new Command('replay')
    .summary('ingest capture files into the Wi-Fi and Bluetooth tables')
    .description(
      'Reads capture files: pcap or pcapng with 802.11 (radiotap, or plain with no RSSI) or BLE link layer ' +
        '(link types 251, 256, 272 nRF Sniffer, 192 PPI/Ubertooth), and btsnoop HCI logs (Android, BlueZ). ' +
        'Groups frames into windows per device, replaces every address with a keyed hash and stores ' +
        'windows, sightings and the per-device Wi-Fi and Bluetooth tables. ' +
        'Use - to read a capture from standard input (e.g. dumpcap -w - | airtrace replay -).',
    )
    .argument('<files...>', 'capture files, or - for standard input')
    .option('--db <file>', 'SQLite database to write (created if missing); default: in memory, nothing kept')
    .option('--window <seconds>', 'window length in seconds', positiveNumber, 60)
    .option('--json', 'print one JSON object with the counts instead of the table')
    .option('--sensor <id>', 'sensor id recorded with the windows', 'local')
    .option('--site-key <hex>', 'site key for MAC hashing (default: generated once and kept in <db>.key)')
    .option('--no-store', 'parse and window only: no database, no table (what the benchmark times)')
    .option('--rows <n>', 'rows of the Wi-Fi table to print', positiveNumber, 20)
    .addHelpText(
      'after',
      '\nJSON output: {"frames": N, "framesWithRssi": N, "wifiDevices": N, "bluetoothDevices": N, "windows": N,\n' +
        '  "skipped": {reason: N}}\n' +
        'Exit status: 0 when every input was read to its end and held a record that decodes; 1 when one\n' +
        '  could not be read, was empty, ended inside its header or held no record (the reason is printed).',
    )
    .action(async (files: string[], flags: ReplayFlags) => {
      process.exitCode = await runReplay(files, flags);
    });
}

async function runReplay(files: string[], flags: ReplayFlags): Promise<number> {
  let siteKey: Uint8Array | undefined;
  if (flags.siteKey !== undefined) siteKey = parseSiteKey(flags.siteKey, '--site-key');
  else if (flags.db !== undefined && flags.store) siteKey = loadOrCreateSiteKey(`${flags.db}.key`);
  const store: Store | undefined = flags.store ? new SqliteStore(flags.db ?? ':memory:') : undefined;
  const bar = new ProgressBar();
  try {
    const report = await replay({
      inputs: files.map((path) => ({ path })),
      windowSeconds: flags.window,
      sensorId: flags.sensor,
      ...(store === undefined ? {} : { store }),
      ...(siteKey === undefined ? {} : { siteKey }),
      onProgress: ({ path, bytes, totalBytes }) => bar.update(path, bytes, totalBytes),
    });
    bar.done();
    for (const failure of report.failures)
      process.stderr.write(`airtrace: ${failure.path}: ${failure.message}\n`);
    if (flags.json) {
      process.stdout.write(`${jsonReport(report)}\n`);
    } else {
      if (store !== undefined) {
        for (const [medium, title, nameHeader] of [
          ['wifi', 'Wi-Fi', 'SSID'],
          ['ble', 'Bluetooth', 'name'],
        ] as const) {
          const { total, rows } = await store.devices({ medium, sort: 'minutesSpent', limit: flags.rows });
          if (total === 0) continue;
          process.stdout.write(`\n${title}\n${deviceTable(rows, nameHeader)}\n`);
          if (total > rows.length) process.stdout.write(`… ${total - rows.length} more devices\n`);
        }
      }
      const skipped = Object.entries(report.skipped).map(([reason, n]) => `${reason}: ${n}`);
      process.stdout.write(
        `\n${report.frames} frames (${report.framesWithRssi} with RSSI), ${report.wifiDevices} Wi-Fi devices, ` +
          `${report.bluetoothDevices} Bluetooth devices, ` +
          `${report.windows} windows of ${flags.window} s` +
          (skipped.length > 0 ? `; skipped ${skipped.join(', ')}` : '') +
          (flags.db !== undefined && store !== undefined ? `; stored in ${flags.db}` : '') +
          '\n',
      );
    }
    return report.failures.length > 0 ? 1 : 0;
  } finally {
    bar.done();
    await store?.close();
  }
}
