/**
 * Presence: when a device was in the space, at which signal level, and how much of a window that
 * covers.
 *
 * A phone lying on a desk probes every few minutes, one walking down the corridor once or twice.
 * So a device's sightings at or above an RSSI level, less than `holdSeconds` apart, make one
 * stay, padded by `padSeconds` on both sides; a window then counts each device by the share of
 * the window its stays cover. The time-weighted count is what ground truth measures too (people
 * in the room, averaged over the window), and it keeps a crowd that only passes the door at a
 * class change from counting as a full room.
 *
 * Levels are relative to the sensor: `sensorOffsetsDb` maps each sensor's readings onto one
 * scale. A device present without a break for longer than `stationarySeconds` is fixed equipment
 * (a desktop, a printer) and does not count at all.
 */

import type { Medium } from '../model.ts';
import type { PresenceParams } from './countingParams.ts';
import type { DeviceGroup } from './deviceGrouping.ts';

export interface Span {
  start: number;
  end: number;
}

export interface DevicePresence {
  group: DeviceGroup;
  medium: Medium;
  randomized: boolean;
  /** Stays per level (same order as the levels), each sorted and disjoint. */
  stays: Span[][];
  /** Stays at `presenceRssi`: what `devices` counts. */
  presentStays: Span[];
  stationary: boolean;
}

function effectiveRssi(rssi: number | undefined, sensorId: string, p: PresenceParams): number {
  return (rssi ?? p.unknownRssi) + (p.sensorOffsetsDb[sensorId] ?? 0);
}

/** True when a quiet stretch of the room lies inside the gap (from, to): nobody bridges it. */
function quietBetween(from: number, to: number, quiet: readonly Span[]): boolean {
  for (const q of quiet) {
    if (q.start >= to) return false;
    if (q.start >= from && q.end <= to) return true;
  }
  return false;
}

/** Stays from the group's sightings at or above `level` (sightings are in time order). */
function staysAt(group: DeviceGroup, level: number, p: PresenceParams, quiet: readonly Span[]): Span[] {
  const stays: Span[] = [];
  let current: Span | undefined;
  for (const s of group.sightings) {
    if (effectiveRssi(s.rssiMax, s.sensorId, p) < level) continue;
    if (
      current !== undefined &&
      s.firstSeen - current.end <= p.holdSeconds &&
      !quietBetween(current.end, s.firstSeen, quiet)
    ) {
      if (s.lastSeen > current.end) current.end = s.lastSeen;
    } else {
      if (current !== undefined) stays.push(current);
      current = { start: s.firstSeen, end: s.lastSeen };
    }
  }
  if (current !== undefined) stays.push(current);
  for (const stay of stays) {
    stay.start -= p.padSeconds;
    stay.end += p.padSeconds;
  }
  return stays;
}

/** Present without a break (at any level) for longer than `stationarySeconds`: equipment. */
export function isStationary(group: DeviceGroup, p: PresenceParams): boolean {
  return staysAt(group, -Infinity, p, []).some(
    (s) => s.end - s.start - 2 * p.padSeconds > p.stationarySeconds,
  );
}

/**
 * `quiet`: stretches when the room fell silent (see `quietStretches`), sorted; a device is not
 * held present across one.
 */
export function presenceOf(
  group: DeviceGroup,
  levels: readonly number[],
  p: PresenceParams,
  quiet: readonly Span[] = [],
): DevicePresence {
  const stationary = isStationary(group, p);
  return {
    group,
    medium: group.medium,
    randomized: group.randomized,
    stays: levels.map((level) => staysAt(group, level, p, quiet)),
    presentStays: staysAt(group, p.presenceRssi, p, quiet),
    stationary,
  };
}

/**
 * Stretches of at least `quietSeconds` during which at most `quietMaxDevices` devices were heard
 * at `quietRssi` or stronger per minute, over data that was being collected. A phone left on
 * a desk may be silent for 20 minutes, which is why stays are held across gaps; a whole room
 * is not: when (nearly) nothing near the sensor speaks for minutes, the room emptied, and
 * holding everyone across that (a lunch break) would read a full room in an empty one.
 */
export function quietStretches(
  groups: readonly DeviceGroup[],
  coverage: readonly Span[],
  p: PresenceParams,
): Span[] {
  if (!(p.quietSeconds > 0)) return [];
  const minute = 60;
  const heard = new Map<number, Set<number>>();
  for (const g of groups) {
    if (isStationary(g, p)) continue;
    for (const s of g.sightings) {
      if (effectiveRssi(s.rssiMax, s.sensorId, p) < p.quietRssi) continue;
      const bin = Math.floor(s.firstSeen / minute);
      let set = heard.get(bin);
      if (set === undefined) heard.set(bin, (set = new Set()));
      set.add(g.id);
    }
  }
  const out: Span[] = [];
  for (const c of mergeSpans(coverage)) {
    let runStart: number | undefined;
    const first = Math.ceil(c.start / minute);
    const last = Math.floor(c.end / minute); // bins fully inside the coverage
    for (let bin = first; bin <= last; bin++) {
      const isQuiet = bin < last && (heard.get(bin)?.size ?? 0) <= p.quietMaxDevices;
      if (isQuiet && runStart === undefined) runStart = bin * minute;
      if (!isQuiet && runStart !== undefined) {
        if (bin * minute - runStart >= p.quietSeconds) out.push({ start: runStart, end: bin * minute });
        runStart = undefined;
      }
    }
  }
  return out;
}

/** What one window knows of the devices: features for the model, and the device counts. */
export interface WindowPresence {
  start: number;
  end: number;
  /** Seconds of the window covered by data (the capture or the hub's stream). */
  covered: number;
  /** Time-weighted number of devices present at each level, per medium. */
  wifi: number[];
  ble: number[];
  devices: number;
  randomizedDevices: number;
}

function overlap(a: Span, start: number, end: number): number {
  return Math.max(0, Math.min(a.end, end) - Math.max(a.start, start));
}

/** The parts of [start, end) covered by `coverage` (sorted, disjoint). */
function coveredParts(start: number, end: number, coverage: readonly Span[]): Span[] {
  const parts: Span[] = [];
  for (const c of coverage) {
    const a = Math.max(start, c.start);
    const b = Math.min(end, c.end);
    if (b > a) parts.push({ start: a, end: b });
  }
  return parts;
}

/** Merges spans into sorted disjoint ones. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last !== undefined && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/**
 * Per window: the time-weighted number of devices present at each level (divided by the seconds
 * of the window that data covers) and the number of devices present at all. `windows` must be
 * sorted by start and must not overlap; `coverage` says when data was being collected (a window
 * half outside the capture is averaged over its covered half only).
 */
export function windowPresence(
  presences: readonly DevicePresence[],
  windows: readonly Span[],
  coverage: readonly Span[],
  levelCount: number,
): WindowPresence[] {
  const merged = mergeSpans(coverage);
  const result: WindowPresence[] = windows.map((w) => {
    const parts = coveredParts(w.start, w.end, merged);
    return {
      start: w.start,
      end: w.end,
      covered: parts.reduce((s, p) => s + p.end - p.start, 0),
      wifi: new Array<number>(levelCount).fill(0),
      ble: new Array<number>(levelCount).fill(0),
      devices: 0,
      randomizedDevices: 0,
    };
  });
  const parts = windows.map((w) => coveredParts(w.start, w.end, merged));
  const starts = windows.map((w) => w.start);
  // Index of the first window that ends after t.
  const firstEndingAfter = (t: number): number => {
    let lo = 0;
    let hi = windows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (windows[mid]!.end <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const covered = (stay: Span, i: number): number => {
    let sum = 0;
    for (const p of parts[i]!) sum += overlap(stay, p.start, p.end);
    return sum;
  };
  for (const presence of presences) {
    if (presence.stationary) continue;
    const features = presence.medium === 'wifi' ? 'wifi' : 'ble';
    for (let k = 0; k < levelCount; k++) {
      for (const stay of presence.stays[k] ?? []) {
        for (let i = firstEndingAfter(stay.start); i < windows.length && starts[i]! < stay.end; i++) {
          const seconds = covered(stay, i);
          if (seconds > 0) result[i]![features][k]! += seconds;
        }
      }
    }
    let lastCounted = -1;
    for (const stay of presence.presentStays) {
      for (let i = firstEndingAfter(stay.start); i < windows.length && starts[i]! < stay.end; i++) {
        if (i === lastCounted || covered(stay, i) <= 0) continue;
        lastCounted = i;
        result[i]!.devices++;
        if (presence.randomized) result[i]!.randomizedDevices++;
      }
    }
  }
  for (const r of result) {
    const seconds = r.covered;
    for (let k = 0; k < levelCount; k++) {
      r.wifi[k] = seconds > 0 ? r.wifi[k]! / seconds : 0;
      r.ble[k] = seconds > 0 ? r.ble[k]! / seconds : 0;
    }
  }
  return result;
}
