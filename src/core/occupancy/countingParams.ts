/**
 * The parameters of people counting, as plain values. `src/config/countingConfig.ts` reads them
 * from a file (and `airtrace count --fit` writes them); the core only ever receives them.
 */

/** How sightings of rotating addresses are joined into devices (see deviceGrouping.ts). */
export interface GroupingParams {
  /** A device silent for longer than this is gone: a later address starts a new device. */
  linkGapSeconds: number;
  /**
   * An address heard again after a silence longer than this starts afresh instead of returning
   * to its old device: the grouping's memory. At least the longest hold, so a phone held present
   * across a silence stays one device; bounded, so days ago never shape today's count.
   */
  memorySeconds: number;
  /**
   * A non-randomized address heard for no longer than this, when first seen, may still be one of
   * a device's rotating addresses (some datasets re-randomize every address, and the LA bit is
   * then meaningless). Heard for longer, it is a device by itself.
   */
  briefSeconds: number;
  /** Sequence numbers continue a device's count when the next MAC follows within this time ... */
  seqMaxGapSeconds: number;
  /** ... and its first number lies at most `seqSlack + seqPerSecond * gap` after the last one. */
  seqSlack: number;
  seqPerSecond: number;
  /** Consecutive continuations after which a device is known to keep its sequence counter. */
  seqChainLength: number;
  /** A device with a live sequence chain must continue it if it probes again within this time. */
  seqChainSeconds: number;
  /** A new fingerprint joins a device that shares this many directed SSIDs with it. */
  ssidLinkMin: number;
  /** A new fingerprint joins the only device heard in this many seconds before it ... */
  quietLinkSeconds: number;
  /** ... when its RSSI, on the same sensor, is within this many dB of that device's last. */
  quietLinkDb: number;
  /** A rotated BLE private address follows the previous one within this many seconds. */
  bleRotationSeconds: number;
}

/** How long a device counts as present around its sightings (see presence.ts). */
export interface PresenceParams {
  /** Sightings of one device less than this far apart are one continuous stay. */
  holdSeconds: number;
  /** Each stay extends this far before its first and after its last sighting. */
  padSeconds: number;
  /** A device present without a break for longer than this is fixed equipment, not a visitor. */
  stationarySeconds: number;
  /** A device counts in `devices` when its RSSI reaches this level (after the sensor's offset). */
  presenceRssi: number;
  /** Used for sightings without RSSI (captures with no radio header). */
  unknownRssi: number;
  /** Per-sensor corrections added to its RSSI, so one set of levels fits several sensors. */
  sensorOffsetsDb: Readonly<Record<string, number>>;
  /**
   * A stretch this long in which at most `quietMaxDevices` devices per minute are heard at
   * `quietRssi` or stronger means the room emptied: no stay is held across it. 0 turns this off.
   * A level of its own, not `presenceRssi`: fitting moves that one, and the features the fit
   * learns from must not change with what it finds.
   */
  quietSeconds: number;
  quietMaxDevices: number;
  quietRssi: number;
}

/**
 * The interval as a confidence belt (see intervals.ts): the true count's levels are below
 * `edges[0]`, below `edges[1]`, ...; for level b, `low[b]` and `high[b]` are the quantiles of
 * `estimate - truth` that bound the interval's share of windows with a true count in b.
 */
export interface IntervalBelt {
  edges: readonly number[];
  low: readonly number[];
  high: readonly number[];
}

/**
 * What a headcount may change, as a prior on the scale `s` in `people = s * estimate` (see
 * headcounts.ts): `s = 1 + drift + session`, both Gaussian processes with exponential covariance.
 */
export interface HeadcountPrior {
  /** SD of the slow part of the scale: devices per person of a site or a season. */
  driftSd: number;
  /** How long the slow part keeps its value (the time constant of its correlation), seconds. */
  driftSeconds: number;
  /** SD of the fast part: one class or group differs from another within a day. */
  sessionSd: number;
  sessionSeconds: number;
  /** SD of a headcount against the window's mean count (miscounts, people coming and going). */
  countSd: number;
}

/**
 * People from devices: `estimate = sum_k weights[k] * presentAt(levels[k])`, where
 * `presentAt(L)` is the time-weighted number of devices present at RSSI >= L during the window.
 * Non-negative weights make this a monotone RSSI -> people-per-device curve: the original
 * tracker's fixed "ratio", fitted per RSSI band.
 *
 * The interval comes from cross-validated residuals: a belt that holds per level of the true count
 * (`belt`, what `--fit` writes), else (older files) one split-conformal pair scaled by
 * s = sqrt(estimate + 1): `[estimate + low * s, estimate + high * s]`; clipped at 0 either way.
 */
export interface PeopleModel {
  /** RSSI levels in dBm, strongest first. */
  levels: readonly number[];
  weights: { wifi: readonly number[]; ble: readonly number[] };
  interval: { level: number; low: number; high: number; belt?: IntervalBelt };
  /** The prior headcount calibration starts from; DEFAULT_HEADCOUNT_PRIOR when absent. */
  headcountPrior?: HeadcountPrior;
}

export interface CountingParams {
  grouping: GroupingParams;
  presence: PresenceParams;
  model: PeopleModel;
  /** Hashed ids (with the same key as the sightings) of devices never to count. */
  ignoreDeviceIds: ReadonlySet<string>;
}

export const DEFAULT_GROUPING: GroupingParams = {
  linkGapSeconds: 900,
  memorySeconds: 2400,
  briefSeconds: 10,
  seqMaxGapSeconds: 60,
  seqSlack: 32,
  seqPerSecond: 1.5,
  seqChainLength: 2,
  seqChainSeconds: 60,
  ssidLinkMin: 3,
  quietLinkSeconds: 60,
  quietLinkDb: 3,
  bleRotationSeconds: 60,
};

export const DEFAULT_PRESENCE: PresenceParams = {
  holdSeconds: 2400,
  padSeconds: 60,
  stationarySeconds: 6 * 3600,
  presenceRssi: -65,
  unknownRssi: -65,
  sensorOffsetsDb: {},
  quietSeconds: 240,
  quietMaxDevices: 0,
  quietRssi: -65,
};

export const DEFAULT_LEVELS: readonly number[] = [-55, -60, -65, -70, -75, -80, -85];

/**
 * The default model: fitted on all 54 shared days of the brno lab (2022, 2023, a month of 2023,
 * 2024 with two sensors; one university lab, ESP32 sensors, the lab's computers ignored,
 * 10-minute windows), recent days weighted more (half-life 60 days, so mostly 2023-2024), as a
 * count (Poisson regression, fitModel.ts); `npm run eval occupancy` refits it and writes it to
 * eval/out/occupancy/fitted-all-days.json. Read: a device heard at -65 dBm or stronger counts
 * about 0.82 people, one at -60 or stronger another 0.26 and at -55 another 0.11 (phones per
 * person fell to about one as phones began to randomize everything), weaker ones a few hundredths. The interval is a belt per level of the true count (intervals.ts). Another site,
 * sensor or antenna differs: fit it with `airtrace count --fit`, or correct it with headcounts.
 * BLE has no ground truth to fit on, so it adds nothing by default.
 */
export const DEFAULT_MODEL: PeopleModel = {
  levels: DEFAULT_LEVELS,
  weights: { wifi: [0.1073, 0.2554, 0.8216, 0.0119, 0.0222, 0, 0.014], ble: [0, 0, 0, 0, 0, 0, 0] },
  interval: {
    level: 0.9,
    low: -0.3591,
    high: 0,
    belt: {
      edges: [0.5, 3.5, 6.5, 9.5, 12.5, 15.5],
      low: [0, -3, -4.3306, -3.6456, -4.3316, -3.258, -3.6803],
      high: [0.1236, 2.5629, 5.9511, 3.5152, 3.2295, 5.0771, 5.909],
    },
  },
  headcountPrior: {
    driftSd: 0.02,
    driftSeconds: 90 * 86_400,
    sessionSd: 0.2,
    sessionSeconds: 7200,
    countSd: 1.5,
  },
};

export function defaultCountingParams(): CountingParams {
  return {
    grouping: { ...DEFAULT_GROUPING },
    presence: { ...DEFAULT_PRESENCE },
    model: DEFAULT_MODEL,
    ignoreDeviceIds: new Set(),
  };
}
