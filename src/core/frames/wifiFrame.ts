/**
 * One captured Wi-Fi record (radiotap + 802.11, or bare 802.11) to the fields presence analytics
 * uses. This is the per-frame hot path: it reuses scratch objects, builds only the transmitter's
 * address string, and parses information elements only for probe requests (where the SSID and
 * the IE fingerprint come from).
 *
 * The returned object always has every key (absent values are `undefined`), so all frames share
 * one shape.
 */

import { frameError, type FrameError } from './frameError.ts';
import {
  FcFlags,
  FrameClass,
  FRAME_TYPE_NAMES,
  ManagementSubtype,
  macHeaderLength,
  transmitterAt,
} from './ieee80211.ts';
import { summarizeProbeRequest, type ProbeSummary } from './probeRequest.ts';
import { newRadiotapScratch, RadiotapFlags, readRadiotap } from './radiotap.ts';

export type { FrameError } from './frameError.ts';

export const LINKTYPE_IEEE802_11 = 105;
export const LINKTYPE_IEEE802_11_RADIOTAP = 127;

const FCS_LENGTH = 4;

export interface WifiFrame {
  rssi?: number;
  freqMhz?: number;
  channel?: number;
  frameType: string;
  transmitter?: string;
  seq?: number;
  ssid?: string;
  ieFingerprint?: string;
  badFcs: boolean;
}

/**
 * Channel number of a centre frequency: 2.4 GHz (1-14), 4.9 and 5 GHz, 6 GHz (1-233, and 2 at
 * 5935 MHz), 60 GHz (1-6). Undefined for frequencies that are no channel centre.
 */
export function freqToChannel(freqMhz: number): number | undefined {
  let channel: number;
  if (freqMhz === 2484) return 14;
  if (freqMhz === 5935) return 2;
  if (freqMhz >= 2412 && freqMhz <= 2472) channel = (freqMhz - 2407) / 5;
  else if (freqMhz >= 4910 && freqMhz <= 4980) channel = (freqMhz - 4000) / 5;
  else if (freqMhz >= 5000 && freqMhz <= 5925) channel = (freqMhz - 5000) / 5;
  else if (freqMhz >= 5955 && freqMhz <= 7115) channel = (freqMhz - 5950) / 5;
  else if (freqMhz >= 58320 && freqMhz <= 70200) channel = (freqMhz - 56160) / 2160;
  else return undefined;
  return Number.isInteger(channel) ? channel : undefined;
}

const radiotap = newRadiotapScratch();
const probe: ProbeSummary = { ssid: undefined, fingerprint: '', truncated: false };

/** Decodes one record of link type 127 (radiotap) or 105 (802.11 without radio header, so no RSSI). */
export function decodeWifiRecord(linkType: number, data: Uint8Array): WifiFrame | FrameError {
  let offset = 0;
  let end = data.length;
  let rssi: number | undefined;
  let freqMhz: number | undefined;
  let badFcs = false;
  if (linkType === LINKTYPE_IEEE802_11_RADIOTAP) {
    const error = readRadiotap(data, radiotap);
    if (error !== undefined) return error;
    offset = radiotap.headerLength;
    rssi = radiotap.rssi;
    freqMhz = radiotap.freqMhz;
    const flags = radiotap.flags;
    if (flags !== undefined) {
      if (flags & RadiotapFlags.FCS_AT_END) end -= FCS_LENGTH;
      badFcs = (flags & RadiotapFlags.BAD_FCS) !== 0;
    }
  } else if (linkType !== LINKTYPE_IEEE802_11) {
    return frameError(`unsupported-link-type-${linkType}`, `unsupported link type ${linkType}`);
  }

  if (end - offset < 10) return frameError('truncated-80211-header', '802.11 frame shorter than 10 bytes');
  const fc0 = data[offset]!;
  if ((fc0 & 3) !== 0) {
    return frameError('unsupported-80211-version', `802.11 protocol version ${fc0 & 3} is not supported`);
  }
  const type = (fc0 >> 2) & 3;
  const subtype = fc0 >> 4;
  const frameType = FRAME_TYPE_NAMES[(type << 4) | subtype]!;
  const headerLength = type === FrameClass.EXTENSION ? 10 : macHeaderLength(fc0, data[offset + 1]!);
  if (end - offset < headerLength) {
    return frameError(
      'truncated-80211-header',
      `${frameType} header needs ${headerLength} bytes, frame has ${end - offset}`,
    );
  }
  const transmitter = transmitterAt(data, offset, type, subtype);
  const seq =
    type === FrameClass.MANAGEMENT || type === FrameClass.DATA
      ? (data[offset + 22]! | (data[offset + 23]! << 8)) >> 4
      : undefined;

  let ssid: string | undefined;
  let ieFingerprint: string | undefined;
  if (
    type === FrameClass.MANAGEMENT &&
    subtype === ManagementSubtype.PROBE_REQUEST &&
    (data[offset + 1]! & FcFlags.PROTECTED) === 0
  ) {
    summarizeProbeRequest(data, offset + headerLength, end, probe);
    ssid = probe.ssid;
    ieFingerprint = probe.fingerprint;
  }
  return {
    rssi,
    freqMhz,
    channel: freqMhz === undefined ? undefined : freqToChannel(freqMhz),
    frameType,
    transmitter,
    seq,
    ssid,
    ieFingerprint,
    badFcs,
  };
}
