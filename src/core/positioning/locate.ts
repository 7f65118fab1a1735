import { type Method, type MethodName, type MethodTuning, createMethods } from './methods.ts';
import { type PositioningSite, floorArea, toMeasurements } from './positioningSite.ts';
import { DEFAULT_DEVICE_Z } from './radioMap.ts';
import type { ReadingWindow } from './readings.ts';
import type { Solution, TimedSolution } from './solver.ts';

/**
 * Running a method over windows of readings: per device, in time order, with one floor's site;
 * and, for a site with floors, sending each window to the floor that heard the device loudest.
 */

export interface LocatedFix {
  device: string;
  /** The window's middle, Unix seconds. */
  t: number;
  method: MethodName;
  solution: Solution;
}

/**
 * Runs one method over windows (any order): single-window solvers solve each window alone,
 * trackers carry one state per device through that device's windows in time order, and lagged
 * trackers release each device's last fixes when its windows run out.
 */
export function locateWindows(
  windows: readonly ReadingWindow[],
  site: PositioningSite,
  method: Method,
): LocatedFix[] {
  const ordered = [...windows].sort((a, b) =>
    a.device < b.device ? -1 : a.device > b.device ? 1 : a.t - b.t,
  );
  const deviceZ = method.measurements.flat ? undefined : (site.deviceZ ?? DEFAULT_DEVICE_Z);
  const p = method.positioner;
  const floor = floorArea(site);
  const out: LocatedFix[] = [];
  let device: string | undefined;
  let state: unknown;
  const release = (list: readonly TimedSolution[]) => {
    for (const r of list) out.push({ device: device!, t: r.t, method: method.name, solution: r.solution });
  };
  for (const w of ordered) {
    if (w.device !== device) {
      if (p.kind === 'lagged' && device !== undefined) release(p.flush(state));
      device = w.device;
      state = undefined;
    }
    const measurements = toMeasurements(w, site, method.measurements);
    const input = {
      measurements,
      bounds: site.bounds,
      floor,
      t: w.t,
      ...(deviceZ === undefined ? {} : { deviceZ }),
    };
    if (p.kind === 'solver') release([{ t: w.t, solution: p.solve(input) }]);
    else if (p.kind === 'tracker') {
      const r = p.step(state, input);
      state = r.state;
      release([{ t: w.t, solution: r.solution }]);
    } else {
      const r = p.step(state, input);
      state = r.state;
      release(r.released);
    }
  }
  if (p.kind === 'lagged' && device !== undefined) release(p.flush(state));
  return out;
}

export interface FloorSite {
  /** undefined for a site without floors. */
  floor: string | undefined;
  site: PositioningSite;
}

export interface FloorFix extends LocatedFix {
  floor: string | undefined;
}

/** The floor a window belongs to: the one whose sensor heard the device loudest. */
export function floorOf(window: ReadingWindow, floors: readonly FloorSite[]): FloorSite | undefined {
  if (floors.length === 1) return floors[0];
  let best: FloorSite | undefined;
  let loudest = -Infinity;
  for (const f of floors) {
    const ids = new Set(f.site.sensors.map((s) => s.id));
    for (const r of window.readings)
      if (ids.has(r.sensorId) && r.rssi > loudest) {
        loudest = r.rssi;
        best = f;
      }
  }
  return best;
}

/**
 * `airtrace locate` in one call: each window goes to its floor (readings from other floors'
 * sensors are left out there), and the named method runs per floor.
 */
export function locateOnFloors(
  windows: readonly ReadingWindow[],
  floors: readonly FloorSite[],
  methodName: MethodName,
  tuning: MethodTuning = {},
): { fixes: FloorFix[]; unavailable: { floor: string | undefined; reason: string }[] } {
  const fixes: FloorFix[] = [];
  const unavailable: { floor: string | undefined; reason: string }[] = [];
  for (const f of floors) {
    const mine = windows.filter((w) => floorOf(w, floors) === f);
    if (mine.length === 0) continue;
    const { methods, unavailable: why } = createMethods(f.site, [methodName], tuning);
    if (methods.length === 0) {
      unavailable.push({ floor: f.floor, reason: why[0]?.reason ?? 'unavailable' });
      continue;
    }
    for (const fix of locateWindows(mine, f.site, methods[0]!)) fixes.push({ ...fix, floor: f.floor });
  }
  fixes.sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : a.t - b.t));
  return { fixes, unavailable };
}
