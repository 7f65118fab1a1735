/**
 * RSSI to distance. Two forms of the log-distance path-loss model:
 *
 * - the positioning document's, with the free-space constant and the carrier frequency written
 *   out: `d = 10^((P0 - Fm - Pr - 10 n log10(f) + 30 n - 32.44) / (10 n))`, where P0 is the power
 *   at zero distance (dBm), Fm the fade margin (dB), Pr the received power (dBm), n the path-loss
 *   exponent and f the frequency in MHz. It is the free-space loss `20 log10(d_km) + 20 log10(f)
 *   + 32.44` with both 20s replaced by 10 n, and d in metres (hence the + 30 n);
 * - the reference-distance form `d = 10^((RSSI@1m - Pr) / (10 n))`.
 *
 * They are the same model: the document's form is the reference form with
 * `RSSI@1m = P0 - Fm - 10 n log10(f) + 30 n - 32.44`, so a frequency only shifts RSSI@1m.
 * Calibration fits the reference form; `referenceToDocument` gives back the document's P0.
 */

export interface DocumentPathLoss {
  /** Power at zero distance, dBm. */
  p0: number;
  /** Fade margin, dB. */
  fadeMargin: number;
  /** Path-loss exponent: 2 in free space, larger indoors. */
  n: number;
}

export interface ReferencePathLoss {
  /** Received power one metre from the transmitter, dBm. */
  rssiAt1m: number;
  n: number;
}

export type PathLossParameters =
  ({ model: 'document' } & DocumentPathLoss) | ({ model: 'reference' } & ReferencePathLoss);

/**
 * The document's method as this project runs it when nothing was calibrated. The document
 * leaves P0 "to be measured" and gives ranges rather than values, so these are our reading of
 * it: P0 = 0 dBm (a typical phone or beacon transmit power), Fm = 14 dB (the low end of the
 * "good link" fade margin it quotes, 14-22 dB) and n = 2.7 (the low end of its indoor range,
 * 2.7-4.3).
 */
export const DOCUMENT_DEFAULTS: Readonly<DocumentPathLoss> = { p0: 0, fadeMargin: 14, n: 2.7 };

const FREE_SPACE_DB = 32.44;

/** The document's formula, exactly. Distance in metres. */
export function documentDistance(pr: number, params: DocumentPathLoss, freqMhz: number): number {
  const { p0, fadeMargin, n } = params;
  return 10 ** ((p0 - fadeMargin - pr - 10 * n * Math.log10(freqMhz) + 30 * n - FREE_SPACE_DB) / (10 * n));
}

/** The reference-distance form. Distance in metres. */
export function referenceDistance(pr: number, params: ReferencePathLoss): number {
  return 10 ** ((params.rssiAt1m - pr) / (10 * params.n));
}

/** What the model expects to receive at `distance` metres (the forward model). */
export function expectedRssi(params: ReferencePathLoss, distance: number): number {
  return params.rssiAt1m - 10 * params.n * Math.log10(distance);
}

export function documentToReference(params: DocumentPathLoss, freqMhz: number): ReferencePathLoss {
  const { p0, fadeMargin, n } = params;
  return { rssiAt1m: p0 - fadeMargin - 10 * n * Math.log10(freqMhz) + 30 * n - FREE_SPACE_DB, n };
}

/** The document's P0 that gives the same distances as `params` at `freqMhz`, for a chosen fade margin. */
export function referenceToDocument(
  params: ReferencePathLoss,
  freqMhz: number,
  fadeMargin = DOCUMENT_DEFAULTS.fadeMargin,
): DocumentPathLoss {
  const { rssiAt1m, n } = params;
  return { p0: rssiAt1m + fadeMargin + 10 * n * Math.log10(freqMhz) - 30 * n + FREE_SPACE_DB, fadeMargin, n };
}

/** Either form, as the reference form at one frequency. */
export function toReference(params: PathLossParameters, freqMhz: number): ReferencePathLoss {
  return params.model === 'document'
    ? documentToReference(params, freqMhz)
    : { rssiAt1m: params.rssiAt1m, n: params.n };
}

/**
 * How uncertain a distance from one RSSI is: an RSSI error of `sigmaDb` multiplies the distance
 * by 10^(±sigmaDb / 10n), so the spread grows in proportion to the distance itself.
 */
export function distanceSigma(distance: number, n: number, sigmaDb: number): number {
  return (distance * Math.LN10 * sigmaDb) / (10 * n);
}
