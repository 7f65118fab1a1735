/**
 * Real capture bytes with MAC addresses planted in SSIDs and BLE names: Wi-Fi probe requests
 * (radiotap pcap), BLE advertisements (LE link layer with PHDR, pcap), LE advertising reports
 * (btsnoop HCI log) and BlueZ devices. Each plant says which address it carries and how, so the
 * privacy scan knows what to look for and can prove it would have found it.
 */
import { displayBytes } from '../../src/core/frames/displayBytes.ts';
import { Bytes, concat, ie, pcapFile, radiotap, wifiHeader } from '../core/frames/captureBytes.ts';
import { type Mac, suffixSpellings, textSpellings } from './macSpellings.ts';

export type PlantSource = 'wifi-pcap' | 'ble-pcap' | 'bluez' | 'btsnoop';

export interface Plant {
  source: PlantSource;
  /** The transmitter, `aa:bb:cc:dd:ee:ff`. */
  mac: string;
  /** The SSID or name as sent. */
  bytes: Uint8Array;
  /** Another device's address written in the text, if that is what it carries. */
  peer?: string;
  /**
   * Text whose presence anywhere (any case) is a leak: the planted suffix name, or the display
   * form of planted raw address bytes (exact case).
   */
  secret?: { text: string; caseSensitive: boolean };
}

const utf8 = (text: string) => new TextEncoder().encode(text);
export const macBytes = (mac: string): Mac => mac.split(':').map((h) => parseInt(h, 16));

/** Another device's address in text, one spelling per plant; `senderOf(i)` sends the i-th. */
function peerPlants(
  source: PlantSource,
  senderOf: (i: number) => string,
  peer: string,
  prefix: string,
): Plant[] {
  return textSpellings(macBytes(peer)).map((spelling, i) => ({
    source,
    mac: senderOf(i),
    bytes: utf8(`${prefix}${spelling}`),
    peer,
  }));
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** The transmitter's own address in text, every spelling, and its vendor-style suffixes. */
function ownTextPlants(source: PlantSource, mac: string): Plant[] {
  return [
    ...textSpellings(macBytes(mac)).map((spelling) => ({ source, mac, bytes: utf8(`me ${spelling}`) })),
    ...suffixSpellings(macBytes(mac)).map((name) => ({
      source,
      mac,
      bytes: utf8(name),
      secret: { text: name, caseSensitive: false },
    })),
  ];
}

/** The transmitter's own address bytes, raw, after a label; the leak is their display form. */
function rawPlant(
  source: PlantSource,
  mac: string,
  label: string,
  bytes: readonly number[],
  tail = '',
): Plant {
  const planted = Uint8Array.from([...utf8(label), ...bytes, ...utf8(tail)]);
  const shown = displayBytes(planted);
  return {
    source,
    mac,
    bytes: planted,
    secret: { text: shown.slice(label.length, shown.length - tail.length), caseSensitive: true },
  };
}

export const PEERS = {
  wifi: '5c:cf:7f:a1:b2:c3',
  blePcap: 'de:ad:be:ef:00:01',
  bluez: '00:11:22:33:44:58',
  btsnoop: '02:11:22:33:44:55',
};

export function wifiPlants(): Plant[] {
  const raw = macBytes('c4:11:22:33:44:55');
  return [
    ...peerPlants('wifi-pcap', () => '02:1a:2b:3c:4d:5e', PEERS.wifi, 'peer '),
    ...ownTextPlants('wifi-pcap', 'a4:cf:12:dd:ee:ff'),
    rawPlant('wifi-pcap', 'c4:11:22:33:44:55', 'raw', raw),
    rawPlant('wifi-pcap', 'c4:11:22:33:44:55', 'rev', [...raw].reverse()),
    // Address bytes that are valid UTF-8 (c3 a9 is é) show as characters, not escapes.
    rawPlant('wifi-pcap', '02:c3:a9:41:42:43', 'caf', macBytes('02:c3:a9:41:42:43'), 'e'),
    // An address whose bytes are all printable ASCII: "Beef!!".
    rawPlant('wifi-pcap', '42:65:65:66:21:21', 'my ', macBytes('42:65:65:66:21:21'), ' net'),
  ];
}

export function blePcapPlants(): Plant[] {
  const onAir = (mac: string) => [...macBytes(mac)].reverse();
  return [
    // A BLE device has one name per window: one advertiser per spelling.
    ...peerPlants('ble-pcap', (i) => `d4:11:22:33:44:${hex2(0x60 + i)}`, PEERS.blePcap, 'p '),
    {
      source: 'ble-pcap',
      mac: 'c8:2b:96:aa:bb:cc',
      bytes: utf8('ESP_AABBCC'),
      secret: { text: 'ESP_AABBCC', caseSensitive: false },
    },
    rawPlant('ble-pcap', 'e1:02:03:04:05:06', 'raw', onAir('e1:02:03:04:05:06')),
    { source: 'ble-pcap', mac: 'd0:9a:8b:7c:6d:5e', bytes: utf8('Shelly-D09A8B7C6D5E') },
  ];
}

export function bluezPlants(): Plant[] {
  return [
    rawPlant('bluez', '1c:11:22:33:44:57', 'raw', macBytes('1c:11:22:33:44:57')),
    {
      source: 'bluez',
      mac: 'f4:12:34:56:78:9a',
      bytes: utf8('Pixel_789A'),
      secret: { text: 'Pixel_789A', caseSensitive: false },
    },
    { source: 'bluez', mac: '3c:01:02:03:04:05', bytes: utf8('peer 0011.2233.4458'), peer: PEERS.bluez },
  ];
}

export function btsnoopPlants(): Plant[] {
  return [
    rawPlant('btsnoop', '5a:11:22:33:44:59', 'raw', [...macBytes('5a:11:22:33:44:59')].reverse()),
    {
      source: 'btsnoop',
      mac: '7c:aa:bb:cc:dd:ee',
      bytes: utf8('Tag-DDEE'),
      secret: { text: 'Tag-DDEE', caseSensitive: false },
    },
    {
      source: 'btsnoop',
      mac: '7c:00:00:00:00:01',
      bytes: utf8('peer 02-11-22-33-44-55'),
      peer: PEERS.btsnoop,
    },
  ];
}

const BROADCAST = 'ff:ff:ff:ff:ff:ff';
const CHANNEL = 1 << 3;
const DBM_ANTSIGNAL = 1 << 5;

function probeRequest(mac: string, seq: number, ssid: Uint8Array): Uint8Array {
  const fields = new Bytes(true)
    .u16(2437)
    .u16(0x00a0)
    .u8(-55 & 0xff)
    .done();
  const body = Uint8Array.from([...ie(0, ssid), ...ie(1, [0x82, 0x84, 0x8b, 0x96]), ...ie(3, [6])]);
  return concat(
    radiotap([CHANNEL | DBM_ANTSIGNAL], fields),
    wifiHeader(0x40, 0, BROADCAST, mac, BROADCAST, seq),
    body,
  );
}

/** A radiotap pcap of one probe request per plant, plus an ordinary one, from `t0` on. */
export function wifiCapture(plants: readonly Plant[], t0: number): Uint8Array {
  const frames = [
    ...plants.map((p, i) => ({ mac: p.mac, ssid: p.bytes, seq: i })),
    { mac: '02:1a:2b:3c:4d:5e', ssid: utf8('eduroam'), seq: 999 },
  ];
  return pcapFile(
    frames.map((f, i) => ({
      sec: t0 + Math.floor(i / 10),
      frac: (i % 10) * 100_000,
      data: probeRequest(f.mac, f.seq, f.ssid),
    })),
  );
}

const LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR = 256;
const ADVERTISING_ACCESS_ADDRESS = [0xd6, 0xbe, 0x89, 0x8e];
const PDU_ADV_IND = 0x00;
const TX_ADD_RANDOM = 0x40;
const AD_COMPLETE_LOCAL_NAME = 0x09;

/** An AD structure: length (of type and data), type, data. */
function adStructure(type: number, data: Uint8Array): number[] {
  return [data.length + 1, type, ...data];
}

/** ADV_IND on channel 37 with a PHDR giving its RSSI; AdvA on air is least significant byte first. */
function advertisement(mac: string, name: Uint8Array): Uint8Array {
  // Random static addresses have their two top bits set; the rest are sent as public.
  const random = (macBytes(mac)[0]! & 0xc0) === 0xc0;
  const payload = [...[...macBytes(mac)].reverse(), ...adStructure(AD_COMPLETE_LOCAL_NAME, name)];
  return new Bytes(true)
    .u8(0, -60 & 0xff, 0, 0) // RF channel 0 (37), signal, noise, access address offenses
    .u32(0x8e89bed6) // reference access address
    .u16(0x0002) // flags: signal power valid
    .bytes(ADVERTISING_ACCESS_ADDRESS)
    .u8(PDU_ADV_IND | (random ? TX_ADD_RANDOM : 0), payload.length)
    .bytes(payload)
    .u8(0, 0, 0) // CRC, not checked
    .done();
}

/** A pcap (link type 256) of one advertisement per plant, twice, from `t0` on. */
export function bleCapture(plants: readonly Plant[], t0: number): Uint8Array {
  const records = [...plants, ...plants].map((p, i) => ({
    sec: t0 + Math.floor(i / 10),
    frac: (i % 10) * 100_000,
    data: advertisement(p.mac, p.bytes),
  }));
  return pcapFile(records, { linkType: LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR });
}

const BTSNOOP_EPOCH_OFFSET_US = 0x00dcddb30f2f8000n;
const HCI_EVENT = 0x04;
const LE_META_EVENT = 0x3e;
const LE_ADVERTISING_REPORT = 0x02;
const DATALINK_H4 = 1002;
const FLAGS_RECEIVED_EVENT = 3;

function u32be(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** An HCI LE Advertising Report of one ADV_IND, as a btsnoop H4 packet. */
function advertisingReport(mac: string, name: Uint8Array): number[] {
  const data = adStructure(AD_COMPLETE_LOCAL_NAME, name);
  const report = [
    LE_ADVERTISING_REPORT,
    1,
    0x00,
    0x00,
    ...[...macBytes(mac)].reverse(),
    data.length,
    ...data,
    -58 & 0xff,
  ];
  return [HCI_EVENT, LE_META_EVENT, report.length, ...report];
}

/** A btsnoop v1 H4 log of one advertising report per plant, from `t0` on. */
export function btsnoopLog(plants: readonly Plant[], t0: number): Uint8Array {
  const bytes: number[] = [...utf8('btsnoop\0'), ...u32be(1), ...u32be(DATALINK_H4)];
  plants.forEach((p, i) => {
    const packet = advertisingReport(p.mac, p.bytes);
    const ts = BigInt(Math.round((t0 + i * 0.1) * 1e6)) + BTSNOOP_EPOCH_OFFSET_US;
    bytes.push(...u32be(packet.length), ...u32be(packet.length), ...u32be(FLAGS_RECEIVED_EVENT), ...u32be(0));
    bytes.push(...u32be(Number(ts >> 32n)), ...u32be(Number(ts & 0xffffffffn)), ...packet);
  });
  return Uint8Array.from(bytes);
}

/** A BlueZ Name is a D-Bus string: the planted bytes must be UTF-8 without NUL. */
export function bluezName(plant: Plant): string {
  const name = new TextDecoder('utf-8', { fatal: true }).decode(plant.bytes);
  if (name.includes('\0')) throw new Error(`a D-Bus string cannot hold NUL: ${plant.mac}`);
  return name;
}
