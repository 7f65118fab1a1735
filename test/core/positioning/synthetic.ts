/** Exact synthetic geometry for the positioning tests: sensors, noise-free ranges and RSSI. */
import type { Bounds } from '../../../src/core/positioning/geometry.ts';
import { type ReferencePathLoss, expectedRssi } from '../../../src/core/positioning/pathLoss.ts';
import type { ReadingWindow } from '../../../src/core/positioning/readings.ts';
import type { Measurement } from '../../../src/core/positioning/solver.ts';

export const FLOOR: Bounds = [0, 0, 20, 15];
export const MODEL: ReferencePathLoss = { rssiAt1m: -59, n: 2.2 };

/** Six sensors around and inside a 20 x 15 m floor, at two mounting heights. */
export const SENSORS = [
  { id: 'aa:00:00:00:00:01', x: 1, y: 1, z: 2.3 },
  { id: 'aa:00:00:00:00:02', x: 19, y: 1, z: 1.2 },
  { id: 'aa:00:00:00:00:03', x: 19, y: 14, z: 2.3 },
  { id: 'aa:00:00:00:00:04', x: 1, y: 14, z: 1.2 },
  { id: 'aa:00:00:00:00:05', x: 10, y: 7.5, z: 2.3 },
  { id: 'aa:00:00:00:00:06', x: 6, y: 11, z: 1.2 },
];

export function slantRange(s: { x: number; y: number; z: number }, x: number, y: number, z: number): number {
  return Math.hypot(x - s.x, y - s.y, z - s.z);
}

/** Noise-free measurements of a device at (x, y, z): exact ranges and the RSSI the model gives for them. */
export function exactMeasurements(
  x: number,
  y: number,
  z: number,
  sensors = SENSORS,
  model = MODEL,
): Measurement[] {
  return sensors.map((s) => {
    const distance = slantRange(s, x, y, z);
    return {
      sensorId: s.id,
      x: s.x,
      y: s.y,
      z: s.z,
      distance,
      rssi: expectedRssi(model, distance),
      model,
      sigmaDb: 4,
    };
  });
}

/** Windows of a device walking from `from` to `to`, one per 2 s, with exact RSSI. */
export function exactWalk(
  from: { x: number; y: number },
  to: { x: number; y: number },
  steps: number,
  z = 1.2,
  device = '02:00:00:00:00:aa',
): { windows: ReadingWindow[]; truth: { t: number; x: number; y: number }[] } {
  const windows: ReadingWindow[] = [];
  const truth: { t: number; x: number; y: number }[] = [];
  for (let i = 0; i < steps; i++) {
    const f = steps === 1 ? 0 : i / (steps - 1);
    const x = from.x + f * (to.x - from.x);
    const y = from.y + f * (to.y - from.y);
    const t = 1000 + 2 * i + 1;
    truth.push({ t, x, y });
    windows.push({
      device,
      start: t - 1,
      end: t + 1,
      t,
      readings: SENSORS.map((s) => {
        const r = expectedRssi(MODEL, slantRange(s, x, y, z));
        return {
          sensorId: s.id,
          rssi: r,
          mean: r,
          upper: r,
          count: 4,
          freqMhz: 2440,
          medium: 'ble' as const,
        };
      }),
    });
  }
  return { windows, truth };
}
