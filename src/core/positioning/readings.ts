import type { Medium, Observation, WindowSummary } from '../model.ts';
import { median, quantileSorted } from './errorMetrics.ts';
import { DEFAULT_FREQUENCY_MHZ, frameFrequencyMhz } from './frequency.ts';

/**
 * What positioning works on: for one device and one time window, each sensor's RSSI. From raw
 * observations (a probe log, a capture) several statistics are kept: the median shrugs off the
 * odd reflected or body-blocked frame, the upper quartile more so, and the mean is what the
 * document used and all the hub's window summaries carry.
 */

export interface SensorReading {
  sensorId: string;
  /** Median RSSI over the window, dBm (the mean where only the mean is known). */
  rssi: number;
  mean: number;
  /**
   * Upper quartile over the window, dBm. Shadowing by the body carrying the device and fading
   * dips only ever take power away, so the upper part of the spread tracks the path loss better.
   */
  upper: number;
  count: number;
  freqMhz: number;
  medium: Medium;
}

export interface ReadingWindow {
  /** Device key: the MAC for raw observations, the hashed device id for hub summaries. */
  device: string;
  start: number;
  end: number;
  /** The fix's time: the window's middle. */
  t: number;
  /** One per sensor, sorted by sensor id. */
  readings: SensorReading[];
}

export interface WindowingOptions {
  /** Window length, seconds (default 2); windows are aligned to multiples of it. */
  windowSeconds?: number;
  /** Which device an observation belongs to (default: its MAC). */
  deviceOf?: (o: Observation) => string;
}

interface Cell {
  rssi: number[];
  freq: number;
  medium: Medium;
}

/** Observations a window left out, by reason. */
export interface SkippedObservations {
  /** No RSSI, or not a finite number, or no finite time. */
  noRssi: number;
  /** RSSI of 0 dBm or more: no receiver hears a device across a room that loud (see probeLogLine.ts). */
  nonNegativeRssi: number;
}

/** Windows of readings, and how many observations were left out and why. */
export function windowObservationsCounted(
  observations: Iterable<Observation>,
  options: WindowingOptions = {},
): { windows: ReadingWindow[]; skipped: SkippedObservations } {
  const skipped: SkippedObservations = { noRssi: 0, nonNegativeRssi: 0 };
  const usable = function* () {
    for (const o of observations) {
      if (o.rssi === undefined || !Number.isFinite(o.rssi) || !Number.isFinite(o.t)) skipped.noRssi++;
      else if (o.rssi >= 0) skipped.nonNegativeRssi++;
      else yield o;
    }
  };
  return { windows: windowObservations(usable(), options), skipped };
}

/** Windows of readings; observations without a usable RSSI (none, or 0 dBm and up) are left out. */
export function windowObservations(
  observations: Iterable<Observation>,
  options: WindowingOptions = {},
): ReadingWindow[] {
  const w = options.windowSeconds ?? 2;
  const deviceOf = options.deviceOf ?? ((o: Observation) => o.mac);
  const groups = new Map<string, { device: string; start: number; sensors: Map<string, Cell> }>();
  for (const o of observations) {
    if (o.rssi === undefined || !Number.isFinite(o.rssi) || !Number.isFinite(o.t) || o.rssi >= 0) continue;
    const device = deviceOf(o);
    const start = Math.floor(o.t / w) * w;
    const key = `${device}\u0000${start}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { device, start, sensors: new Map() }));
    let c = g.sensors.get(o.sensorId);
    if (!c) g.sensors.set(o.sensorId, (c = { rssi: [], freq: 0, medium: o.medium }));
    c.rssi.push(o.rssi);
    c.freq += frameFrequencyMhz(o);
  }
  const out: ReadingWindow[] = [];
  for (const g of groups.values()) {
    const readings = [...g.sensors].map(([sensorId, c]) => ({
      sensorId,
      rssi: median(c.rssi)!,
      upper: quantileSorted(
        [...c.rssi].sort((a, b) => a - b),
        0.75,
      ),
      mean: c.rssi.reduce((s, v) => s + v, 0) / c.rssi.length,
      count: c.rssi.length,
      freqMhz: c.freq / c.rssi.length,
      medium: c.medium,
    }));
    readings.sort((a, b) => (a.sensorId < b.sensorId ? -1 : a.sensorId > b.sensorId ? 1 : 0));
    out.push({ device: g.device, start: g.start, end: g.start + w, t: g.start + w / 2, readings });
  }
  return out.sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : a.start - b.start));
}

/**
 * The hub's own sightings as positioning windows: the summaries of all sensors for the same
 * window, grouped per device. Summaries carry the mean RSSI only, so it stands in for the median.
 */
export function windowsFromSummaries(summaries: readonly WindowSummary[]): ReadingWindow[] {
  const groups = new Map<string, ReadingWindow>();
  for (const s of summaries) {
    for (const d of s.devices) {
      // No RSSI, or a mean of 0 dBm and up (see probeLogLine.ts): nothing to position with.
      if (!d.rssi || !(d.rssi.mean < 0)) continue;
      const key = `${d.deviceId}\u0000${s.windowStart}`;
      let g = groups.get(key);
      if (!g) {
        g = {
          device: d.deviceId,
          start: s.windowStart,
          end: s.windowEnd,
          t: (s.windowStart + s.windowEnd) / 2,
          readings: [],
        };
        groups.set(key, g);
      }
      g.readings.push({
        sensorId: s.sensorId,
        rssi: d.rssi.mean,
        mean: d.rssi.mean,
        upper: d.rssi.mean,
        count: d.rssi.count,
        freqMhz:
          d.channels.length === 1
            ? frameFrequencyMhz({ medium: d.medium, channel: d.channels[0]! })
            : DEFAULT_FREQUENCY_MHZ[d.medium],
        medium: d.medium,
      });
    }
  }
  const out = [...groups.values()];
  for (const g of out)
    g.readings.sort((a, b) => (a.sensorId < b.sensorId ? -1 : a.sensorId > b.sensorId ? 1 : 0));
  return out.sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : a.start - b.start));
}
