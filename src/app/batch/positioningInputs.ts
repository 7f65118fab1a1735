/**
 * The positioning commands' composition: a site file, probe logs and truth CSVs in (through the
 * real loaders), windows of readings per device, fixes out. Raw MACs stay in here: windows are
 * keyed by the keyed hash of the device's MAC before anything leaves.
 */
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Transform, pipeline } from 'node:stream';
import { type ProbeLogStats, describeSkipped, readProbeLogStream } from '../../adapters/capture/probeLog.ts';
import { type Site, formatSiteIssues, loadSite, positioningSites } from '../../config/site.ts';
import { createNodeMacHasher } from '../../adapters/identity/nodeMacHasher.ts';
import type { Observation } from '../../core/model.ts';
import type { Point2 } from '../../core/positioning/geometry.ts';
import { type FloorSite, floorOf, locateWindows } from '../../core/positioning/locate.ts';
import {
  type Method,
  type MethodName,
  type MethodTuning,
  createMethods,
} from '../../core/positioning/methods.ts';
import { parseSpotName } from '../../core/positioning/probeLogLine.ts';
import { type ReadingWindow, windowObservations } from '../../core/positioning/readings.ts';
import { type TruthPoint, parseTruthCsv, recordingsTruthLookup } from '../../core/positioning/truth.ts';
import type { CalibrationRecording } from '../../core/positioning/siteCalibration.ts';
import { floorArea } from '../../core/positioning/positioningSite.ts';
import {
  type ZoneModel,
  type ZoneState,
  buildZoneModel,
  stepZone,
  zoneEvidenceOf,
} from '../../core/positioning/zoneTracker.ts';

/** A mistake in the user's input (a site file, a log, a truth CSV): one message, no stack. */
export class PositioningInputError extends Error {}

/** Progress in bytes of input, for a progress bar. */
export type PositioningProgress = (progress: { label: string; bytes: number; totalBytes: number }) => void;

export interface LoadedSite {
  path: string;
  site: Site;
  /** One entry per floor (a single one, floor undefined, for a site without floors). */
  floors: FloorSite[];
  /** Problems that do not stop positioning, one line each. */
  warnings: string[];
}

/** Loads and validates a site file; a file with mistakes is refused with every problem listed. */
export async function loadPositioningSite(path: string): Promise<LoadedSite> {
  const loaded = await loadSite(path);
  const warnings = loaded.warnings.length > 0 ? formatSiteIssues(loaded.warnings).split('\n') : [];
  if (!loaded.ok) {
    const n = loaded.errors.length;
    const lines = formatSiteIssues(loaded.errors)
      .split('\n')
      .map((l) => `  ${l}`);
    throw new PositioningInputError(
      `${path}: the site file has ${n} problem${n === 1 ? '' : 's'}:\n${lines.join('\n')}`,
    );
  }
  return { path, site: loaded.site, floors: positioningSites(loaded.site), warnings };
}

export interface LoadedLog {
  path: string;
  /** The file name, shown in the per-spot table. */
  name: string;
  observations: Observation[];
  /** Where it was recorded, from a file name `X-Y.log` (metres). */
  spot?: Point2;
  stats: ProbeLogStats;
  bytes: number;
}

export interface LoadedLogs {
  logs: LoadedLog[];
  totalBytes: number;
  /** Skipped lines and empty logs, one line each. */
  warnings: string[];
}

/** Reads probe logs in the order given; a log that cannot be read to its end stops everything. */
export async function readPositioningLogs(
  paths: readonly string[],
  onProgress?: PositioningProgress,
): Promise<LoadedLogs> {
  const sizes: number[] = [];
  for (const path of paths) {
    try {
      const s = await stat(path);
      if (!s.isFile()) throw new Error('not a file');
      sizes.push(s.size);
    } catch (err) {
      throw new PositioningInputError(`${path}: cannot read the log: ${(err as Error).message}`);
    }
  }
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  const logs: LoadedLog[] = [];
  const warnings: string[] = [];
  let before = 0;
  for (const [i, path] of paths.entries()) {
    const observations: Observation[] = [];
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        onProgress?.({ label: basename(path), bytes: before + bytes, totalBytes });
        done(null, chunk);
      },
    });
    // pipeline, not pipe: a read error must reach the reader, not leave it waiting.
    const chunks = pipeline(createReadStream(path), counter, () => {});
    const result = await readProbeLogStream(chunks, (o) => observations.push(o));
    if (result.fatal) throw new PositioningInputError(`${path}: ${result.fatal}`);
    before += sizes[i]!;
    const skipped = describeSkipped(result.stats);
    if (skipped) warnings.push(`${path}: ${skipped}`);
    if (observations.length === 0) warnings.push(`${path}: no probe-log line with a device and an RSSI`);
    const spot = parseSpotName(basename(path));
    logs.push({
      path,
      name: basename(path),
      observations,
      stats: result.stats,
      bytes: sizes[i]!,
      ...(spot ? { spot } : {}),
    });
  }
  return { logs, totalBytes, warnings };
}

/** Reads truth CSVs (`t,x,y`, t in Unix seconds) and merges their points. */
export async function readTruthFiles(
  paths: readonly string[],
): Promise<{ points: TruthPoint[]; warnings: string[] }> {
  const points: TruthPoint[] = [];
  const warnings: string[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new PositioningInputError(`${path}: cannot read the truth CSV: ${(err as Error).message}`);
    }
    const parsed = parseTruthCsv(text);
    if (parsed.points.length === 0)
      throw new PositioningInputError(
        `${path}: no truth point; expected a CSV with a header t,x,y (t in Unix seconds, x and y in metres)`,
      );
    if (parsed.skipped.length > 0)
      warnings.push(
        `${path}: skipped ${parsed.skipped.length} line(s) that are not three numbers (first at line ${parsed.skipped[0]})`,
      );
    points.push(...parsed.points);
  }
  return { points: points.sort((a, b) => a.t - b.t), warnings };
}

/** Device ids: the keyed hash of the MAC, with a random key (ids good for this run only) without one. */
export function deviceHasher(siteKey?: Uint8Array): (mac: string) => string {
  const hash = createNodeMacHasher(siteKey ?? new Uint8Array(randomBytes(32)));
  const cache = new Map<string, string>();
  return (mac) => {
    let id = cache.get(mac);
    if (id === undefined) cache.set(mac, (id = hash(mac)));
    return id;
  };
}

/**
 * The methods `locate` prefers, best first, as the BOUN leave-one-track-out evaluation ranks
 * them (median, then p90): the survey methods where the site has a survey, else the grid filter.
 */
export const METHOD_PREFERENCE: readonly MethodName[] = [
  'survey-smoother',
  'survey-filter',
  'grid-smoother',
  'grid-filter',
  'wnls+kalman',
  'grid',
  'wnls',
  'knn',
  'linear',
  'document',
];

/** The best method every floor of the site supports. */
export function defaultMethod(floors: readonly FloorSite[]): MethodName {
  // Only availability matters here, so a coarse radio map is enough.
  for (const name of METHOD_PREFERENCE)
    if (floors.every((f) => createMethods(f.site, [name], { cell: 10 }).methods.length === 1)) return name;
  return 'document';
}

/** Sensor ids the logs use that the site does not know (normalised form). */
export function unknownProbes(logs: readonly LoadedLog[], floors: readonly FloorSite[]): string[] {
  const known = new Set(floors.flatMap((f) => f.site.sensors.map((s) => s.id)));
  const unknown = new Set<string>();
  for (const log of logs)
    for (const o of log.observations) if (!known.has(o.sensorId)) unknown.add(o.sensorId);
  return [...unknown].sort();
}

export interface PositionFix {
  /** Window start and end, Unix seconds. */
  start: number;
  end: number;
  /** Keyed hash of the device's MAC. */
  device: string;
  x: number;
  y: number;
  /** Sensors the fix used. */
  sensors: number;
  /** One-sigma radius, metres, when the method knows it. */
  spread?: number;
  /** Radius holding the true position 9 times in 10, metres (the site's calibrated factor times the spread). */
  radius90?: number;
  /** A tracker carried its last state forward: no usable reading in this window. */
  predicted?: boolean;
  floor?: string;
  /** The device's zone after hysteresis (see zoneTracker.ts); absent outside every zone. */
  zone?: string;
}

export interface LocateReport {
  method: MethodName;
  windowSeconds: number;
  windows: number;
  devices: number;
  fixes: PositionFix[];
  /** Windows without a fix, by reason. */
  refused: Record<string, number>;
}

export interface LocateOptions {
  method: MethodName;
  windowSeconds: number;
  hashMac: (mac: string) => string;
  tuning?: MethodTuning;
  /** Progress through the windows, scaled to the input's bytes. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Every device's position per window, over all logs together (so logs of different sensors
 * over the same time combine). Each window goes to the floor whose sensor heard it loudest.
 */
export function locateLogs(
  site: LoadedSite,
  logs: readonly LoadedLog[],
  options: LocateOptions,
): LocateReport {
  const windows = windowObservations(
    logs.flatMap((l) => l.observations),
    { windowSeconds: options.windowSeconds, deviceOf: (o) => options.hashMac(o.mac) },
  );
  const methods = new Map<FloorSite, Method>();
  for (const f of site.floors) {
    const { methods: built, unavailable } = createMethods(f.site, [options.method], options.tuning);
    if (built.length === 0) {
      const where = f.floor === undefined ? '' : ` on floor ${f.floor}`;
      throw new PositioningInputError(
        `method ${options.method} is not available${where}: ${unavailable[0]?.reason ?? 'unknown reason'}`,
      );
    }
    methods.set(f, built[0]!);
  }
  const byWindow = new Map<string, ReadingWindow>(windows.map((w) => [`${w.device}\u0000${w.t}`, w]));
  const refused: Record<string, number> = {};
  const fixes: PositionFix[] = [];
  // One device at a time: trackers keep per-device state, and the progress bar moves.
  const byDevice = new Map<string, ReadingWindow[]>();
  for (const w of windows) {
    const list = byDevice.get(w.device);
    if (list) list.push(w);
    else byDevice.set(w.device, [w]);
  }
  const known = new Set(site.floors.flatMap((f) => f.site.sensors.map((s) => s.id)));
  const zoneModels = new Map<FloorSite, ZoneModel>();
  for (const f of site.floors)
    if ((f.site.zones?.length ?? 0) > 0) zoneModels.set(f, buildZoneModel(f.site.zones!, floorArea(f.site)));
  let done = 0;
  for (const deviceWindows of byDevice.values()) {
    const perFloor = new Map<FloorSite, ReadingWindow[]>();
    for (const w of deviceWindows) {
      const f = w.readings.some((r) => known.has(r.sensorId)) ? floorOf(w, site.floors) : undefined;
      if (!f) {
        refused['no-known-sensor'] = (refused['no-known-sensor'] ?? 0) + 1;
        continue;
      }
      const list = perFloor.get(f);
      if (list) list.push(w);
      else perFloor.set(f, [w]);
    }
    for (const [f, list] of perFloor) {
      const zoneModel = zoneModels.get(f);
      let zoneState: ZoneState | undefined;
      for (const fix of locateWindows(list, f.site, methods.get(f)!)) {
        const s = fix.solution;
        if (!s.ok) {
          refused[s.reason] = (refused[s.reason] ?? 0) + 1;
          continue;
        }
        // The device's fixes come in time order: its zone follows them with hysteresis.
        const zone = zoneModel ? stepZone(zoneModel, zoneState, zoneEvidenceOf(fix.t, s)) : undefined;
        zoneState = zone?.state;
        const w = byWindow.get(`${fix.device}\u0000${fix.t}`);
        const out: PositionFix = {
          start: w?.start ?? fix.t - options.windowSeconds / 2,
          end: w?.end ?? fix.t + options.windowSeconds / 2,
          device: fix.device,
          x: s.x,
          y: s.y,
          sensors: s.sensors,
        };
        if (s.spread !== undefined) out.spread = s.spread;
        if (s.radius90 !== undefined) out.radius90 = s.radius90;
        if (s.predicted) out.predicted = true;
        if (f.floor !== undefined) out.floor = f.floor;
        if (zone?.zone !== undefined) out.zone = zone.zone;
        fixes.push(out);
      }
    }
    done += deviceWindows.length;
    options.onProgress?.(done, windows.length);
  }
  fixes.sort((a, b) => a.start - b.start || (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
  return {
    method: options.method,
    windowSeconds: options.windowSeconds,
    windows: windows.length,
    devices: byDevice.size,
    fixes,
    refused,
  };
}

/**
 * Where each log's device was: a log named `X-Y.log` was recorded at (X, Y); any other takes
 * the truth interpolated at the window's time. Throws when a log has neither.
 */
export function positionsOf(
  logs: readonly LoadedLog[],
  truth: readonly TruthPoint[] | undefined,
): ((t: number) => Point2 | undefined)[] {
  const lookup = truth ? recordingsTruthLookup(truth) : undefined;
  const missing = logs.filter((l) => !l.spot && !lookup).map((l) => l.path);
  if (missing.length > 0)
    throw new PositioningInputError(
      `no --truth, and ${missing.length === 1 ? 'this log is' : 'these logs are'} not named X-Y.log ` +
        `(the spot it was recorded at, in metres): ${missing.join(', ')}`,
    );
  return logs.map((l) => {
    const spot = l.spot;
    return spot ? () => spot : lookup!;
  });
}

/** The logs as calibration recordings: windows of readings and where the device was. */
export function calibrationRecordings(
  logs: readonly LoadedLog[],
  truth: readonly TruthPoint[] | undefined,
  windowSeconds: number,
): CalibrationRecording[] {
  const where = positionsOf(logs, truth);
  return logs.map((l, i) => ({
    windows: windowObservations(l.observations, { windowSeconds }),
    truthAt: where[i]!,
  }));
}
