import type { LiveFix } from '../../core/positioning/liveLocator.ts';
import type { DeviceRow, WindowRow } from '../storage/store.ts';
import type { ApiDevice, ApiPosition, ApiWindow } from './apiTypes.ts';

/** The ratio-corrected estimate the original tracker showed: detectable devices over detectable share. */
export function estimateOf(devices: number, ratio: number): number {
  return Math.round((devices / ratio) * 10) / 10;
}

const oneDecimal = (x: number) => Math.round(x * 10) / 10;

/** A window for the page: people from the counting model where the hub has it, else devices / ratio. */
export function toApiWindow(w: WindowRow, ratio: number): ApiWindow {
  const devices = w.wifiDevices + w.bluetoothDevices - w.bothDevices;
  const base = {
    windowStart: w.windowStart,
    windowEnd: w.windowEnd,
    wifi: w.wifiDevices,
    bluetooth: w.bluetoothDevices,
    both: w.bothDevices,
    devices,
    randomized: w.randomizedDevices,
  };
  if (w.people === null) {
    return {
      ...base,
      estimate: estimateOf(devices, ratio),
      low: null,
      high: null,
      estimateMethod: 'ratio',
      final: null,
    };
  }
  return {
    ...base,
    estimate: oneDecimal(w.people.estimate),
    low: oneDecimal(w.people.low),
    high: oneDecimal(w.people.high),
    estimateMethod: 'model',
    final: w.people.final,
  };
}

export function toApiPosition(f: LiveFix): ApiPosition {
  return {
    deviceId: f.deviceId,
    medium: f.medium,
    t: f.t,
    x: Math.round(f.x * 100) / 100,
    y: Math.round(f.y * 100) / 100,
    uncertainty: Math.round(f.uncertainty * 100) / 100,
    sensors: f.sensors,
    radius90: f.radius90 === undefined ? null : Math.round(f.radius90 * 100) / 100,
    zone: f.zone ?? null,
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
