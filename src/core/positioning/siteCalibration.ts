import {
  type CalibrationMode,
  type CalibrationResult,
  calibrationSamples,
  fitPathLoss,
  surveyFromWindows,
} from './calibration.ts';
import type { Point2 } from './geometry.ts';
import { radioMapOptions } from './methods.ts';
import { DEFAULT_RSSI_STATISTIC, type PositioningSite, type RssiStatistic } from './positioningSite.ts';
import { DEFAULT_DEVICE_Z, type SurveyPoint, heldOutSurveySigma } from './radioMap.ts';
import type { ReadingWindow } from './readings.ts';

/**
 * Calibrating a site from recordings at known positions, as `airtrace calibrate` and the
 * evaluation do it: fit the path loss per sensor, keep the recordings as a survey, and measure
 * on held-out recordings how well the survey-corrected map predicts what sensors hear.
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
}

export interface SiteCalibrationOptions {
  mode?: CalibrationMode;
  statistic?: RssiStatistic;
}

export function calibrateRecordings(
  site: PositioningSite,
  recordings: readonly CalibrationRecording[],
  options: SiteCalibrationOptions = {},
): { ok: true; calibration: SiteCalibration } | { ok: false; error: string } {
  const statistic = options.statistic ?? DEFAULT_RSSI_STATISTIC;
  const deviceZ = site.deviceZ ?? DEFAULT_DEVICE_Z;
  const samples = recordings.flatMap((r) =>
    calibrationSamples(r.windows, site.sensors, r.truthAt, deviceZ, statistic),
  );
  const fit = fitPathLoss(samples, { mode: options.mode ?? 'shared-exponent' });
  if (!fit.ok) return fit;
  const surveys = recordings.map((r) => surveyFromWindows(r.windows, r.truthAt, statistic));
  const fitted: PositioningSite = {
    ...site,
    sensors: site.sensors.map((s) => {
      const f = fit.result.sensors[s.id];
      return f
        ? { ...s, pathLoss: { model: 'reference', rssiAt1m: f.rssiAt1m, n: f.n }, sigmaDb: f.sigmaDb }
        : s;
    }),
  };
  const surveySigmaDb = heldOutSurveySigma(radioMapOptions(fitted), surveys);
  return { ok: true, calibration: { fit: fit.result, statistic, survey: surveys.flat(), surveySigmaDb } };
}
