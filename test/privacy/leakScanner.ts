/**
 * Looks for addresses in bytes: a database file, a log, an MQTT payload, an HTTP body. Each
 * needle is one way an address can show: a spelling as text (any case), the 6 raw bytes in
 * either order, or the display form of planted raw bytes as it would be stored, as JSON
 * (backslashes and quotes escaped, non-ASCII raw or `\uXXXX`) or as a CSV cell (quotes doubled).
 */
import { type Plant, macBytes } from './plantedCaptures.ts';
import { textSpellings } from './macSpellings.ts';

export interface Needle {
  label: string;
  bytes: Buffer;
  caseInsensitive: boolean;
}

function lowerAscii(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  for (let i = 0; i < out.length; i++) if (out[i]! >= 0x41 && out[i]! <= 0x5a) out[i]! += 0x20;
  return out;
}

function textNeedle(label: string, text: string, caseInsensitive: boolean): Needle {
  const bytes = Buffer.from(text, 'utf8');
  return { label, bytes: caseInsensitive ? lowerAscii(bytes) : bytes, caseInsensitive };
}

/** Every text spelling of an address, and its raw bytes in both orders. */
export function addressNeedles(mac: string, role: string): Needle[] {
  const raw = Buffer.from(macBytes(mac));
  return [
    ...textSpellings(macBytes(mac)).map((s) => textNeedle(`${role} ${mac} written "${s}"`, s, true)),
    { label: `${role} ${mac} raw bytes`, bytes: raw, caseInsensitive: false },
    { label: `${role} ${mac} raw bytes reversed`, bytes: Buffer.from(raw).reverse(), caseInsensitive: false },
  ];
}

/** A display text as a JSON string body, as a CSV cell body, and as itself. */
function encodedForms(text: string): string[] {
  const json = JSON.stringify(text).slice(1, -1);
  const asciiJson = json.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return [...new Set([text, json, asciiJson, text.replace(/"/g, '""')])];
}

/** What a plant must never leave behind anywhere: its text's secret, in every form it could be stored. */
export function plantSecretNeedles(plant: Plant): Needle[] {
  const label = `${plant.source} ${plant.mac}`;
  if (plant.peer !== undefined)
    return addressNeedles(plant.peer, `${label}: peer`).filter((n) => n.caseInsensitive);
  if (plant.secret === undefined)
    return addressNeedles(plant.mac, `${label}: own address in its text`).filter((n) => n.caseInsensitive);
  const { text, caseSensitive } = plant.secret;
  return encodedForms(text).map((form) =>
    textNeedle(
      `${label}: "${JSON.stringify(text).slice(1, -1)}" as ${JSON.stringify(form)}`,
      form,
      !caseSensitive,
    ),
  );
}

/** Every needle for a set of plants: their transmitters' addresses and their secrets. */
export function needlesFor(plants: readonly Plant[]): Needle[] {
  const needles = new Map<string, Needle>();
  const add = (n: Needle) => {
    const key = `${n.caseInsensitive}:${n.bytes.toString('hex')}`;
    if (!needles.has(key)) needles.set(key, n);
  };
  for (const mac of new Set(plants.map((p) => p.mac))) addressNeedles(mac, 'transmitter').forEach(add);
  for (const plant of plants) plantSecretNeedles(plant).forEach(add);
  return [...needles.values()];
}

/** The labels of the needles found in `haystack`. */
export function findNeedles(haystack: Buffer, needles: readonly Needle[]): string[] {
  const lower = lowerAscii(haystack);
  return needles.filter((n) => (n.caseInsensitive ? lower : haystack).includes(n.bytes)).map((n) => n.label);
}
