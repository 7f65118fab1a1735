/**
 * ESPresense's MQTT messages, as its firmware publishes them (ESPresense.com, "MQTT", firmware
 * v4): per tracked device and node a non-retained JSON report on `<prefix>/devices/<id>/<room>`,
 *
 *   {"id":"apple:1005:9-26","name":"...","idType":-5,"rssi@1m":-65,"rssi":-72,"raw":2.5,
 *    "distance":2.1,"speed":0.01,"mac":"c0ffee123456","interval":1200}
 *
 * and per node its retained availability (the last will) on `<prefix>/rooms/<room>/status`,
 * `online` or `offline`. The device id often embeds an address (`known:<mac>`, `sonos:<mac>`) and
 * `mac` is one: the report is reduced here to what airtrace keeps, and the caller hashes the id
 * at once. Everything is untrusted bytes: decoding returns a typed rejection, never throws.
 */

export type EspresenseTopic =
  { kind: 'device'; deviceId: string; room: string } | { kind: 'room-status'; room: string };

/** The kind of an ESPresense topic under `prefix`, or undefined for any other topic. */
export function parseEspresenseTopic(prefix: string, topic: string): EspresenseTopic | undefined {
  if (!topic.startsWith(`${prefix}/`)) return undefined;
  const levels = topic.slice(prefix.length + 1).split('/');
  if (levels.length === 3 && levels[0] === 'devices' && levels[1] !== '' && levels[2] !== '')
    return { kind: 'device', deviceId: levels[1]!, room: levels[2]! };
  if (levels.length === 3 && levels[0] === 'rooms' && levels[2] === 'status' && levels[1] !== '')
    return { kind: 'room-status', room: levels[1]! };
  return undefined;
}

/** What a device report tells airtrace; the id is still raw here, for the caller to hash. */
export interface EspresenseReport {
  id: string;
  rssi: number;
  /** The node's own filtered distance estimate, metres. */
  distance?: number;
  /** RSSI the node expects at 1 m from this device (its calibration, or the beacon's). */
  rssiAt1m?: number;
  /** Advertised or enrolled name (attacker-controlled text). */
  name?: string;
  /** Bluetooth SIG company of the device, from its id's kind, when it names one. */
  companyId?: number;
}

export type EspresenseRejection = 'oversized' | 'bad-json' | 'invalid' | 'id-mismatch';

export type DecodedReport =
  { ok: true; report: EspresenseReport } | { ok: false; reason: EspresenseRejection };

/** A report is a few hundred bytes; anything much larger is not one. */
export const MAX_REPORT_BYTES = 4096;
const MAX_ID_CHARS = 256;
const MAX_NAME_CHARS = 256;

/**
 * Ids whose kind names the maker, as the firmware builds them (BleFingerprint.cpp): the Bluetooth
 * SIG company identifier of each, so the vendor column reads as for airtrace's own sensors.
 */
const COMPANY_BY_ID_KIND: ReadonlyMap<string, number> = new Map([
  ['apple', 0x004c],
  ['msft', 0x0006],
  ['sonos', 0x05a7],
  ['garmin', 0x0087],
  ['samsung', 0x0075],
  ['mifit', 0x0157],
]);

function companyOf(id: string): number | undefined {
  const colon = id.indexOf(':');
  if (colon <= 0) return undefined;
  const kind = id.slice(0, colon);
  const known = COMPANY_BY_ID_KIND.get(kind);
  if (known !== undefined) return known;
  // `md:<company as 4 hex digits>:<length>`: manufacturer data of any other maker.
  const md = kind === 'md' ? /^md:([0-9a-f]{4}):/i.exec(id) : null;
  return md === null ? undefined : parseInt(md[1]!, 16);
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The report in `payload` for the device `topicId`. The topic and the payload both name the
 * device; a report whose id is not its topic's is refused (a forged or mixed-up message).
 */
export function decodeEspresenseReport(payload: Uint8Array, topicId: string): DecodedReport {
  if (payload.length > MAX_REPORT_BYTES) return { ok: false, reason: 'oversized' };
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return { ok: false, reason: 'bad-json' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'invalid' };
  const o = value as Record<string, unknown>;
  const id = o['id'] ?? topicId;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_CHARS)
    return { ok: false, reason: 'invalid' };
  if (id !== topicId) return { ok: false, reason: 'id-mismatch' };
  const rssi = o['rssi'];
  // A received level is never positive; -150 dBm is below any radio's noise floor.
  if (!finite(rssi) || rssi > 0 || rssi < -150) return { ok: false, reason: 'invalid' };
  const report: EspresenseReport = { id, rssi };
  const distance = o['distance'];
  if (finite(distance) && distance >= 0 && distance <= 1000) report.distance = distance;
  const rssiAt1m = o['rssi@1m'];
  if (finite(rssiAt1m) && rssiAt1m <= 0 && rssiAt1m >= -150) report.rssiAt1m = rssiAt1m;
  const name = o['name'];
  // A name that spells the id out would carry it (and the address it may hold) to the store.
  if (typeof name === 'string' && name !== '' && name.length <= MAX_NAME_CHARS && !name.includes(id))
    report.name = name;
  const companyId = companyOf(id);
  if (companyId !== undefined) report.companyId = companyId;
  return { ok: true, report };
}

/** A node's availability (its retained status and last will), or undefined for anything else. */
export function decodeRoomStatus(payload: Uint8Array): boolean | undefined {
  const text = Buffer.from(payload).toString('utf8').trim().toLowerCase();
  if (text === 'online') return true;
  if (text === 'offline') return false;
  return undefined;
}
