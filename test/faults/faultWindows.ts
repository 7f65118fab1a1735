import type { WindowSummary } from '../../src/core/model.ts';
import { syntheticWindow } from '../adapters/transport/realWindows.ts';

/** Minute-aligned start of the streams, a few hours back: inside what a live hub takes. */
export function streamStart(now = Date.now() / 1000): number {
  return Math.floor(now / 60) * 60 - 4 * 3600;
}

/**
 * Window `i` of sensor `sensorId` in a fault run: 60 devices, half of them shared with the next
 * sensor, so merging sensors of one window start is part of every scenario.
 */
export function faultWindow(sensorId: string, sensorIndex: number, t0: number, i: number): WindowSummary {
  return syntheticWindow(sensorId, t0 + 60 * i, 60, i * 7 + sensorIndex * 30);
}
