import type { FloorArea, Ring } from './floorArea.ts';
import type { Bounds, Point3 } from './geometry.ts';
import { DOCUMENT_DEFAULTS, type PathLossParameters, referenceDistance, toReference } from './pathLoss.ts';
import type { SurveyPoint } from './radioMap.ts';
import type { ReadingWindow, SensorReading } from './readings.ts';
import type { Measurement } from './solver.ts';

/**
 * The plain values positioning needs about one floor of a site: sensors with their models, the
 * floor's box, the device's height and, optionally, a survey. The config loader builds it from
 * the site file; nothing here reads files.
 */

export interface PositioningSensor extends Point3 {
  /** Normalised id (`normaliseSensorId`), as the readings carry it. */
  id: string;
  /** This sensor's calibrated model; without it the site's applies. */
  pathLoss?: PathLossParameters;
  /** This sensor's RSSI noise around its path-loss model, dB. */
  sigmaDb?: number;
  /** Its RSSI noise around the survey-corrected radio map, measured on held-out recordings, dB. */
  surveySigmaDb?: number;
}

/** A named area of the floor; devices are assigned to zones with hysteresis (`zoneTracker.ts`). */
export interface PositioningZone {
  name: string;
  polygon: Ring;
}

export interface PositioningSite {
  sensors: readonly PositioningSensor[];
  bounds: Bounds;
  /** The floor polygon within `bounds`, when the floor is not its whole box. */
  outline?: Ring;
  /** Places nobody stands (desks, columns): no fix lies in one. */
  obstacles?: readonly Ring[];
  /** This floor's zones, in the site file's order (the first that holds a point names it). */
  zones?: readonly PositioningZone[];
  /** Height of the device above the floor, metres (default 1.2). */
  deviceZ?: number;
  /** Model for sensors without their own (default: the document's defaults). */
  pathLoss?: PathLossParameters;
  /** RSSI noise for sensors without their own, dB (default 4). */
  sigmaDb?: number;
  survey?: readonly SurveyPoint[];
  /** The window statistic the calibration and survey used, and so the methods must (default: DEFAULT_RSSI_STATISTIC). */
  statistic?: RssiStatistic;
  /** What the calibration learned by holding out each of its recordings in turn (`heldOutTuning.ts`). */
  tuning?: SiteTuning;
}

export interface SiteTuning {
  /** Per method, the factor from its spread to a radius that holds the truth 9 times in 10. */
  radius90Scale?: Readonly<Record<string, number>>;
  /** Walking-speed spread of the grid filters, m/s, over the path-loss map and over the survey-corrected one. */
  speedSigma?: { pathLoss?: number; survey?: number };
  /**
   * The same for the fixed-lag smoothers, tuned on their own: looking a few windows ahead, they do
   * best with a slower walk than the filters (without it, the smoothers take `speedSigma`).
   */
  smootherSpeedSigma?: { pathLoss?: number; survey?: number };
}

export const DEFAULT_SIGMA_DB = 4;

/** Where a device can be on this floor: its box, outline and obstacles. */
export function floorArea(site: Pick<PositioningSite, 'bounds' | 'outline' | 'obstacles'>): FloorArea {
  return {
    bounds: site.bounds,
    ...(site.outline ? { polygon: site.outline } : {}),
    ...(site.obstacles && site.obstacles.length > 0 ? { obstacles: site.obstacles } : {}),
  };
}

/** The window statistic a method reads as "the" RSSI; calibration must have used the same. */
export type RssiStatistic = 'median' | 'mean' | 'upper';

/**
 * The upper quartile: body shadowing and fading only take power away, so it follows the path
 * loss more closely than the median (on the BOUN tracks the survey methods' p90 drops by about
 * 0.4 m) or the mean.
 */
export const DEFAULT_RSSI_STATISTIC: RssiStatistic = 'upper';

export function readingRssi(r: SensorReading, statistic: RssiStatistic = DEFAULT_RSSI_STATISTIC): number {
  return statistic === 'mean' ? r.mean : statistic === 'upper' ? r.upper : r.rssi;
}

export interface MeasurementOptions {
  /** Which window statistic is the RSSI (default: DEFAULT_RSSI_STATISTIC). */
  rssi?: RssiStatistic;
  /** Keep only the N strongest sensors (default all). */
  strongest?: number;
  /** Use this model for every sensor, ignoring calibration (the document's method does). */
  pathLoss?: PathLossParameters;
  /** Ignore the sensors' heights (default false). */
  flat?: boolean;
  /** Use this RSSI noise for every sensor, ignoring calibration (the document's method does). */
  sigmaDb?: number;
}

export const DOCUMENT_PATH_LOSS: PathLossParameters = { model: 'document', ...DOCUMENT_DEFAULTS };

/** One window's readings as solver measurements; readings from sensors the site does not know are left out. */
export function toMeasurements(
  window: ReadingWindow,
  site: PositioningSite,
  options: MeasurementOptions = {},
): Measurement[] {
  const byId = new Map(site.sensors.map((s) => [s.id, s]));
  const known = window.readings.filter((r) => byId.has(r.sensorId));
  const value = (r: SensorReading) => readingRssi(r, options.rssi);
  const chosen =
    options.strongest === undefined
      ? known
      : [...known].sort((a, b) => value(b) - value(a)).slice(0, options.strongest);
  return chosen.map((r) => {
    const s = byId.get(r.sensorId)!;
    const model = toReference(
      options.pathLoss ?? s.pathLoss ?? site.pathLoss ?? DOCUMENT_PATH_LOSS,
      r.freqMhz,
    );
    const rssi = value(r);
    const m: Measurement = {
      sensorId: s.id,
      x: s.x,
      y: s.y,
      z: options.flat ? 0 : s.z,
      distance: referenceDistance(rssi, model),
      rssi,
      model,
      sigmaDb: options.sigmaDb ?? s.sigmaDb ?? site.sigmaDb ?? DEFAULT_SIGMA_DB,
    };
    return m;
  });
}
