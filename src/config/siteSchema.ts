import { z } from 'zod';
import { espresenseSiteSection } from './espresenseSite.ts';
import { normaliseSensorId } from '../core/positioning/probeLogLine.ts';

/**
 * The site file's schema and its checks: the shape (zod) and what only the whole file can tell
 * (duplicate sensors, floors that do not exist, zones and obstacles with no area). `validateSite`
 * lists every problem with its path and a hint; site.ts loads, saves and reads the file.
 */

const metres = z.number();
const boundsSchema = z.tuple([metres, metres, metres, metres]);
const floorId = z.union([z.string().min(1), z.number()]);

const floorPlan = z.strictObject({
  /** Path of the image, relative to the site file. */
  image: z.string().min(1),
  metresPerPixel: z.number().positive(),
  /** Pixel (column, row) of the site's origin (0, 0); y grows upwards on the floor, downwards in the image. */
  origin: z.tuple([z.number(), z.number()]).optional(),
});

const sensorCalibration = z.strictObject({
  rssiAt1m: z.number(),
  n: z.number().positive(),
  sigmaDb: z.number().positive().optional(),
  samples: z.number().int().nonnegative().optional(),
  /** RSSI noise around the survey-corrected map, measured on held-out recordings, dB. */
  surveySigmaDb: z.number().positive().optional(),
});

const pathLoss = z.discriminatedUnion('model', [
  z.strictObject({
    model: z.literal('reference'),
    rssiAt1m: z.number(),
    n: z.number().positive(),
    sigmaDb: z.number().positive().optional(),
  }),
  z.strictObject({
    model: z.literal('document'),
    p0: z.number(),
    fadeMargin: z.number(),
    n: z.number().positive(),
    sigmaDb: z.number().positive().optional(),
  }),
]);

const sensorSchema = z.strictObject({
  id: z.string().min(1),
  label: z.string().optional(),
  x: metres,
  y: metres,
  z: metres,
  floor: floorId.optional(),
  calibration: sensorCalibration.optional(),
});

/** Corners `[x, y]` in metres, either winding; the last joins the first. */
const ring = z.array(z.tuple([metres, metres])).min(3);
/** Walking-speed spread, m/s, per radio map. */
const speedSigmaSchema = z.strictObject({
  pathLoss: z.number().positive().optional(),
  survey: z.number().positive().optional(),
});

const floorSchema = z.strictObject({
  id: floorId,
  name: z.string().optional(),
  bounds: boundsSchema.optional(),
  /** The floor polygon, when the floor is not its whole box (an L-shaped flat): no fix lies outside it. */
  outline: ring.optional(),
  floorPlan: floorPlan.optional(),
});

/** A room, an area of a shop: each device is assigned the zone it is in, with hysteresis. */
const zoneSchema = z.strictObject({
  name: z.string().min(1),
  floor: floorId.optional(),
  polygon: ring,
});

/** Where nobody stands (desks, columns, shafts): no fix lies inside one. */
const obstacleSchema = z.strictObject({
  name: z.string().optional(),
  floor: floorId.optional(),
  polygon: ring,
});

const surveyPointSchema = z.strictObject({
  x: metres,
  y: metres,
  floor: floorId.optional(),
  /** Median (or upper-quartile, as the calibration says) RSSI by sensor id, dBm. */
  rssi: z.record(z.string(), z.number()),
});

const siteSchema = z.strictObject({
  sensors: z.array(sensorSchema).min(1),
  bounds: boundsSchema,
  /** Height of the tracked devices above the floor, metres (default 1.2). */
  deviceZ: z.number().nonnegative().optional(),
  /** The floor polygon of a site without floors, when the floor is not the whole box. */
  outline: ring.optional(),
  floorPlan: floorPlan.optional(),
  floors: z.array(floorSchema).optional(),
  zones: z.array(zoneSchema).optional(),
  obstacles: z.array(obstacleSchema).optional(),
  /** ESPresense nodes as sensors of this site (espresenseSite.ts). */
  espresense: espresenseSiteSection.optional(),
  /** Site-wide path loss, for sensors without their own calibration. */
  pathLoss: pathLoss.optional(),
  /** What the last calibration reported. */
  calibration: z
    .strictObject({
      mode: z.enum(['global', 'per-sensor', 'shared-exponent']),
      /** Window statistic the fit used; positioning reads windows the same way. */
      statistic: z.enum(['median', 'mean', 'upper']).optional(),
      samples: z.number().int().nonnegative(),
      sigmaDb: z.number().nonnegative(),
      fittedAt: z.string().optional(),
      warnings: z.array(z.string()).optional(),
      /** Learned on held-out recordings: see src/core/positioning/heldOutTuning.ts. */
      tuning: z
        .strictObject({
          /** Per method, spread -> radius holding the truth 9 times in 10. */
          radius90Scale: z.record(z.string(), z.number().positive()).optional(),
          /** Walking-speed spread of the grid filters, m/s, per radio map. */
          speedSigma: speedSigmaSchema.optional(),
          /** The same for the fixed-lag smoothers, tuned apart (absent: they take speedSigma). */
          smootherSpeedSigma: speedSigmaSchema.optional(),
        })
        .optional(),
    })
    .optional(),
  /** RSSI vectors recorded at known places, for fingerprinting and the survey-corrected radio map. */
  survey: z.array(surveyPointSchema).optional(),
});

export type Site = z.infer<typeof siteSchema>;
export type SiteSensor = z.infer<typeof sensorSchema>;
type SiteFloor = z.infer<typeof floorSchema>;
type SiteZone = z.infer<typeof zoneSchema>;
type SiteObstacle = z.infer<typeof obstacleSchema>;
type SiteSurveyPoint = z.infer<typeof surveyPointSchema>;
type Bounds = z.infer<typeof boundsSchema>;

export interface SiteIssue {
  /** Where, as `sensors[2].z`; empty for the file as a whole. */
  path: string;
  message: string;
  hint: string;
}

export type SiteValidation =
  { ok: true; site: Site; warnings: SiteIssue[] } | { ok: false; errors: SiteIssue[]; warnings: SiteIssue[] };

const EXAMPLE_SENSOR = '{"id": "e4956e410ac2", "x": 8.5, "y": 5.7, "z": 1.2}';

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (s, k) => (typeof k === 'number' ? `${s}[${k}]` : s === '' ? String(k) : `${s}.${String(k)}`),
    '',
  );
}

function hintFor(path: string, code: string): string {
  const last = path.split('.').pop() ?? '';
  if (code === 'unrecognized_keys') return 'remove it or fix its spelling (see the site file format)';
  if (path === 'sensors') return `list the sensors, e.g. [${EXAMPLE_SENSOR}]`;
  if (/bounds(\[\d\])?$/.test(path)) return 'write the floor as [xmin, ymin, xmax, ymax] in metres';
  if (/^sensors\[\d+\]\.id$/.test(path))
    return 'the MAC (or name) the sensor logs as ProbeMac, e.g. "e4956e410ac2"';
  if (/^sensors\[\d+\]$/.test(path)) return `a sensor looks like ${EXAMPLE_SENSOR}`;
  if (/^(x|y|z)$/.test(last.replace(/\[\d+\]$/, ''))) return 'a finite number of metres';
  if (last === 'n') return 'the path-loss exponent: about 2 in free space, 1.5-4 indoors';
  if (last === 'rssiAt1m' || last === 'p0') return 'a power in dBm, e.g. -59 for RSSI@1m';
  if (last === 'metresPerPixel') return 'how many metres one pixel of the plan covers, e.g. 0.03';
  if (/polygon|outline/.test(path)) return 'at least three [x, y] corners in metres';
  if (last === 'model') return 'either "reference" (rssiAt1m, n) or "document" (p0, fadeMargin, n)';
  return 'see the site file format in src/config/site.ts';
}

function inside(p: { x: number; y: number }, b: readonly number[], tol: number): boolean {
  return p.x >= b[0]! - tol && p.x <= b[2]! + tol && p.y >= b[1]! - tol && p.y <= b[3]! + tol;
}

function polygonArea(poly: readonly (readonly [number, number])[]): number {
  let a = 0;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++)
    a += poly[j]![0] * poly[i]![1] - poly[i]![0] * poly[j]![1];
  return Math.abs(a) / 2;
}

/** The parts of a site that parsed, each with its index in the file, for checks across fields. */
interface SiteParts {
  bounds: Bounds | undefined;
  /** Every sensor's id that is a string, even where the rest of the sensor is wrong. */
  sensorIds: [number, string][];
  sensors: [number, SiteSensor][];
  floors: [number, SiteFloor][] | undefined;
  zones: [number, SiteZone][];
  obstacles: [number, SiteObstacle][];
  outlines: [string, readonly (readonly [number, number])[]][];
  survey: [number, SiteSurveyPoint][];
}

function salvage(input: unknown): SiteParts {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const each = <T>(schema: z.ZodType<T>, v: unknown): [number, T][] =>
    Array.isArray(v)
      ? v.flatMap((x, i): [number, T][] => {
          const r = schema.safeParse(x);
          return r.success ? [[i, r.data]] : [];
        })
      : [];
  const b = boundsSchema.safeParse(o['bounds']);
  const rawSensors: unknown[] = Array.isArray(o['sensors']) ? o['sensors'] : [];
  return {
    bounds: b.success ? b.data : undefined,
    sensorIds: rawSensors.flatMap((x, i): [number, string][] => {
      const id = typeof x === 'object' && x !== null ? (x as Record<string, unknown>)['id'] : undefined;
      return typeof id === 'string' && id !== '' ? [[i, id]] : [];
    }),
    sensors: each(sensorSchema, o['sensors']),
    floors: Array.isArray(o['floors']) ? each(floorSchema, o['floors']) : undefined,
    zones: each(zoneSchema, o['zones']),
    obstacles: each(obstacleSchema, o['obstacles']),
    outlines: [
      ...(ring.safeParse(o['outline']).success
        ? [['outline', o['outline']] as [string, [number, number][]]]
        : []),
      ...each(floorSchema, o['floors']).flatMap(([i, f]): [string, [number, number][]][] =>
        f.outline ? [[`floors[${i}].outline`, f.outline]] : [],
      ),
    ],
    survey: each(surveyPointSchema, o['survey']),
  };
}

/** Checks across fields, on whatever parsed, so they are listed together with the shape errors. */
function crossCheck(parts: SiteParts): { errors: SiteIssue[]; warnings: SiteIssue[] } {
  const errors: SiteIssue[] = [];
  const warnings: SiteIssue[] = [];
  const properBox = (b: Bounds) => b[0] < b[2] && b[1] < b[3];
  const boxes: [string, Bounds][] = parts.bounds ? [['bounds', parts.bounds]] : [];
  parts.floors?.forEach(([i, f]) => f.bounds && boxes.push([`floors[${i}].bounds`, f.bounds]));
  for (const [path, b] of boxes)
    if (!properBox(b))
      errors.push({
        path,
        message: 'xmin must be below xmax and ymin below ymax',
        hint: 'write [xmin, ymin, xmax, ymax]',
      });

  const floorIds = new Set(parts.floors?.map(([, f]) => String(f.id)) ?? []);
  const checkFloor = (path: string, floor: string | number | undefined) => {
    if (floor !== undefined && parts.floors && !floorIds.has(String(floor)))
      errors.push({
        path,
        message: `floor ${JSON.stringify(floor)} is not in floors`,
        hint: `one of: ${[...floorIds].join(', ')}`,
      });
  };
  const seen = new Map<string, number>();
  for (const [i, raw] of parts.sensorIds) {
    const id = normaliseSensorId(raw);
    const first = seen.get(id);
    if (first !== undefined)
      errors.push({
        path: `sensors[${i}].id`,
        message: `same sensor as sensors[${first}] (${raw})`,
        hint: 'list each sensor once; ids compare case- and separator-insensitively',
      });
    else seen.set(id, i);
  }
  for (const [i, s] of parts.sensors) {
    checkFloor(`sensors[${i}].floor`, s.floor);
    const b = parts.floors?.find(([, f]) => String(f.id) === String(s.floor))?.[1].bounds ?? parts.bounds;
    if (b && properBox(b) && !inside(s, b, 0.5))
      warnings.push({
        path: `sensors[${i}]`,
        message: `sensor ${s.id} at (${s.x}, ${s.y}) is outside its floor's bounds`,
        hint: 'check the coordinates or widen bounds',
      });
  }
  for (const [i, zone] of parts.zones) {
    checkFloor(`zones[${i}].floor`, zone.floor);
    if (polygonArea(zone.polygon) <= 0)
      errors.push({
        path: `zones[${i}].polygon`,
        message: `zone ${zone.name} has no area`,
        hint: 'the corners must not all lie on one line',
      });
    const first = parts.zones.find(([, z2]) => z2.name === zone.name)![0];
    if (first !== i)
      errors.push({
        path: `zones[${i}].name`,
        message: `zone name ${zone.name} is also zones[${first}]'s`,
        hint: 'zone names must be unique',
      });
  }
  for (const [path, outline] of parts.outlines)
    if (polygonArea(outline) <= 0)
      errors.push({
        path,
        message: 'the floor polygon has no area',
        hint: 'the corners must not all lie on one line',
      });
  for (const [i, o] of parts.obstacles) {
    checkFloor(`obstacles[${i}].floor`, o.floor);
    if (polygonArea(o.polygon) <= 0)
      errors.push({
        path: `obstacles[${i}].polygon`,
        message: `obstacle ${o.name ?? i} has no area`,
        hint: 'the corners must not all lie on one line',
      });
  }
  for (const [i, p] of parts.survey) {
    const unknown = Object.keys(p.rssi).filter((id) => !seen.has(normaliseSensorId(id)));
    if (unknown.length > 0)
      warnings.push({
        path: `survey[${i}].rssi`,
        message: `readings from unknown sensor(s) ${unknown.join(', ')}`,
        hint: 'they are ignored',
      });
  }
  return { errors, warnings };
}

/** Validates a parsed site file; every problem is listed, each with its path and a hint. */
export function validateSite(input: unknown): SiteValidation {
  const parsed = siteSchema.safeParse(input);
  const shape: SiteIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const path = formatPath(issue.path);
        const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
        return { path, message: `${issue.message}${keys}`, hint: hintFor(path, issue.code) };
      });
  const { errors, warnings } = crossCheck(salvage(input));
  if (parsed.success && parsed.data.sensors.length < 3)
    warnings.push({
      path: 'sensors',
      message: `${parsed.data.sensors.length} sensor(s): positioning needs at least 3`,
      hint: 'presence counting works with one',
    });
  const all = [...shape, ...errors];
  return parsed.success && all.length === 0
    ? { ok: true, site: parsed.data, warnings }
    : { ok: false, errors: all, warnings };
}

/** One line per issue, for the CLI's refusal to start. */
export function formatSiteIssues(issues: readonly SiteIssue[]): string {
  return issues.map((i) => `${i.path || '(file)'}: ${i.message}. Hint: ${i.hint}`).join('\n');
}
