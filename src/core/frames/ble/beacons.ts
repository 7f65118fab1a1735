/**
 * Names the well-known payload formats found in advertising data, so a device can be described
 * ('ibeacon', 'apple-nearby-info', 'microsoft-cdp', ...) without keeping its bytes.
 */
import type { AdInfo } from './adStructures.ts';

export const COMPANY_APPLE = 0x004c;
export const COMPANY_MICROSOFT = 0x0006;

/** Apple Continuity message types: the first byte of Apple manufacturer data. */
const APPLE_TYPES: Readonly<Record<number, string>> = {
  0x01: 'apple-overflow',
  0x03: 'apple-airprint',
  0x05: 'apple-airdrop',
  0x06: 'apple-homekit',
  0x07: 'apple-proximity-pairing',
  0x08: 'apple-hey-siri',
  0x09: 'apple-airplay-target',
  0x0a: 'apple-airplay-source',
  0x0b: 'apple-magic-switch',
  0x0c: 'apple-handoff',
  0x0d: 'apple-tethering-target',
  0x0e: 'apple-tethering-source',
  0x0f: 'apple-nearby-action',
  0x10: 'apple-nearby-info',
  0x12: 'apple-find-my',
};

const IBEACON_TYPE = 0x02;
const IBEACON_LENGTH = 0x15;

/** Eddystone frame types: the first byte of service data for UUID 0xFEAA. */
const EDDYSTONE_FRAMES: Readonly<Record<number, string>> = {
  0x00: 'eddystone-uid',
  0x10: 'eddystone-url',
  0x20: 'eddystone-tlm',
  0x30: 'eddystone-eid',
  // Google's Find My Device network reuses the Eddystone service UUID.
  0x40: 'google-find-my-device',
  0x41: 'google-find-my-device',
};

/** Microsoft beacon scenario types: the first byte of Microsoft manufacturer data. */
const MICROSOFT_CDP = 0x01;
const MICROSOFT_SWIFT_PAIR = 0x03;

/** 16-bit service data UUIDs that name their format. */
const SERVICE_DATA_NAMES: Readonly<Record<string, string>> = {
  fe2c: 'google-fast-pair',
  fd6f: 'exposure-notification',
  fd5a: 'samsung-smarttag',
};

function appleLabel(data: Uint8Array): string {
  const type = data[0];
  if (type === undefined) return 'apple';
  if (type === IBEACON_TYPE && data[1] === IBEACON_LENGTH && data.length >= 2 + IBEACON_LENGTH)
    return 'ibeacon';
  return APPLE_TYPES[type] ?? 'apple';
}

function microsoftLabel(data: Uint8Array): string {
  if (data[0] === MICROSOFT_CDP) return 'microsoft-cdp';
  if (data[0] === MICROSOFT_SWIFT_PAIR) return 'microsoft-swift-pair';
  return 'microsoft';
}

/** AltBeacon: beacon code 0xBEAC, 20-byte id, reference RSSI, one reserved byte. */
function isAltBeacon(data: Uint8Array): boolean {
  return data.length === 24 && data[0] === 0xbe && data[1] === 0xac;
}

/** A short label for the first recognised format in `ad`, or undefined. */
export function recogniseBeacon(ad: AdInfo): string | undefined {
  for (const m of ad.manufacturerData) {
    if (m.companyId === COMPANY_APPLE) return appleLabel(m.data);
    if (m.companyId === COMPANY_MICROSOFT) return microsoftLabel(m.data);
    if (isAltBeacon(m.data)) return 'altbeacon';
  }
  for (const s of ad.serviceData) {
    if (s.uuid === 'feaa') {
      const frame = s.data[0];
      return (frame !== undefined ? EDDYSTONE_FRAMES[frame] : undefined) ?? 'eddystone';
    }
    const name = SERVICE_DATA_NAMES[s.uuid];
    if (name !== undefined) return name;
  }
  return undefined;
}
