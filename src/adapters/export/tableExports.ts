import type { DeviceRow, WindowRow } from '../storage/store.ts';
import { formatTable } from './textTable.ts';

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return, which some
 * strip first) as a formula; SSIDs are chosen by whoever is nearby. Such text cells get a
 * leading apostrophe (OWASP's advice), so they are shown, never evaluated.
 */
export function csvTextCell(text: string): string {
  const defused = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n']/.test(defused) || defused !== text ? `"${defused.replace(/"/g, '""')}"` : defused;
}

type Cell = string | number | boolean | null;

function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return csvTextCell(value);
}

export function toCsv(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return (
    [headers.map(csvTextCell), ...rows.map((row) => row.map(csvCell))].map((r) => r.join(',')).join('\r\n') +
    '\r\n'
  );
}

/** ISO 8601 UTC; empty for a time no calendar holds (a stored row from a broken clock never breaks an export). */
export function iso(t: number): string {
  const date = new Date(t * 1000);
  return Number.isFinite(date.getTime()) ? date.toISOString() : '';
}

export const DEVICE_COLUMNS = [
  'device_id',
  'first_seen',
  'last_seen',
  'rssi_mean',
  'rssi_std',
  'manufacturer',
  'randomized',
  'ssid',
  'minutes_spent',
] as const;

export function devicesCsv(rows: readonly DeviceRow[]): string {
  return toCsv(
    DEVICE_COLUMNS,
    rows.map((r) => [
      r.deviceId,
      iso(r.firstSeen),
      iso(r.lastSeen),
      r.rssiMean === null ? null : Number(r.rssiMean.toFixed(2)),
      r.rssiStd === null ? null : Number(r.rssiStd.toFixed(2)),
      r.manufacturer,
      r.randomized,
      r.ssids.join(' | '),
      r.minutesSpent,
    ]),
  );
}

export function windowsCsv(rows: readonly WindowRow[]): string {
  return toCsv(
    [
      'window_start',
      'window_end',
      'wifi_devices',
      'bluetooth_devices',
      'both_devices',
      'randomized_devices',
      'frames',
      'sensors',
    ],
    rows.map((w) => [
      iso(w.windowStart),
      iso(w.windowEnd),
      w.wifiDevices,
      w.bluetoothDevices,
      w.bothDevices,
      w.randomizedDevices,
      w.frames,
      w.sensors,
    ]),
  );
}

function deviceText(rows: readonly DeviceRow[], nameHeader: string): string {
  return formatTable(
    ['device', 'last seen (UTC)', 'mean RSSI', 'std RSSI', 'manufacturer', nameHeader, 'minutes spent'],
    rows.map((r) => [
      r.deviceId,
      iso(r.lastSeen).replace('T', ' ').slice(0, 19),
      r.rssiMean?.toFixed(2) ?? '',
      r.rssiStd?.toFixed(2) ?? '',
      r.manufacturer ?? '',
      r.ssids.at(-1) ?? '',
      String(r.minutesSpent),
    ]),
    64,
  );
}

/** The "Save data" file: both tables as the original tracker printed them. */
export function renderTextExport(
  wifi: readonly DeviceRow[],
  bluetooth: readonly DeviceRow[],
  savedAt: number,
): string {
  return [
    `airtrace data saved at ${iso(savedAt)}`,
    '',
    `Wi-Fi (${wifi.length} devices)`,
    deviceText(wifi, 'SSID'),
    '',
    `Bluetooth (${bluetooth.length} devices)`,
    deviceText(bluetooth, 'name'),
    '',
  ].join('\n');
}
