import { createFingerprintSolver } from './fingerprint.ts';
import { DEFAULT_FREQUENCY_MHZ } from './frequency.ts';
import { createGridFilter, createGridSolver } from './gridFilter.ts';
import { createGridSmoother } from './gridSmoother.ts';
import { createKalmanTracker } from './kalman.ts';
import { createLinearSolver } from './linearLeastSquares.ts';
import { createWeightedLeastSquares } from './nonlinearLeastSquares.ts';
import { toReference } from './pathLoss.ts';
import { type RadioMap, type RadioMapOptions, buildRadioMap } from './radioMap.ts';
import {
  DEFAULT_RSSI_STATISTIC,
  DEFAULT_SIGMA_DB,
  DOCUMENT_PATH_LOSS,
  type MeasurementOptions,
  type PositioningSite,
  floorArea,
} from './positioningSite.ts';
import { GAUSSIAN_RADIUS90_SCALE, withRadius90 } from './radius90.ts';
import type { Positioner } from './solver.ts';

/**
 * The positioning methods airtrace offers, each a positioner plus how it reads a window. They are
 * built from a site's plain values, so `locate`, `eval positioning` and the hub all run the same.
 * All but `document` read each sensor's calibrated model and the window statistic the calibration
 * used (the upper quartile unless the site says otherwise).
 */

export const METHOD_NAMES = [
  'document',
  'linear',
  'wnls',
  'wnls+kalman',
  'grid',
  'grid-filter',
  'grid-smoother',
  'knn',
  'survey-filter',
  'survey-smoother',
] as const;

export type MethodName = (typeof METHOD_NAMES)[number];

export const METHOD_SUMMARIES: Readonly<Record<MethodName, string>> = {
  document:
    "the document's method: its default path loss, mean RSSI, 4 strongest sensors, 2-D pseudo-inverse",
  linear: 'the same pseudo-inverse on the 4 strongest sensors, with the calibrated model and heights',
  wnls: 'weighted non-linear least squares in dB (Levenberg-Marquardt), bounded to the floor',
  'wnls+kalman': 'wnls fixes through a constant-velocity Kalman filter',
  grid: 'maximum likelihood over a grid of the floor, one window at a time',
  'grid-filter': 'grid Bayes filter (HMM) over consecutive windows, path-loss radio map',
  'grid-smoother':
    'grid-filter refined by the next 3 windows before publishing (fixed lag, 6 s late); no survey needed',
  knn: 'fingerprinting: k nearest survey points by RSSI vector',
  'survey-filter': 'grid Bayes filter over a radio map corrected by the survey',
  'survey-smoother': 'survey-filter refined by the next 3 windows before publishing (fixed lag, 6 s late)',
};

export interface Method {
  name: MethodName;
  summary: string;
  measurements: MeasurementOptions;
  /** Publishes `radius90` on every fix with a spread (see radius90.ts). */
  positioner: Positioner;
  /** The factor from the spread to `radius90`: the site's calibrated one, or the Gaussian figure. */
  radius90Scale: number;
}

export interface MethodTuning {
  /** Radio-map cell, metres (default 0.5). */
  cell?: number;
  /** Walking-speed spread for the grid filters, m/s (default: the site's calibrated figure, else 0.75). */
  speedSigma?: number;
  /** Survey kernel width, metres (default 1). */
  surveyBandwidth?: number;
  /** Survey shrinkage pseudo-count (default 1). */
  surveyShrinkage?: number;
  /** Neighbours for knn (default 5). */
  k?: number;
  /** Windows the smoothers wait for (default 3, see gridSmoother.ts). */
  lag?: number;
  /** What the grid filters publish: the belief's mean (default) or mode. */
  estimate?: 'mean' | 'mode';
}

/** The radio-map recipe for a site: its sensors' models and noise, with or without its survey. */
export function radioMapOptions(
  site: PositioningSite,
  tuning: MethodTuning = {},
  withSurvey = false,
): RadioMapOptions {
  return {
    sensors: site.sensors.map((s) => ({
      id: s.id,
      x: s.x,
      y: s.y,
      z: s.z,
      model: toReference(s.pathLoss ?? site.pathLoss ?? DOCUMENT_PATH_LOSS, DEFAULT_FREQUENCY_MHZ.wifi),
      sigmaDb: (withSurvey ? s.surveySigmaDb : undefined) ?? s.sigmaDb ?? site.sigmaDb ?? DEFAULT_SIGMA_DB,
    })),
    bounds: site.bounds,
    floor: floorArea(site),
    ...(site.zones ? { zones: site.zones } : {}),
    ...(site.deviceZ === undefined ? {} : { deviceZ: site.deviceZ }),
    ...(tuning.cell === undefined ? {} : { cell: tuning.cell }),
    ...(withSurvey && site.survey ? { survey: site.survey } : {}),
    ...(tuning.surveyBandwidth === undefined ? {} : { surveyBandwidth: tuning.surveyBandwidth }),
    ...(tuning.surveyShrinkage === undefined ? {} : { surveyShrinkage: tuning.surveyShrinkage }),
  };
}

function radioMap(site: PositioningSite, tuning: MethodTuning, withSurvey: boolean): RadioMap {
  return buildRadioMap(radioMapOptions(site, tuning, withSurvey));
}

export function isMethodName(name: string): name is MethodName {
  return (METHOD_NAMES as readonly string[]).includes(name);
}

/** The methods that need a survey (recordings at known positions) in the site. */
export function needsSurvey(name: MethodName): boolean {
  return name === 'knn' || name.startsWith('survey-');
}

function positionerFor(
  name: MethodName,
  site: PositioningSite,
  tuning: MethodTuning,
  maps: { pathLoss: () => RadioMap; survey: () => RadioMap },
): Positioner {
  const estimate = tuning.estimate === undefined ? {} : { estimate: tuning.estimate };
  const lag = tuning.lag === undefined ? {} : { lag: tuning.lag };
  const speed = (family: 'pathLoss' | 'survey', smoother = false) => {
    const v =
      tuning.speedSigma ??
      (smoother ? site.tuning?.smootherSpeedSigma?.[family] : undefined) ??
      site.tuning?.speedSigma?.[family];
    return v === undefined ? {} : { speedSigma: v };
  };
  switch (name) {
    case 'document':
      return createLinearSolver(name, { useHeight: false });
    case 'linear':
      return createLinearSolver(name);
    case 'wnls':
      return createWeightedLeastSquares(name);
    case 'wnls+kalman':
      return createKalmanTracker(createWeightedLeastSquares('wnls'), name);
    case 'grid':
      return createGridSolver(maps.pathLoss(), name, estimate);
    case 'grid-filter':
      return createGridFilter(maps.pathLoss(), name, { ...speed('pathLoss'), ...estimate });
    case 'grid-smoother':
      return createGridSmoother(maps.pathLoss(), name, { ...speed('pathLoss', true), ...estimate, ...lag });
    case 'knn':
      return createFingerprintSolver(site.survey!, name, tuning.k === undefined ? {} : { k: tuning.k });
    case 'survey-filter':
      return createGridFilter(maps.survey(), name, { ...speed('survey'), ...estimate });
    case 'survey-smoother':
      return createGridSmoother(maps.survey(), name, { ...speed('survey', true), ...estimate, ...lag });
  }
}

/** Builds the named methods for a site; those the site cannot support are listed with the reason. */
export function createMethods(
  site: PositioningSite,
  names: readonly string[] = METHOD_NAMES,
  tuning: MethodTuning = {},
): { methods: Method[]; unavailable: { name: string; reason: string }[] } {
  const methods: Method[] = [];
  const unavailable: { name: string; reason: string }[] = [];
  let plainMap: RadioMap | undefined;
  let surveyMap: RadioMap | undefined;
  const maps = {
    pathLoss: () => (plainMap ??= radioMap(site, tuning, false)),
    survey: () => (surveyMap ??= radioMap(site, tuning, true)),
  };
  const hasSurvey = (site.survey?.length ?? 0) > 0;
  const calibrated: MeasurementOptions = { rssi: site.statistic ?? DEFAULT_RSSI_STATISTIC };
  for (const name of names) {
    if (!isMethodName(name)) {
      unavailable.push({ name, reason: `unknown method; known: ${METHOD_NAMES.join(', ')}` });
      continue;
    }
    if (needsSurvey(name) && !hasSurvey) {
      unavailable.push({ name, reason: 'the site has no survey (recordings at known positions)' });
      continue;
    }
    const measurements: MeasurementOptions =
      name === 'document'
        ? { rssi: 'mean', strongest: 4, pathLoss: DOCUMENT_PATH_LOSS, flat: true, sigmaDb: DEFAULT_SIGMA_DB }
        : name === 'linear'
          ? { ...calibrated, strongest: 4 }
          : calibrated;
    const radius90Scale = site.tuning?.radius90Scale?.[name] ?? GAUSSIAN_RADIUS90_SCALE;
    methods.push({
      name,
      summary: METHOD_SUMMARIES[name],
      measurements,
      positioner: withRadius90(positionerFor(name, site, tuning, maps), radius90Scale),
      radius90Scale,
    });
  }
  return { methods, unavailable };
}
