import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** A seeded generator, so every run benchmarks the same bytes. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SSIDS = ['', 'eduroam', 'Home-5G', 'Starbucks WiFi', 'FRITZ!Box 7590 XY', 'iPhone', ''];

function probeRequest(mac: Uint8Array, seq: number, ssid: string, rssi: number, freq: number): Buffer {
  const ssidBytes = Buffer.from(ssid, 'utf8');
  const radiotap = Buffer.alloc(16);
  radiotap.writeUInt8(0, 0); // version
  radiotap.writeUInt16LE(16, 2); // length
  radiotap.writeUInt32LE((1 << 1) | (1 << 3) | (1 << 5), 4); // flags, channel, dBm antenna signal
  radiotap.writeUInt8(0, 8); // flags: no FCS
  // byte 9 is padding: the channel field is 2-byte aligned
  radiotap.writeUInt16LE(freq, 10);
  radiotap.writeUInt16LE(0x00a0, 12); // 2 GHz, CCK
  radiotap.writeInt8(rssi, 14);
  const header = Buffer.alloc(24);
  header.writeUInt16LE(0x0040, 0); // management, probe request
  header.fill(0xff, 4, 10); // broadcast receiver
  Buffer.from(mac).copy(header, 10);
  header.fill(0xff, 16, 22); // wildcard BSSID
  header.writeUInt16LE((seq & 0x0fff) << 4, 22);
  const ies = Buffer.concat([
    Buffer.from([0, ssidBytes.length]),
    ssidBytes,
    Buffer.from([1, 4, 0x02, 0x04, 0x0b, 0x16]), // supported rates
    Buffer.from([50, 8, 0x0c, 0x12, 0x18, 0x24, 0x30, 0x48, 0x60, 0x6c]), // extended rates
    Buffer.from([3, 1, 6]), // DS parameter set
    Buffer.from([45, 26, 0x2d, 0x40, 0x17, 0xff, 0xff, ...new Array<number>(21).fill(0)]), // HT capabilities
    Buffer.from([127, 8, 0x04, 0x00, 0x0a, 0x02, 0x01, 0x00, 0x40, 0x80]), // extended capabilities
    Buffer.from([221, 7, 0x00, 0x50, 0xf2, 0x08, 0x00, 0x10, 0x00]), // vendor (Microsoft WPS-ish)
  ]);
  return Buffer.concat([radiotap, header, ies]);
}

/**
 * Writes a classic pcap (link type 127, radiotap) of probe requests from a pool of devices,
 * about two thirds of them with randomized MACs, ten frames per second.
 */
export async function writeProbeRequestCapture(path: string, frames: number, seed = 42): Promise<void> {
  const random = mulberry32(seed);
  const devices = Array.from({ length: 5000 }, () => {
    const mac = new Uint8Array(6).map(() => Math.floor(random() * 256));
    mac[0] = random() < 0.66 ? (mac[0]! | 0x02) & 0xfe : mac[0]! & 0xfc;
    return { mac, seq: Math.floor(random() * 4096), ssid: SSIDS[Math.floor(random() * SSIDS.length)]! };
  });
  const out = createWriteStream(path);
  const globalHeader = Buffer.alloc(24);
  globalHeader.writeUInt32LE(0xa1b2c3d4, 0);
  globalHeader.writeUInt16LE(2, 4);
  globalHeader.writeUInt16LE(4, 6);
  globalHeader.writeUInt32LE(65535, 16);
  globalHeader.writeUInt32LE(127, 20);
  out.write(globalHeader);
  const start = 1_700_000_000;
  let batch: Buffer[] = [];
  for (let i = 0; i < frames; i++) {
    const device = devices[Math.floor(random() * devices.length)]!;
    device.seq = (device.seq + 1) & 0x0fff;
    const freq = [2412, 2437, 2462][i % 3]!;
    const frame = probeRequest(device.mac, device.seq, device.ssid, -40 - Math.floor(random() * 55), freq);
    const t = start + i / 10;
    const record = Buffer.alloc(16);
    record.writeUInt32LE(Math.floor(t), 0);
    record.writeUInt32LE(Math.round((t % 1) * 1e6), 4);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    batch.push(record, frame);
    if (batch.length >= 2048) {
      if (!out.write(Buffer.concat(batch))) await once(out, 'drain');
      batch = [];
    }
  }
  out.end(Buffer.concat(batch));
  await once(out, 'finish');
}
