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
} from './positioningSite.ts';
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
  knn: 'fingerprinting: k nearest survey points by RSSI vector',
  'survey-filter': 'grid Bayes filter over a radio map corrected by the survey',
  'survey-smoother': 'survey-filter refined by the next window before publishing (one window late)',
};

export interface Method {
  name: MethodName;
  summary: string;
  measurements: MeasurementOptions;
  positioner: Positioner;
}

export interface MethodTuning {
  /** Radio-map cell, metres (default 0.5). */
  cell?: number;
  /** Walking-speed spread for the grid filters, m/s (default 0.75). */
  speedSigma?: number;
  /** Survey kernel width, metres (default 1). */
  surveyBandwidth?: number;
  /** Survey shrinkage pseudo-count (default 1). */
  surveyShrinkage?: number;
  /** Neighbours for knn (default 5). */
  k?: number;
  /** Windows the smoother waits for (default 1). */
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
  const pathLossMap = () => (plainMap ??= radioMap(site, tuning, false));
  const surveyedMap = () => (surveyMap ??= radioMap(site, tuning, true));
  const filterOptions = {
    ...(tuning.speedSigma === undefined ? {} : { speedSigma: tuning.speedSigma }),
    ...(tuning.estimate === undefined ? {} : { estimate: tuning.estimate }),
  };
  const hasSurvey = (site.survey?.length ?? 0) > 0;
  for (const name of names) {
    if (!isMethodName(name)) {
      unavailable.push({ name, reason: `unknown method; known: ${METHOD_NAMES.join(', ')}` });
      continue;
    }
    if ((name === 'knn' || name.startsWith('survey-')) && !hasSurvey) {
      unavailable.push({ name, reason: 'the site has no survey (recordings at known positions)' });
      continue;
    }
    const summary = METHOD_SUMMARIES[name];
    const calibrated: MeasurementOptions = { rssi: site.statistic ?? DEFAULT_RSSI_STATISTIC };
    switch (name) {
      case 'document':
        methods.push({
          name,
          summary,
          measurements: { rssi: 'mean', strongest: 4, pathLoss: DOCUMENT_PATH_LOSS, flat: true },
          positioner: createLinearSolver(name, { useHeight: false }),
        });
        break;
      case 'linear':
        methods.push({
          name,
          summary,
          measurements: { ...calibrated, strongest: 4 },
          positioner: createLinearSolver(name),
        });
        break;
      case 'wnls':
        methods.push({
          name,
          summary,
          measurements: calibrated,
          positioner: createWeightedLeastSquares(name),
        });
        break;
      case 'wnls+kalman':
        methods.push({
          name,
          summary,
          measurements: calibrated,
          positioner: createKalmanTracker(createWeightedLeastSquares('wnls'), name),
        });
        break;
      case 'grid':
        methods.push({
          name,
          summary,
          measurements: calibrated,
          positioner: createGridSolver(pathLossMap(), name, filterOptions),
        });
        break;
      case 'grid-filter':
        methods.push({
          name,
          summary,
          measurements: calibrated,
          positioner: createGridFilter(pathLossMap(), name, filterOptions),
        });
        break;
      case 'knn':
        methods.push({
          name,
          summary,
          measurements: calibrated,
          positioner: createFingerprintSolver(
            site.survey!,
            name,
            tuning.k === undefined ? {} : { k: tuning.k },
          ),
        });
        break;
      case 'survey-filter':
        methods.push({
          name,
          summary,
          measurements: calibrated,
          positioner: createGridFilter(surveyedMap(), name, filterOptions),
        });
        break;
      case 'survey-smoother':
        methods.push({
          name,
          summary,
          measurements: calibrated,
          positioner: createGridSmoother(surveyedMap(), name, {
            ...filterOptions,
            ...(tuning.lag === undefined ? {} : { lag: tuning.lag }),
          }),
        });
        break;
    }
  }
  return { methods, unavailable };
}
