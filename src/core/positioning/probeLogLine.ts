import { normalizeMac } from '../identity/mac.ts';
import type { Medium, Observation } from '../model.ts';
import type { Point2 } from './geometry.ts';
import { channelFrequencyMhz } from './frequency.ts';

/**
 * One line of the positioning document's multi-probe log:
 *
 *   Timestamp(us),ProbeMac,SourceMac,DestinationMac,BSSID,FrameType,RSSI,Channel,SSID
 *
 * ProbeMac is the sensor that heard the frame, SourceMac the device. The SSID is the last
 * column and may itself contain commas, so everything after the eighth comma belongs to it (or
 * it is quoted CSV-style). A bad line is a value, not an exception.
 */

export const PROBE_LOG_HEADER =
  'Timestamp(us),ProbeMac,SourceMac,DestinationMac,BSSID,FrameType,RSSI,Channel,SSID';

export type ProbeLogProblem =
  | 'too-few-fields'
  | 'bad-timestamp'
  | 'bad-probe'
  | 'bad-source-mac'
  | 'bad-rssi'
  | 'non-negative-rssi'
  | 'bad-channel';

export type ProbeLogLine =
  | { kind: 'observation'; observation: Observation }
  | { kind: 'header' }
  | { kind: 'blank' }
  | { kind: 'bad'; problem: ProbeLogProblem };

/** Lowest RSSI a radio reports, dBm; anything lower (or not a number) is a damaged line. */
const LOWEST_RSSI = -130;

/**
 * A sensor id as logs and site files write it, compared case- and separator-insensitively:
 * MAC-like ids become lower-case colon form, anything else is trimmed and lower-cased.
 */
export function normaliseSensorId(id: string): string {
  return normalizeMac(id) ?? id.trim().toLowerCase();
}

/** 802.11 type/subtype numbers as tshark's wlan.fc.type_subtype prints them (type << 4 | subtype). */
const WIFI_TYPE_SUBTYPE: Readonly<Record<number, string>> = {
  0x00: 'assoc-req',
  0x01: 'assoc-resp',
  0x04: 'probe-req',
  0x05: 'probe-resp',
  0x08: 'beacon',
  0x0b: 'auth',
  0x0d: 'action',
  0x20: 'data',
  0x24: 'null',
  0x28: 'qos-data',
  0x2c: 'qos-null',
};

const FRAME_TYPE_ALIASES: Readonly<Record<string, string>> = {
  probereq: 'probe-req',
  proberequest: 'probe-req',
  proberesp: 'probe-resp',
  proberesponse: 'probe-resp',
  qosdata: 'qos-data',
  qosnull: 'qos-null',
  advind: 'adv-ind',
  advdirectind: 'adv-direct-ind',
  advnonconnind: 'adv-nonconn-ind',
  advscanind: 'adv-scan-ind',
  scanrsp: 'scan-rsp',
  scanreq: 'scan-req',
};

/** A short stable frame-type name: `Probe Request`, `probe_req`, `0x04` and `4` all become `probe-req`. */
export function normaliseFrameType(text: string): string {
  const t = text.trim();
  if (t === '') return 'unknown';
  if (/^(0x[0-9a-f]+|\d+)$/i.test(t)) return WIFI_TYPE_SUBTYPE[Number(t)] ?? `type-${Number(t)}`;
  const compact = t.toLowerCase().replace(/[^a-z0-9]/g, '');
  return FRAME_TYPE_ALIASES[compact] ?? t.toLowerCase().replace(/[\s_]+/g, '-');
}

function mediumOf(frameType: string): Medium {
  return /^(adv-|scan-rsp|scan-req|connect-ind|ble)/.test(frameType) ? 'ble' : 'wifi';
}

function unquote(field: string): string {
  return field.length >= 2 && field.startsWith('"') && field.endsWith('"')
    ? field.slice(1, -1).replace(/""/g, '"')
    : field;
}

export function parseProbeLogLine(raw: string): ProbeLogLine {
  const line = raw.replace(/^\uFEFF/, '').replace(/[\r\n]+$/, '');
  if (line.trim() === '') return { kind: 'blank' };
  const f = line.split(',');
  if (f.length < 9)
    return /^\s*timestamp/i.test(line) ? { kind: 'header' } : { kind: 'bad', problem: 'too-few-fields' };
  const [tsText, probeText, sourceText, , , frameText, rssiText, channelText] = f.map((s) => s.trim());
  if (/^timestamp/i.test(tsText!)) return { kind: 'header' };
  if (!/^\d+(\.\d*)?$/.test(tsText!)) return { kind: 'bad', problem: 'bad-timestamp' };
  const sensorId = normaliseSensorId(probeText!);
  if (sensorId === '') return { kind: 'bad', problem: 'bad-probe' };
  const mac = normalizeMac(sourceText!);
  if (mac === undefined) return { kind: 'bad', problem: 'bad-source-mac' };
  let rssi: number | undefined;
  if (rssiText !== '') {
    rssi = Number(rssiText);
    if (!Number.isFinite(rssi) || rssi < LOWEST_RSSI) return { kind: 'bad', problem: 'bad-rssi' };
    // 0 dBm and up is a received power no receiver reports from a device across a room (a
    // driver's placeholder, an unsigned byte read as signed): skipped, and counted apart.
    if (rssi >= 0) return { kind: 'bad', problem: 'non-negative-rssi' };
  }
  let channel: number | undefined;
  if (channelText !== '') {
    channel = Number(channelText);
    if (!Number.isInteger(channel) || channel < 0 || channel > 255)
      return { kind: 'bad', problem: 'bad-channel' };
  }
  const frameType = normaliseFrameType(frameText!);
  const medium = mediumOf(frameType);
  const observation: Observation = { t: Number(tsText) / 1e6, sensorId, medium, mac, frameType };
  if (rssi !== undefined) observation.rssi = rssi;
  if (channel !== undefined) {
    observation.channel = channel;
    const freq = channelFrequencyMhz(channel, medium);
    if (freq !== undefined) observation.freqMhz = freq;
  }
  const ssid = unquote(f.slice(8).join(','));
  if (ssid !== '') observation.ssid = ssid;
  return { kind: 'observation', observation };
}

export interface ProbeLogRow {
  timestampUs: number;
  probe: string;
  source: string;
  destination?: string;
  bssid?: string;
  frameType: string;
  rssi?: number;
  channel?: number;
  ssid?: string;
}

function quoteIfNeeded(s: string): string {
  const flat = s.replace(/\r/g, '\\x0d').replace(/\n/g, '\\x0a');
  return /[",]/.test(flat) ? `"${flat.replace(/"/g, '""')}"` : flat;
}

export function formatProbeLogLine(row: ProbeLogRow): string {
  return [
    Math.round(row.timestampUs).toString(),
    row.probe,
    row.source,
    row.destination ?? '',
    row.bssid ?? '',
    row.frameType,
    row.rssi === undefined ? '' : String(row.rssi),
    row.channel === undefined ? '' : String(row.channel),
    row.ssid === undefined ? '' : quoteIfNeeded(row.ssid),
  ].join(',');
}

/**
 * The spot a recording was made at, from its file name `X-Y.log` (metres, e.g. `3.5-2.log`,
 * `-1.2--0.5.log`); undefined for any other name.
 */
export function parseSpotName(fileName: string): Point2 | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const m = /^(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)\.log$/i.exec(base);
  return m ? { x: Number(m[1]), y: Number(m[2]) } : undefined;
}
