/**
 * Information elements (IEs) of a probe request body, and the IE fingerprint.
 *
 * A phone with a randomized MAC still describes its radio the same way in every probe: which
 * elements it sends, in which order, and the capability elements' contents. The fingerprint is
 * a hash over exactly the parts that stay constant between one device's probes, so probes from
 * rotating MACs of one device can be grouped. Per element (in frame order):
 *
 * | element | hashed | why |
 * |---|---|---|
 * | every element | id (and extension id), and its length unless said otherwise | the set and order of elements is the strongest part of the fingerprint |
 * | 0 SSID | id only | length and content change with the network asked for (wildcard or directed) |
 * | 114 Mesh ID | id only | like the SSID |
 * | 1 Supported Rates, 50 Extended Supported Rates | content | fixed by the chipset (per band: a 5 GHz probe has no 802.11b rates, so it fingerprints apart from a 2.4 GHz one) |
 * | 3 DS Parameter Set | length only | the content is the current channel |
 * | 45 HT Capabilities | content, with 3 bits of HT Capabilities Info masked | see below |
 * | 191 VHT Capabilities, 70 RM Enabled Capabilities, 127 Extended Capabilities | content | fixed capability bits |
 * | 10 Request | content | the list of element ids asked for, fixed by the software |
 * | 59 Supported Operating Classes | content after its first octet | the first octet is the current operating class (channel) |
 * | 107 Interworking | first octet (access network options) | an optional HESSID names the network searched for |
 * | 221 Vendor Specific | OUI, vendor type | the payload can carry changing data (WPS UUID, device state, nonces) |
 * | 255 extension: HE Capabilities (35), HE 6 GHz Band Capabilities (59), EHT Capabilities (108) | content after the extension id | fixed capability bits |
 * | anything else | id and length | unknown content may hold counters, nonces or times |
 *
 * HT Capabilities Info: bit 1 (Supported Channel Width Set) follows the band and, on some
 * devices, the current channel width, and bits 2-3 (SM Power Save) follow the power state
 * (dynamic SMPS when the screen is off or the battery low). Hashing them would split one device
 * into several fingerprints, so they are masked; what they could add is small next to the rest
 * of the element (MCS set, A-MPDU parameters, TxBF, ASEL). On the ProbingPatterns recordings
 * (one phone per file, 2.4 GHz only) the mask changes nothing: each phone, with 1 to 465
 * randomized MACs, shows 1 to 3 fingerprints either way.
 *
 * A truncated element list is hashed as far as it goes, plus a truncation marker, so a cut-off
 * probe never shares a fingerprint with a complete one.
 */

import { finishHex, HASH_SEED_1, HASH_SEED_2, mixLane1, mixLane2 } from './hash64.ts';
import { HEX_BYTE } from './ieee80211.ts';
import { displaySsid } from './ssidText.ts';

export const ElementId = {
  SSID: 0,
  SUPPORTED_RATES: 1,
  DS_PARAMETER_SET: 3,
  REQUEST: 10,
  HT_CAPABILITIES: 45,
  EXTENDED_SUPPORTED_RATES: 50,
  SUPPORTED_OPERATING_CLASSES: 59,
  RM_ENABLED_CAPABILITIES: 70,
  INTERWORKING: 107,
  MESH_ID: 114,
  EXTENDED_CAPABILITIES: 127,
  VHT_CAPABILITIES: 191,
  VENDOR_SPECIFIC: 221,
  EXTENSION: 255,
} as const;

export const ElementExtensionId = {
  HE_CAPABILITIES: 35,
  HE_6GHZ_BAND_CAPABILITIES: 59,
  EHT_CAPABILITIES: 108,
} as const;

/** HT Capabilities Info bits left out of the fingerprint: channel width set (1), SM power save (2-3). */
const HT_CAP_INFO_VOLATILE = 0x0e;
/** Hashed after the elements when the list was cut off (no element header word can equal it). */
const TRUNCATED_MARKER = 0xff00ffff;

export interface VendorIe {
  /** `aa:bb:cc`, lower case. */
  oui: string;
  /** The octet after the OUI, when present (the vendor's element type). */
  type?: number;
  length: number;
}

export interface ProbeRequestIes {
  /** Display form (see ssidText.ts); '' for the wildcard SSID; absent when there is no SSID element. */
  ssid?: string;
  /** Copy of the raw SSID bytes (empty when absent). */
  ssidBytes: Uint8Array;
  /** Raw rate octets (units of 500 kb/s, bit 0x80 = basic rate), Supported Rates element. */
  supportedRates: number[];
  /** Raw rate octets of the Extended Supported Rates element. */
  extendedRates: number[];
  /** Copies of the element bodies (HE: after the extension id). */
  htCapabilities?: Uint8Array;
  vhtCapabilities?: Uint8Array;
  heCapabilities?: Uint8Array;
  extendedCapabilities?: Uint8Array;
  vendorIEs: VendorIe[];
  /** Element ids in frame order (255 for every extension element). */
  ieIds: number[];
  /** Extension ids of the 255 elements, in frame order. */
  extensionIds: number[];
  fingerprint: string;
  /** An element ran past the end of the body: parsing stopped there. */
  truncated: boolean;
}

/** What the hot path needs from a probe request. Reusable: pass the same object every time. */
export interface ProbeSummary {
  ssid: string | undefined;
  fingerprint: string;
  truncated: boolean;
}

/** Elements whose whole body is hashed. */
const HASH_WHOLE_BODY = new Uint8Array(256);
for (const id of [
  ElementId.SUPPORTED_RATES,
  ElementId.EXTENDED_SUPPORTED_RATES,
  ElementId.VHT_CAPABILITIES,
  ElementId.RM_ENABLED_CAPABILITIES,
  ElementId.EXTENDED_CAPABILITIES,
  ElementId.REQUEST,
  ElementId.HT_CAPABILITIES,
]) {
  HASH_WHOLE_BODY[id] = 1;
}

/**
 * The SSID and IE fingerprint of the probe request body `data[offset, end)`, written into `out`
 * (a fresh object when none is given) and returned. Never throws.
 *
 * Hashed words, per element: a header word `id | length << 8 | extensionId << 16 | hasExtension
 * << 24` (length 0 for SSID and Mesh ID), then the hashed part of the body as little-endian
 * words, the last one zero-padded (its length follows from the header). The bytes are read in
 * place: no copy.
 */
export function summarizeProbeRequest(
  data: Uint8Array,
  offset: number,
  end: number,
  out: ProbeSummary = { ssid: undefined, fingerprint: '', truncated: false },
): ProbeSummary {
  if (end > data.length) end = data.length;
  if (offset < 0) offset = 0;
  let h1 = HASH_SEED_1;
  let h2 = HASH_SEED_2;
  let words = 0;
  let ssid: string | undefined;
  let truncated = false;
  let p = offset;
  while (p < end) {
    if (end - p < 2) {
      truncated = true;
      break;
    }
    const id = data[p]!;
    const length = data[p + 1]!;
    const body = p + 2;
    const next = body + length;
    if (next > end) {
      truncated = true;
      break;
    }
    let header = id | (length << 8);
    // The hashed part of the body, and a mask for its first word (HT Capabilities Info).
    let from = body;
    let to = body;
    let firstMask = -1;
    if (HASH_WHOLE_BODY[id] === 1) {
      to = next;
      if (id === ElementId.HT_CAPABILITIES) firstMask = ~HT_CAP_INFO_VOLATILE;
    } else if (id === ElementId.SSID) {
      header = id;
      if (ssid === undefined) ssid = displaySsid(data, body, next);
    } else if (id === ElementId.VENDOR_SPECIFIC) {
      to = next < body + 4 ? next : body + 4;
    } else if (id === ElementId.EXTENSION) {
      if (length > 0) {
        const extension = data[body]!;
        header |= (extension << 16) | (1 << 24);
        if (
          extension === ElementExtensionId.HE_CAPABILITIES ||
          extension === ElementExtensionId.HE_6GHZ_BAND_CAPABILITIES ||
          extension === ElementExtensionId.EHT_CAPABILITIES
        ) {
          from = body + 1;
          to = next;
        }
      }
    } else if (id === ElementId.SUPPORTED_OPERATING_CLASSES) {
      if (length > 0) {
        from = body + 1;
        to = next;
      }
    } else if (id === ElementId.INTERWORKING) {
      to = length > 0 ? body + 1 : body;
    } else if (id === ElementId.MESH_ID) {
      header = id;
    }
    h1 = mixLane1(h1, header);
    h2 = mixLane2(h2, header);
    words++;
    for (let i = from; i < to; i += 4) {
      let k: number;
      if (to - i >= 4) {
        k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
      } else {
        k = data[i]!;
        if (to - i > 1) k |= data[i + 1]! << 8;
        if (to - i > 2) k |= data[i + 2]! << 16;
      }
      k &= firstMask;
      firstMask = -1;
      h1 = mixLane1(h1, k);
      h2 = mixLane2(h2, k);
      words++;
    }
    p = next;
  }
  if (truncated) {
    h1 = mixLane1(h1, TRUNCATED_MARKER);
    h2 = mixLane2(h2, TRUNCATED_MARKER);
    words++;
  }
  out.ssid = ssid;
  out.fingerprint = finishHex(h1, h2, words);
  out.truncated = truncated;
  return out;
}

/** Parses every information element of the probe request body `data[offset, end)`. Never throws. */
export function parseProbeRequestIEs(data: Uint8Array, offset: number, end: number): ProbeRequestIes {
  if (end > data.length) end = data.length;
  if (offset < 0) offset = 0;
  const summary = summarizeProbeRequest(data, offset, end);
  const result: ProbeRequestIes = {
    ssidBytes: new Uint8Array(0),
    supportedRates: [],
    extendedRates: [],
    vendorIEs: [],
    ieIds: [],
    extensionIds: [],
    fingerprint: summary.fingerprint,
    truncated: summary.truncated,
  };
  if (summary.ssid !== undefined) result.ssid = summary.ssid;
  let sawSsid = false;
  let p = offset;
  while (end - p >= 2) {
    const id = data[p]!;
    const body = p + 2;
    const next = body + data[p + 1]!;
    if (next > end) break;
    result.ieIds.push(id);
    switch (id) {
      case ElementId.SSID:
        if (!sawSsid) result.ssidBytes = data.slice(body, next);
        sawSsid = true;
        break;
      case ElementId.SUPPORTED_RATES:
        for (let i = body; i < next; i++) result.supportedRates.push(data[i]!);
        break;
      case ElementId.EXTENDED_SUPPORTED_RATES:
        for (let i = body; i < next; i++) result.extendedRates.push(data[i]!);
        break;
      case ElementId.HT_CAPABILITIES:
        result.htCapabilities = data.slice(body, next);
        break;
      case ElementId.VHT_CAPABILITIES:
        result.vhtCapabilities = data.slice(body, next);
        break;
      case ElementId.EXTENDED_CAPABILITIES:
        result.extendedCapabilities = data.slice(body, next);
        break;
      case ElementId.VENDOR_SPECIFIC:
        if (next - body >= 3) {
          const vendor: VendorIe = {
            oui: `${HEX_BYTE[data[body]!]}:${HEX_BYTE[data[body + 1]!]}:${HEX_BYTE[data[body + 2]!]}`,
            length: next - body,
          };
          if (next - body >= 4) vendor.type = data[body + 3]!;
          result.vendorIEs.push(vendor);
        }
        break;
      case ElementId.EXTENSION:
        if (next > body) {
          const extension = data[body]!;
          result.extensionIds.push(extension);
          if (extension === ElementExtensionId.HE_CAPABILITIES)
            result.heCapabilities = data.slice(body + 1, next);
        }
        break;
    }
    p = next;
  }
  return result;
}
