/**
 * People from sightings: group addresses into devices, find when each device was present, and
 * turn the time-weighted device counts into people with the fitted model (see countingParams.ts).
 */

import type { CountingParams, PeopleModel } from './countingParams.ts';
import { type DeviceGroup, groupDevices } from './deviceGrouping.ts';
import { binnedInterval } from './intervals.ts';
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
export function modelEstimate(w: Pick<WindowPresence, 'wifi' | 'ble'>, model: PeopleModel): number {
  let sum = 0;
  for (let k = 0; k < model.levels.length; k++) {
    sum += (model.weights.wifi[k] ?? 0) * (w.wifi[k] ?? 0) + (model.weights.ble[k] ?? 0) * (w.ble[k] ?? 0);
  }
  return Math.max(0, sum);
}

/** The interval around a point estimate: per occupancy level, or (older models) scaled by sqrt(estimate + 1). */
export function modelInterval(estimate: number, model: PeopleModel): { low: number; high: number } {
  if (model.interval.bins !== undefined) return binnedInterval(estimate, model.interval.bins);
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
  const groups = groupDevices(sightings, params.grouping, params.ignoreDeviceIds);
  const presence = windowPresence(
    presencesOf(groups, params, coverage),
    windows,
    coverage,
    params.model.levels.length,
  );
  return estimatesFromPresence(presence, params.model);
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
