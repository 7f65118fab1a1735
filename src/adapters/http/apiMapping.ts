import type { DeviceRow, WindowRow } from '../storage/store.ts';
import type { ApiDevice, ApiWindow } from './apiTypes.ts';

/** The ratio-corrected estimate the original tracker showed: detectable devices over detectable share. */
export function estimateOf(devices: number, ratio: number): number {
  return Math.round((devices / ratio) * 10) / 10;
}

export function toApiWindow(w: WindowRow, ratio: number): ApiWindow {
  const devices = w.wifiDevices + w.bluetoothDevices - w.bothDevices;
  return {
    windowStart: w.windowStart,
    windowEnd: w.windowEnd,
    wifi: w.wifiDevices,
    bluetooth: w.bluetoothDevices,
    both: w.bothDevices,
    devices,
    randomized: w.randomizedDevices,
    estimate: estimateOf(devices, ratio),
  };
}

export function toApiDevice(r: DeviceRow): ApiDevice {
  return {
    deviceId: r.deviceId,
    firstSeen: r.firstSeen,
    lastSeen: r.lastSeen,
    rssiMean: r.rssiMean,
    rssiStd: r.rssiStd,
    manufacturer: r.manufacturer,
    randomized: r.randomized,
    ssids: r.ssids,
    minutesSpent: r.minutesSpent,
  };
}
