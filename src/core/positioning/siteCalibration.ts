import {
  type CalibrationMode,
  type CalibrationResult,
  calibrationSamples,
  fitPathLoss,
  surveyFromWindows,
} from './calibration.ts';
import type { Point2 } from './geometry.ts';
import { tuneOnRecordings } from './heldOutTuning.ts';
import { radioMapOptions } from './methods.ts';
import {
  DEFAULT_RSSI_STATISTIC,
  type PositioningSite,
  type RssiStatistic,
  type SiteTuning,
} from './positioningSite.ts';
import { DEFAULT_DEVICE_Z, type SurveyPoint, heldOutSurveySigma } from './radioMap.ts';
import type { ReadingWindow } from './readings.ts';

/**
 * Calibrating a site from recordings at known positions, as `airtrace calibrate` and the
 * evaluation do it: fit the path loss per sensor, keep the recordings as a survey, measure on
 * held-out recordings how well the survey-corrected map predicts what sensors hear, and (with
 * two recordings or more) tune the methods on held-out recordings (`heldOutTuning.ts`).
 */

export interface CalibrationRecording {
  windows: readonly ReadingWindow[];
  /** Where the device was: a spot's fixed position, or the truth interpolated at t. */
  truthAt: (t: number) => Point2 | undefined;
}

export interface SiteCalibration {
  fit: CalibrationResult;
  statistic: RssiStatistic;
  survey: SurveyPoint[];
  /** Per sensor id, RSSI noise around the survey-corrected map on held-out recordings, dB (needs 2+ recordings). */
  surveySigmaDb: Map<string, number>;
  /** Walking speed and error-bar factors learned on held-out recordings (needs 2+ recordings). */
  tuning: SiteTuning | undefined;
}

export interface SiteCalibrationOptions {
  mode?: CalibrationMode;
  statistic?: RssiStatistic;
  /** Tune the methods on held-out recordings (default true; it runs every method once per recording). */
  tune?: boolean;
}

type Basic = Omit<SiteCalibration, 'tuning'>;

/** The site's sensors with the fitted models and noise (and, given, the survey with its held-out noise). */
export function calibratedSite(site: PositioningSite, c: Basic, withSurvey = true): PositioningSite {
  return {
    ...site,
    statistic: c.statistic,
    sensors: site.sensors.map((s) => {
      const f = c.fit.sensors[s.id];
      if (!f) return s;
      const out = {
        ...s,
        pathLoss: { model: 'reference' as const, rssiAt1m: f.rssiAt1m, n: f.n },
        sigmaDb: f.sigmaDb,
      };
      const surveySigma = c.surveySigmaDb.get(s.id);
      return withSurvey && surveySigma !== undefined ? { ...out, surveySigmaDb: surveySigma } : out;
    }),
    ...(withSurvey && c.survey.length > 0 ? { survey: c.survey } : {}),
  };
}

function calibrateBasic(
  site: PositioningSite,
  recordings: readonly CalibrationRecording[],
  options: SiteCalibrationOptions,
): { ok: true; calibration: Basic } | { ok: false; error: string } {
  const statistic = options.statistic ?? DEFAULT_RSSI_STATISTIC;
  const deviceZ = site.deviceZ ?? DEFAULT_DEVICE_Z;
  const samples = recordings.flatMap((r) =>
    calibrationSamples(r.windows, site.sensors, r.truthAt, deviceZ, statistic),
  );
  const fit = fitPathLoss(samples, { mode: options.mode ?? 'shared-exponent' });
  if (!fit.ok) return fit;
  const surveys = recordings.map((r) => surveyFromWindows(r.windows, r.truthAt, statistic));
  const fitted = calibratedSite(
    site,
    { fit: fit.result, statistic, survey: [], surveySigmaDb: new Map() },
    false,
  );
  const surveySigmaDb = heldOutSurveySigma(radioMapOptions(fitted), surveys);
  return { ok: true, calibration: { fit: fit.result, statistic, survey: surveys.flat(), surveySigmaDb } };
}

export function calibrateRecordings(
  site: PositioningSite,
  recordings: readonly CalibrationRecording[],
  options: SiteCalibrationOptions = {},
): { ok: true; calibration: SiteCalibration } | { ok: false; error: string } {
  const basic = calibrateBasic(site, recordings, options);
  if (!basic.ok) return basic;
  const tuning =
    options.tune === false
      ? undefined
      : tuneOnRecordings(recordings, (training) => {
          const inner = calibrateBasic(site, training, options);
          return inner.ok ? calibratedSite(site, inner.calibration) : undefined;
        });
  return { ok: true, calibration: { ...basic.calibration, tuning } };
}
