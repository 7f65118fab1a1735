import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import {
  type CountingParams,
  DEFAULT_GROUPING,
  DEFAULT_MODEL,
  DEFAULT_PRESENCE,
  type PeopleModel,
} from '../core/occupancy/countingParams.ts';
import { normalizeMac } from '../core/identity/mac.ts';
import { type ConfigIssue, formatIssues, listZodIssues } from './configIssues.ts';

/**
 * The people-counting parameters file (JSON), read by `airtrace count --config FILE` and written
 * by `airtrace count --fit --config FILE`. Every field is optional; what is missing takes the
 * default of src/core/occupancy/countingParams.ts. For example
 *
 *   {"schema": 1,
 *    "ignore": ["dc:fb:48:68:be:e4"],
 *    "presence": {"holdSeconds": 1500, "presenceRssi": -65},
 *    "model": {"levels": [-55, -65, -80], "wifi": [0.27, 0.44, 0.18], "ble": [0, 0, 0],
 *              "interval": {"level": 0.9, "low": -0.85, "high": 1.1}}}
 *
 * `ignore` lists addresses of devices that never count (the venue's own computers, printers):
 * written by the user, kept as written by `--fit`, and only ever compared after hashing. Nothing
 * airtrace derives from a capture is ever written here.
 */

const seconds = z.number().positive();
const dbm = z.number().min(-127).max(20);

const grouping = z.strictObject({
  linkGapSeconds: seconds.optional(),
  memorySeconds: seconds.optional(),
  briefSeconds: z.number().min(0).optional(),
  seqMaxGapSeconds: z.number().min(0).optional(),
  seqSlack: z.number().int().min(0).max(4095).optional(),
  seqPerSecond: z.number().min(0).optional(),
  seqChainLength: z.number().int().min(1).optional(),
  seqChainSeconds: z.number().min(0).optional(),
  ssidLinkMin: z.number().int().min(1).optional(),
  quietLinkSeconds: z.number().min(0).optional(),
  quietLinkDb: z.number().min(0).optional(),
  bleRotationSeconds: z.number().min(0).optional(),
});

const presence = z.strictObject({
  holdSeconds: z.number().min(0).optional(),
  padSeconds: z.number().min(0).optional(),
  stationaryHours: z.number().positive().optional(),
  presenceRssi: dbm.optional(),
  unknownRssi: dbm.optional(),
  sensorOffsetsDb: z.record(z.string().min(1), z.number().min(-60).max(60)).optional(),
  quietSeconds: z.number().min(0).optional(),
  quietMaxDevices: z.number().int().min(0).optional(),
  quietRssi: dbm.optional(),
});

const model = z.strictObject({
  levels: z.array(dbm).min(1).max(32),
  wifi: z.array(z.number().min(0)),
  ble: z.array(z.number().min(0)).optional(),
  interval: z.strictObject({
    level: z.number().gt(0).lt(1),
    low: z.number().max(0),
    high: z.number().min(0),
    belt: z
      .strictObject({
        edges: z.array(z.number().min(0)).max(32),
        low: z.array(z.number()),
        high: z.array(z.number()),
      })
      .optional(),
  }),
  headcountPrior: z
    .strictObject({
      driftSd: z.number().min(0),
      driftSeconds: z.number().positive(),
      sessionSd: z.number().min(0),
      sessionSeconds: z.number().positive(),
      countSd: z.number().positive(),
    })
    .optional(),
});

const fitScore = z.strictObject({
  windows: z.number().int().min(0),
  mae: z.number(),
  r: z.number().nullable(),
  coverage: z.number().nullable(),
});

/** Where the fitted values came from: written by --fit, informative only. */
const fitted = z.strictObject({
  recordings: z.array(z.string()),
  windowSeconds: z.number().positive(),
  /** Recency weighting of the fit (null: none). */
  halfLifeDays: z.number().positive().nullable().optional(),
  referenceTime: z.number().optional(),
  windows: z.number().int().min(0),
  folds: z.number().int().min(0),
  holdCandidates: z.array(z.strictObject({ holdSeconds: z.number(), cvMae: z.number() })),
  crossValidated: fitScore,
});

export const countingConfigSchema = z.strictObject({
  schema: z.literal(1).optional(),
  ignore: z.array(z.string()).optional(),
  grouping: grouping.optional(),
  presence: presence.optional(),
  model: model.optional(),
  fitted: fitted.optional(),
});

export type CountingConfig = z.infer<typeof countingConfigSchema>;

const HINTS: [RegExp, string][] = [
  [/^ignore/, 'MAC addresses such as "dc:fb:48:68:be:e4"'],
  [/^model\.levels/, 'RSSI levels in dBm, strongest first, e.g. [-55, -65, -80]'],
  [/^model\.(wifi|ble)/, 'one non-negative weight (people per device) per level'],
  [/^model\.interval\.belt/, 'edges increasing, one more low and high than edges, low <= high'],
  [/^model\.interval/, 'level between 0 and 1, low <= 0 <= high (airtrace count --fit writes them)'],
  [/^model\.headcountPrior/, 'standard deviations >= 0 and time constants in seconds (--fit writes them)'],
  [/^presence\.sensorOffsetsDb/, 'dB added to a sensor\'s RSSI, e.g. {"lab-pi": 4}'],
  [/^presence/, 'seconds or dBm; see src/core/occupancy/countingParams.ts'],
  [/^grouping/, 'see src/core/occupancy/countingParams.ts'],
];

function hintFor(path: string, code: string): string {
  if (code === 'unrecognized_keys') return 'remove it or fix its spelling';
  return HINTS.find(([pattern]) => pattern.test(path))?.[1] ?? 'airtrace count --fit writes a valid file';
}

export type CountingConfigResult =
  { ok: true; config: CountingConfig } | { ok: false; issues: ConfigIssue[] };

/** Checks a parsed file; returns every problem at once. */
export function validateCountingConfig(input: unknown): CountingConfigResult {
  const parsed = countingConfigSchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, issues: listZodIssues(parsed.error, hintFor) };
  const config = parsed.data;
  const issues: ConfigIssue[] = [];
  config.ignore?.forEach((entry, i) => {
    if (normalizeMac(entry) === undefined) {
      issues.push({ path: `ignore[${i}]`, message: 'not a MAC address', hint: hintFor('ignore', '') });
    }
  });
  const m = config.model;
  if (m !== undefined) {
    if (m.levels.some((level, i) => i > 0 && level >= m.levels[i - 1]!)) {
      issues.push({
        path: 'model.levels',
        message: 'levels must be strictly decreasing',
        hint: hintFor('model.levels', ''),
      });
    }
    const belt = m.interval.belt;
    if (
      belt !== undefined &&
      (belt.low.length !== belt.edges.length + 1 ||
        belt.high.length !== belt.edges.length + 1 ||
        belt.low.some((l, i) => l > belt.high[i]!) ||
        belt.edges.some((edge, i) => i > 0 && edge <= belt.edges[i - 1]!))
    ) {
      issues.push({
        path: 'model.interval.belt',
        message: `${belt.edges.length} edges need ${belt.edges.length + 1} low and high values (low <= high), edges increasing`,
        hint: hintFor('model.interval.belt', ''),
      });
    }
    for (const key of ['wifi', 'ble'] as const) {
      const weights = m[key];
      if (weights !== undefined && weights.length !== m.levels.length) {
        issues.push({
          path: `model.${key}`,
          message: `${weights.length} weights for ${m.levels.length} levels`,
          hint: hintFor(`model.${key}`, ''),
        });
      }
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, config };
}

export class CountingConfigError extends Error {}

export function loadCountingConfig(path: string): CountingConfig {
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason =
      error instanceof SyntaxError ? `not valid JSON: ${error.message}` : (error as Error).message;
    throw new CountingConfigError(`${path}: ${reason}`);
  }
  const result = validateCountingConfig(input);
  if (!result.ok) throw new CountingConfigError(formatIssues(path, result.issues));
  return result.config;
}

export function saveCountingConfig(path: string, config: CountingConfig): void {
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
}

function modelOf(m: CountingConfig['model']): PeopleModel {
  if (m === undefined) return DEFAULT_MODEL;
  return {
    levels: m.levels,
    weights: { wifi: m.wifi, ble: m.ble ?? m.levels.map(() => 0) },
    interval: m.interval,
    ...(m.headcountPrior === undefined ? {} : { headcountPrior: m.headcountPrior }),
  };
}

/**
 * The core's parameters from a config: defaults for everything missing, and the ignore list
 * hashed with `hashMac`, the same keyed hash the sightings carry.
 */
export function countingParamsOf(config: CountingConfig, hashMac: (mac: string) => string): CountingParams {
  const p = config.presence ?? {};
  const ignore = new Set<string>();
  for (const entry of config.ignore ?? []) {
    const mac = normalizeMac(entry);
    if (mac !== undefined) ignore.add(hashMac(mac));
  }
  return {
    grouping: { ...DEFAULT_GROUPING, ...config.grouping },
    presence: {
      holdSeconds: p.holdSeconds ?? DEFAULT_PRESENCE.holdSeconds,
      padSeconds: p.padSeconds ?? DEFAULT_PRESENCE.padSeconds,
      stationarySeconds:
        p.stationaryHours !== undefined ? p.stationaryHours * 3600 : DEFAULT_PRESENCE.stationarySeconds,
      presenceRssi: p.presenceRssi ?? DEFAULT_PRESENCE.presenceRssi,
      unknownRssi: p.unknownRssi ?? DEFAULT_PRESENCE.unknownRssi,
      sensorOffsetsDb: p.sensorOffsetsDb ?? {},
      quietSeconds: p.quietSeconds ?? DEFAULT_PRESENCE.quietSeconds,
      quietMaxDevices: p.quietMaxDevices ?? DEFAULT_PRESENCE.quietMaxDevices,
      quietRssi: p.quietRssi ?? DEFAULT_PRESENCE.quietRssi,
    },
    model: modelOf(config.model),
    ignoreDeviceIds: ignore,
  };
}
