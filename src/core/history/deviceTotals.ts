import type { Medium } from '../model.ts';
import type { DeviceRecord } from '../occupancy/deviceLedger.ts';

/**
 * The device tables' running totals (devices, minutes spent, the stays the mean stay is taken
 * over), kept as each device row is folded: the summary reads two rows instead of scanning
 * device tables that rotating addresses grow by tens of thousands of rows a day.
 */
export interface DeviceTotalsDelta {
  medium: Medium;
  devices: number;
  minutes: number;
  /** Wi-Fi devices with a fixed address seen in two windows or more: the stays of people who came. */
  stayDevices: number;
  stayMinutes: number;
}

/** Whether a device's minutes count towards the mean stay (as `StoreTotals.meanStayMinutes` defines it). */
export function countsAsStay(r: Pick<DeviceRecord, 'medium' | 'randomized' | 'windowsSeen'>): boolean {
  return r.medium === 'wifi' && !r.randomized && r.windowsSeen >= 2;
}

/** What folding these device rows adds to the totals, per medium. */
export function deviceTotalsDelta(
  folds: readonly { before: DeviceRecord | undefined; after: DeviceRecord }[],
): DeviceTotalsDelta[] {
  const byMedium = new Map<Medium, DeviceTotalsDelta>();
  for (const { before, after } of folds) {
    let d = byMedium.get(after.medium);
    if (d === undefined)
      byMedium.set(
        after.medium,
        (d = { medium: after.medium, devices: 0, minutes: 0, stayDevices: 0, stayMinutes: 0 }),
      );
    if (before === undefined) d.devices++;
    d.minutes += after.minutesSpent - (before?.minutesSpent ?? 0);
    const was = before !== undefined && countsAsStay(before);
    const is = countsAsStay(after);
    d.stayDevices += Number(is) - Number(was);
    d.stayMinutes += (is ? after.minutesSpent : 0) - (was ? before.minutesSpent : 0);
  }
  return [...byMedium.values()];
}
