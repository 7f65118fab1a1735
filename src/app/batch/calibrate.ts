/**
 * Calibrating a site file from recordings at known positions: fit the path loss per sensor,
 * keep the recordings as a survey, and write both into the site, keeping everything else in
 * it. `airtrace calibrate` and the leave-one-out evaluation in eval/positioning share it.
 */
import { type Site, applyCalibration, positioningSites, withSurvey } from '../../config/site.ts';
import type { CalibrationMode } from '../../core/positioning/calibration.ts';
import type { RssiStatistic } from '../../core/positioning/positioningSite.ts';
import {
  type CalibrationRecording,
  type SiteCalibration,
  calibrateRecordings,
} from '../../core/positioning/siteCalibration.ts';

export interface CalibrateSiteOptions {
  /** How sensors share parameters (default: shared-exponent, the best on the BOUN tracks). */
  mode?: CalibrationMode;
  /** The window statistic to fit (default: the upper quartile). */
  statistic?: RssiStatistic;
  /** Also write the recordings into the site as a survey (default true). */
  survey?: boolean;
  /** ISO time recorded in the site's calibration block. */
  fittedAt?: string;
  /** Tune walking speed and error bars on held-out recordings (default true). */
  tune?: boolean;
}

export type CalibrateSiteOutcome =
  { ok: true; site: Site; calibration: SiteCalibration } | { ok: false; error: string };

/** The site with the fitted figures (and, unless told otherwise, the survey) written in. */
export function calibrateSite(
  site: Site,
  recordings: readonly CalibrationRecording[],
  options: CalibrateSiteOptions = {},
): CalibrateSiteOutcome {
  const floors = positioningSites(site);
  if (floors.length !== 1)
    return {
      ok: false,
      error: 'the site has floors; calibrate one floor at a time, with a site file per floor',
    };
  const outcome = calibrateRecordings(floors[0]!.site, recordings, {
    ...(options.mode ? { mode: options.mode } : {}),
    ...(options.statistic ? { statistic: options.statistic } : {}),
    ...(options.tune === undefined ? {} : { tune: options.tune }),
  });
  if (!outcome.ok) return outcome;
  const { fit, statistic, survey, surveySigmaDb, tuning } = outcome.calibration;
  const fitted = applyCalibration(site, fit, {
    statistic,
    ...(tuning ? { tuning } : {}),
    ...(options.fittedAt === undefined ? {} : { fittedAt: options.fittedAt }),
  });
  return {
    ok: true,
    site: options.survey === false ? fitted : withSurvey(fitted, survey, surveySigmaDb),
    calibration: outcome.calibration,
  };
}
