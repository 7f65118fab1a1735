import type { Medium, WindowSummary } from '../model.ts';
import { createMethods, type Method, type MethodName } from './methods.ts';
import { type PositioningSite, floorArea, toMeasurements } from './positioningSite.ts';
import { DEFAULT_DEVICE_Z } from './radioMap.ts';
import { normaliseSensorId } from './probeLogLine.ts';
import { windowsFromSummaries } from './readings.ts';
import { type ZoneOccupancy, type ZoneOccupancyOptions, zoneOccupancy } from './zoneOccupancy.ts';
import {
  type ZoneModel,
  type ZoneModelOptions,
  type ZoneState,
  buildZoneModel,
  stepZone,
  zoneEvidenceOf,
} from './zoneTracker.ts';

/** One position of one device, as the hub stores and streams it. */
export interface LiveFix {
  deviceId: string;
  medium: Medium;
  /** The positioning window's middle, Unix seconds. */
  t: number;
  x: number;
  y: number;
  /** One-sigma radius in metres: the method's spread, or the range residual when it has none. */
  uncertainty: number;
  sensors: number;
  method: MethodName;
  /** Radius holding the true position 9 times in 10, metres (calibrated per method, see radius90.ts). */
  radius90?: number;
  /** The device's zone after hysteresis (`zoneTracker.ts`); absent when the site has no zones or the device is in none. */
  zone?: string;
  /** How likely that zone is, 0 to 1 (with zones only). */
  zoneProbability?: number;
}

/** A device's zone changed (with hysteresis): it entered `to` from `from` (undefined: no zone, or first seen). */
export interface ZoneChange {
  deviceId: string;
  t: number;
  from: string | undefined;
  to: string | undefined;
}

export interface LiveLocatorOptions {
  site: PositioningSite;
  /** A method that answers at once (lagged smoothers do not fit a live view). */
  method?: MethodName;
  windowSeconds: number;
  /** A device's track (and zone) is forgotten after this long without a fix (default 60 s). */
  trackTimeoutSeconds?: number;
  onFix: (fix: LiveFix) => void;
  /** Hysteresis and dwell of the zone assignment (default: the zone tracker's defaults). */
  zones?: ZoneModelOptions;
  /** Called when a device's zone changes, after hysteresis (the first assignment counts too). */
  onZoneChange?: (change: ZoneChange) => void;
}

/** The best live method a site supports: the survey filter needs a survey; without one, the grid filter. */
export function defaultLiveMethod(site: PositioningSite): MethodName {
  return (site.survey?.length ?? 0) > 0 ? 'survey-filter' : 'grid-filter';
}

interface Track {
  /** The tracker's state (trackers only). */
  state: unknown;
  lastT: number;
  zoneState: ZoneState | undefined;
  zone: string | undefined;
}

/**
 * Positions from the short positioning windows of several sensors: parts of one window are
 * gathered until a later window is far enough along (or `advanceTo`), then each device heard by
 * at least three sensors is located, with a tracker's state carried per device. With zones in
 * the site, each device also carries its zone (with hysteresis), and `occupancy()` counts
 * devices and people per zone.
 */
export class LiveLocator {
  readonly method: Method;
  private readonly parts = new Map<number, WindowSummary[]>();
  private readonly tracks = new Map<string, Track>();
  private readonly zoneModel: ZoneModel | undefined;
  private closedBefore = -Infinity;
  /** `skippedRssi`: device sightings left out for an RSSI of 0 dBm or more. */
  readonly counters = { windows: 0, fixes: 0, refused: 0, late: 0, skippedRssi: 0 };

  constructor(private readonly options: LiveLocatorOptions) {
    const name = options.method ?? defaultLiveMethod(options.site);
    const { methods, unavailable } = createMethods(options.site, [name]);
    const method = methods[0];
    if (method === undefined)
      throw new RangeError(`positioning method ${name}: ${unavailable[0]?.reason ?? 'unavailable'}`);
    if (method.positioner.kind === 'lagged')
      throw new RangeError(`positioning method ${name} publishes late; pick one that answers at once`);
    this.method = method;
    const zones = options.site.zones ?? [];
    this.zoneModel =
      zones.length > 0 ? buildZoneModel(zones, floorArea(options.site), options.zones) : undefined;
  }

  /** The site's zone names, in order (empty without zones). */
  get zoneNames(): readonly string[] {
    return this.zoneModel?.names ?? [];
  }

  accept(part: WindowSummary): void {
    if (part.windowStart < this.closedBefore) {
      this.counters.late++;
      return;
    }
    for (const d of part.devices) if (d.rssi && !(d.rssi.mean < 0)) this.counters.skippedRssi++;
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
    // Staleness on the data's clock (the end of the last located window), so a flush when the
    // sensors fall quiet locates what is pending without forgetting every device at once.
    this.forgetStaleTracks(Math.min(t, this.closedBefore));
  }

  /** Locates every pending window. */
  flush(): void {
    this.advanceTo(Infinity);
  }

  /** Each device's current zone (undefined: on the floor, in no zone) and when it was last placed. */
  zoneAssignments(): { deviceId: string; zone: string | undefined; t: number }[] {
    if (!this.zoneModel) return [];
    return [...this.tracks].map(([deviceId, track]) => ({ deviceId, zone: track.zone, t: track.lastT }));
  }

  /**
   * Devices and people per zone now: devices placed within `maxAgeSeconds` (default: the track
   * timeout) of `now` (default: the latest fix). See zoneOccupancy.ts for `personOf`.
   */
  occupancy(options: ZoneOccupancyOptions = {}): ZoneOccupancy {
    return zoneOccupancy(this.zoneAssignments(), this.zoneNames, {
      maxAgeSeconds: this.options.trackTimeoutSeconds ?? 60,
      ...options,
    });
  }

  private locate(parts: readonly WindowSummary[]): void {
    this.counters.windows++;
    const media = new Map<string, Medium>();
    for (const part of parts) for (const d of part.devices) media.set(d.deviceId, d.medium);
    const site = this.options.site;
    const known = new Set(site.sensors.map((s) => s.id));
    const p = this.method.positioner;
    const deviceZ = this.method.measurements.flat ? undefined : (site.deviceZ ?? DEFAULT_DEVICE_Z);
    const floor = floorArea(site);
    for (const window of windowsFromSummaries(parts)) {
      const heardBy = window.readings.filter((r) => known.has(r.sensorId)).length;
      if (heardBy < 3) continue;
      const input = {
        measurements: toMeasurements(window, site, this.method.measurements),
        bounds: site.bounds,
        floor,
        t: window.t,
        ...(deviceZ === undefined ? {} : { deviceZ }),
      };
      const track = this.tracks.get(window.device);
      let solution;
      let state: unknown;
      if (p.kind === 'solver') solution = p.solve(input);
      else if (p.kind === 'tracker') {
        const stepped = p.step(track?.state, input);
        state = stepped.state;
        solution = stepped.solution;
      } else continue;
      if (!solution.ok) {
        this.counters.refused++;
        if (track) track.state = state;
        continue;
      }
      const next: Track = { state, lastT: window.t, zoneState: track?.zoneState, zone: track?.zone };
      const fix: LiveFix = {
        deviceId: window.device,
        medium: media.get(window.device) ?? 'wifi',
        t: window.t,
        x: solution.x,
        y: solution.y,
        uncertainty: solution.spread ?? solution.rangeRms,
        sensors: solution.sensors,
        method: this.method.name,
      };
      if (solution.radius90 !== undefined) fix.radius90 = solution.radius90;
      if (this.zoneModel) {
        const z = stepZone(this.zoneModel, track?.zoneState, zoneEvidenceOf(window.t, solution));
        next.zoneState = z.state;
        next.zone = z.zone;
        if (z.zone !== undefined) fix.zone = z.zone;
        fix.zoneProbability = z.probability;
        if (!track || z.zone !== track.zone)
          this.options.onZoneChange?.({
            deviceId: window.device,
            t: window.t,
            from: track?.zone,
            to: z.zone,
          });
      }
      this.tracks.set(window.device, next);
      this.counters.fixes++;
      this.options.onFix(fix);
    }
  }

  private forgetStaleTracks(t: number): void {
    const timeout = this.options.trackTimeoutSeconds ?? 60;
    for (const [device, track] of this.tracks) if (t - track.lastT > timeout) this.tracks.delete(device);
  }
}
