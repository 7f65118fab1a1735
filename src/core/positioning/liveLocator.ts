import type { Medium, WindowSummary } from '../model.ts';
import { createMethods, type Method, type MethodName } from './methods.ts';
import { type PositioningSite, floorArea, toMeasurements } from './positioningSite.ts';
import { DEFAULT_DEVICE_Z } from './radioMap.ts';
import { normaliseSensorId } from './probeLogLine.ts';
import { windowsFromSummaries } from './readings.ts';

/** One position of one device, as the hub stores and streams it. */
export interface LiveFix {
  deviceId: string;
  medium: Medium;
  /** The positioning window's middle, Unix seconds. */
  t: number;
  x: number;
  y: number;
  /** One-sigma radius in metres: the filter's spread, or the range residual for single-window solvers. */
  uncertainty: number;
  sensors: number;
  method: MethodName;
}

export interface LiveLocatorOptions {
  site: PositioningSite;
  /** A method that answers at once (lagged smoothers do not fit a live view). */
  method?: MethodName;
  windowSeconds: number;
  /** A device's track is forgotten after this long without a fix. */
  trackTimeoutSeconds?: number;
  onFix: (fix: LiveFix) => void;
}

/** The best live method a site supports: the survey filter needs a survey, the rest only sensors. */
export function defaultLiveMethod(site: PositioningSite): MethodName {
  return (site.survey?.length ?? 0) > 0 ? 'survey-filter' : 'wnls+kalman';
}

interface Track {
  state: unknown;
  lastT: number;
}

/**
 * Positions from the short positioning windows of several sensors: parts of one window are
 * gathered until a later window is far enough along (or `advanceTo`), then each device heard by
 * at least three sensors is located, with a tracker's state carried per device.
 */
export class LiveLocator {
  readonly method: Method;
  private readonly parts = new Map<number, WindowSummary[]>();
  private readonly tracks = new Map<string, Track>();
  private closedBefore = -Infinity;
  readonly counters = { windows: 0, fixes: 0, refused: 0, late: 0 };

  constructor(private readonly options: LiveLocatorOptions) {
    const name = options.method ?? defaultLiveMethod(options.site);
    const { methods, unavailable } = createMethods(options.site, [name]);
    const method = methods[0];
    if (method === undefined)
      throw new RangeError(`positioning method ${name}: ${unavailable[0]?.reason ?? 'unavailable'}`);
    if (method.positioner.kind === 'lagged')
      throw new RangeError(`positioning method ${name} publishes late; pick one that answers at once`);
    this.method = method;
  }

  accept(part: WindowSummary): void {
    if (part.windowStart < this.closedBefore) {
      this.counters.late++;
      return;
    }
    // Site files name sensors by MAC or by name, in any case and spelling.
    const normalised = { ...part, sensorId: normaliseSensorId(part.sensorId) };
    const list = this.parts.get(part.windowStart);
    if (list === undefined) this.parts.set(part.windowStart, [normalised]);
    else list.push(normalised);
    // Sensors report each window once; two windows on, every part of a window is in.
    this.advanceTo(part.windowStart - this.options.windowSeconds);
  }

  /** Locates every window that started before `t`. */
  advanceTo(t: number): void {
    const due = [...this.parts.keys()].filter((start) => start < t).sort((a, b) => a - b);
    for (const start of due) {
      const parts = this.parts.get(start)!;
      this.parts.delete(start);
      this.closedBefore = Math.max(this.closedBefore, start + this.options.windowSeconds);
      this.locate(parts);
    }
    this.forgetStaleTracks(t);
  }

  flush(): void {
    this.advanceTo(Infinity);
  }

  private locate(parts: readonly WindowSummary[]): void {
    this.counters.windows++;
    const media = new Map<string, Medium>();
    for (const part of parts) for (const d of part.devices) media.set(d.deviceId, d.medium);
    const site = this.options.site;
    const known = new Set(site.sensors.map((s) => s.id));
    const p = this.method.positioner;
    const deviceZ = this.method.measurements.flat ? undefined : (site.deviceZ ?? DEFAULT_DEVICE_Z);
    for (const window of windowsFromSummaries(parts)) {
      const heardBy = window.readings.filter((r) => known.has(r.sensorId)).length;
      if (heardBy < 3) continue;
      const input = {
        measurements: toMeasurements(window, site, this.method.measurements),
        bounds: site.bounds,
        floor: floorArea(site),
        t: window.t,
        ...(deviceZ === undefined ? {} : { deviceZ }),
      };
      const track = this.tracks.get(window.device);
      let solution;
      if (p.kind === 'solver') solution = p.solve(input);
      else if (p.kind === 'tracker') {
        const stepped = p.step(track?.state, input);
        this.tracks.set(window.device, { state: stepped.state, lastT: window.t });
        solution = stepped.solution;
      } else continue;
      if (!solution.ok) {
        this.counters.refused++;
        continue;
      }
      this.counters.fixes++;
      this.options.onFix({
        deviceId: window.device,
        medium: media.get(window.device) ?? 'wifi',
        t: window.t,
        x: solution.x,
        y: solution.y,
        uncertainty: solution.spread ?? solution.rangeRms,
        sensors: solution.sensors,
        method: this.method.name,
      });
    }
  }

  private forgetStaleTracks(t: number): void {
    const timeout = this.options.trackTimeoutSeconds ?? 60;
    for (const [device, track] of this.tracks) if (t - track.lastT > timeout) this.tracks.delete(device);
  }
}
