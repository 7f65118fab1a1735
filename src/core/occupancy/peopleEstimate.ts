/**
 * People from sightings: group addresses into devices, find when each device was present, and
 * turn the time-weighted device counts into people with the fitted model (see countingParams.ts).
 */

import type { CountingParams, PeopleModel } from './countingParams.ts';
import { type DeviceGroup, groupDevices } from './deviceGrouping.ts';
import { beltInterval } from './intervals.ts';
import {
  type DevicePresence,
  type Span,
  type WindowPresence,
  presenceOf,
  quietStretches,
  windowPresence,
} from './presence.ts';
import { type Sighting, sortSightings } from './sighting.ts';

export interface PeopleEstimate {
  /** Devices present (grouped addresses at `presenceRssi` or stronger) at some time in the window. */
  devices: number;
  /** Of those, devices that rotate their address. */
  randomizedDevices: number;
  /** People: the model applied to the time-weighted device counts. */
  estimate: number;
  /** Interval at the model's level (0.9 unless fitted otherwise). */
  low: number;
  high: number;
}

export interface WindowEstimate extends PeopleEstimate {
  start: number;
  end: number;
  /** Seconds of the window covered by data. */
  covered: number;
}

/** Point estimate from the time-weighted device counts of one window. */
export function modelEstimate(
  w: { readonly wifi: readonly number[]; readonly ble: readonly number[] },
  model: PeopleModel,
): number {
  let sum = 0;
  for (let k = 0; k < model.levels.length; k++) {
    sum += (model.weights.wifi[k] ?? 0) * (w.wifi[k] ?? 0) + (model.weights.ble[k] ?? 0) * (w.ble[k] ?? 0);
  }
  return Math.max(0, sum);
}

/** The interval of a point estimate: from the belt, or (older models) scaled by sqrt(estimate + 1). */
export function modelInterval(estimate: number, model: PeopleModel): { low: number; high: number } {
  if (model.interval.belt !== undefined) return beltInterval(estimate, model.interval.belt);
  const scale = Math.sqrt(estimate + 1);
  return {
    low: Math.max(0, estimate + model.interval.low * scale),
    high: Math.max(0, estimate + model.interval.high * scale),
  };
}

export function presencesOf(
  groups: readonly DeviceGroup[],
  params: CountingParams,
  coverage: readonly Span[],
): DevicePresence[] {
  const quiet = quietStretches(groups, coverage, params.presence);
  return groups.map((g) => presenceOf(g, params.model.levels, params.presence, quiet));
}

/** The estimate of every window from its presence figures. */
export function estimatesFromPresence(
  presence: readonly WindowPresence[],
  model: PeopleModel,
): WindowEstimate[] {
  return presence.map((w) => {
    const estimate = modelEstimate(w, model);
    return {
      start: w.start,
      end: w.end,
      covered: w.covered,
      devices: w.devices,
      randomizedDevices: w.randomizedDevices,
      estimate,
      ...modelInterval(estimate, model),
    };
  });
}

/** Windows are estimated three hours (of the clock) at a time, each block from its own slice of data. */
export const BLOCK_SECONDS = 3 * 3600;

/**
 * How far before a block its slice of sightings reaches: enough for grouping to link addresses
 * and for stays to be held into the block (memory + hold), and for fixed equipment to show as
 * present for `stationarySeconds`. Nothing older ever reaches an estimate.
 */
export function lookbackSeconds(params: CountingParams): number {
  return Math.max(
    params.grouping.memorySeconds + params.presence.holdSeconds,
    params.presence.stationarySeconds,
  );
}

/**
 * How far after a block its slice reaches: a hold, so a device heard again confirms its stay,
 * and `stationarySeconds`, so equipment that stays all day is known as such from its first hour
 * (as it is when the whole day is seen at once), not only after six.
 */
export function lookaheadSeconds(params: CountingParams): number {
  return Math.max(
    params.presence.holdSeconds + params.presence.padSeconds,
    params.presence.stationarySeconds,
  );
}

/** Index of the first sighting with firstSeen >= t (sightings sorted by first frame). */
function firstFrom(sightings: readonly Sighting[], t: number): number {
  let lo = 0;
  let hi = sightings.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sightings[mid]!.firstSeen < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The model's features of every window (sightings sorted by first frame, windows sorted and
 * disjoint, `coverage` when data was collected). Bounded memory by construction: the windows of
 * each clock-aligned block are computed from the sightings of `lookbackSeconds` before the block
 * to `lookaheadSeconds` after it, grouped afresh, so a window's figures never depend on anything
 * older, and a day reads the same alone or after any earlier days (after its first
 * `lookbackSeconds`, when the days are contiguous).
 */
export function windowFeatures(
  sightings: readonly Sighting[],
  windows: readonly Span[],
  coverage: readonly Span[],
  params: CountingParams,
): WindowPresence[] {
  const back = lookbackSeconds(params);
  const ahead = lookaheadSeconds(params);
  const out: WindowPresence[] = [];
  for (let i = 0; i < windows.length;) {
    const block = Math.floor(windows[i]!.start / BLOCK_SECONDS);
    let j = i;
    while (j < windows.length && Math.floor(windows[j]!.start / BLOCK_SECONDS) === block) j++;
    const from = windows[i]!.start - back;
    const to = windows[j - 1]!.end + ahead;
    const slice = sightings.slice(firstFrom(sightings, from), firstFrom(sightings, to));
    const sliceCoverage = coverage.flatMap((c) =>
      c.end <= from || c.start >= to ? [] : [{ start: Math.max(c.start, from), end: Math.min(c.end, to) }],
    );
    const groups = groupDevices(slice, params.grouping, params.ignoreDeviceIds);
    out.push(
      ...windowPresence(
        presencesOf(groups, params, sliceCoverage),
        windows.slice(i, j),
        coverage,
        params.model.levels.length,
      ),
    );
    i = j;
  }
  return out;
}

/**
 * Estimates for many windows at once (the CLI and the evaluation): sightings sorted by first
 * frame, windows sorted and disjoint, `coverage` the spans during which data was collected.
 */
export function estimateWindows(
  sightings: readonly Sighting[],
  windows: readonly Span[],
  coverage: readonly Span[],
  params: CountingParams,
): WindowEstimate[] {
  return estimatesFromPresence(windowFeatures(sightings, windows, coverage, params), params.model);
}

/** What the hub passes for one window. */
export interface PeopleWindowInput {
  start: number;
  end: number;
  /**
   * The sightings of every sensor from at least `presence.holdSeconds` (and
   * `grouping.linkGapSeconds`) before `start`, so a device that probed before the window and
   * again in it counts as staying, up to the latest known. Sightings after `end` make the figure
   * final: a device that probes again within `holdSeconds` was present in between. Any order.
   * Fixed equipment is recognised only with `presence.stationarySeconds` of history; with less,
   * list it in `ignoreDeviceIds`.
   */
  sightings: readonly Sighting[];
  /** When data was collected; default: the whole window (a sensor that was down leaves a gap). */
  coverage?: readonly Span[];
}

/**
 * People in one window, from what the hub stores per sighting (a `DeviceWindow` and its sensor;
 * see `sightingFromDeviceWindow`). The same computation as `airtrace count`, restricted to the
 * history given: a window's figure is provisional until `holdSeconds` of later data arrived,
 * because a device quiet at the end of the window may yet turn out to have stayed.
 */
export function estimatePeople(input: PeopleWindowInput, params: CountingParams): PeopleEstimate {
  const sorted = sortSightings([...input.sightings]);
  const window = { start: input.start, end: input.end };
  const [w] = estimateWindows(sorted, [window], input.coverage ?? [window], params);
  const { devices, randomizedDevices, estimate, low, high } = w!;
  return { devices, randomizedDevices, estimate, low, high };
}
