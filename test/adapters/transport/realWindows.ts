import { join } from 'node:path';
import type { DeviceWindow, WindowSummary } from '../../../src/core/model.ts';
import { replay } from '../../../src/app/batch/replay.ts';
import { fixtures } from '../../helpers/paths.ts';

export const SITE_KEY = new Uint8Array(32).fill(7);

/** Windows of real captures (Wi-Fi probe requests, BLE advertisements with names), as a sensor sends them. */
export async function realWindows(sensorId: string): Promise<WindowSummary[]> {
  const windows: WindowSummary[] = [];
  for (const path of [
    join(fixtures, 'wifi/brno_2022-10-18_first300.pcap'),
    join(fixtures, 'ble/horizon74_btsnoop_hci.log'),
  ]) {
    await replay({
      inputs: [{ path }],
      windowSeconds: 60,
      sensorId,
      siteKey: SITE_KEY,
      onWindow: (w) => windows.push(w),
    });
  }
  return windows;
}

/** A plausible window of `devices` Wi-Fi devices, numbered from `first`. */
export function syntheticWindow(
  sensorId: string,
  windowStart: number,
  devices: number,
  first = 0,
): WindowSummary {
  const list: DeviceWindow[] = Array.from({ length: devices }, (_, k) => {
    const i = first + k;
    return {
      deviceId: `${sensorId.length}${i.toString(16).padStart(31, '0')}`,
      medium: i % 4 === 0 ? 'ble' : 'wifi',
      randomized: i % 3 === 0,
      vendor: i % 3 === 0 ? 'randomized' : 'Apple, Inc.',
      frames: 2 + (i % 5),
      rssi: { count: 2 + (i % 5), mean: -60 - (i % 30), std: 2.5, min: -70 - (i % 30), max: -55 - (i % 30) },
      ssids: i % 5 === 0 ? [`SSID_${i}`] : [],
      frameTypes: { 'probe-req': 2 + (i % 5) },
      ieFingerprints: ['805b72cbbba09f04'],
      channels: [1, 6],
      firstSeen: windowStart + (i % 50),
      lastSeen: windowStart + 50 + (i % 10),
      seqFirst: i % 4096,
      seqLast: (i + 7) % 4096,
    };
  });
  return {
    schema: 1,
    sensorId,
    windowStart,
    windowEnd: windowStart + 60,
    frames: list.reduce((a, d) => a + d.frames, 0),
    framesWithRssi: list.reduce((a, d) => a + (d.rssi?.count ?? 0), 0),
    devices: list,
  };
}

export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
