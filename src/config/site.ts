import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { CalibrationResult } from '../core/positioning/calibration.ts';
import { pointInPolygon } from '../core/positioning/geometry.ts';
import { normaliseSensorId } from '../core/positioning/probeLogLine.ts';
import type { SurveyPoint } from '../core/positioning/radioMap.ts';
import type {
  PositioningSensor,
  PositioningSite,
  RssiStatistic,
  SiteTuning,
} from '../core/positioning/positioningSite.ts';
import { type Site, type SiteValidation, validateSite } from './siteSchema.ts';

export {
  type Site,
  type SiteIssue,
  type SiteSensor,
  type SiteValidation,
  formatSiteIssues,
  validateSite,
} from './siteSchema.ts';

/**
 * The site file: where the sensors are, how big the floor is (its box, outline and obstacles),
 * its plan and named zones, and what calibration learned. JSON (or YAML when a YAML package is
 * installed), for example
 *
 *   {"sensors": [{"id": "e4956e410ac2", "x": 8.5, "y": 5.7, "z": 1.2}], "bounds": [0, 0, 20, 15]}
 *
 * The schema and its checks are in siteSchema.ts; the loader refuses a file with any problem. A
 * sensor id matches the ProbeMac column of probe logs, compared case- and separator-insensitively.
 */

interface YamlModule {
  parse?: (text: string) => unknown;
  load?: (text: string) => unknown;
  stringify?: (value: unknown) => string;
  dump?: (value: unknown) => string;
}

/** `yaml` (preferred) or `js-yaml`, whichever is installed; undefined when neither is. */
async function yamlModule(): Promise<YamlModule | undefined> {
  for (const name of ['yaml', 'js-yaml']) {
    try {
      const mod = (await import(name)) as YamlModule & { default?: YamlModule };
      return mod.parse || mod.load ? mod : mod.default;
    } catch {
      // not installed: try the next one
    }
  }
  return undefined;
}

function isYaml(path: string): boolean {
  return ['.yaml', '.yml'].includes(extname(path).toLowerCase());
}

const YAML_MISSING = 'YAML site files need the "yaml" package (npm install yaml); JSON works without it';

/** Reads and validates a site file; unreadable or unparsable files come back as errors too. */
export async function loadSite(path: string): Promise<SiteValidation> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return {
      ok: false,
      errors: [
        { path: '', message: `cannot read ${path}: ${(err as Error).message}`, hint: 'check the path' },
      ],
      warnings: [],
    };
  }
  let data: unknown;
  try {
    if (isYaml(path)) {
      const yaml = await yamlModule();
      const parse = yaml?.parse ?? yaml?.load;
      if (!parse)
        return {
          ok: false,
          errors: [{ path: '', message: YAML_MISSING, hint: 'convert the file to JSON or install yaml' }],
          warnings: [],
        };
      data = parse(text);
    } else data = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      errors: [
        {
          path: '',
          message: `${path} is not valid ${isYaml(path) ? 'YAML' : 'JSON'}: ${(err as Error).message}`,
          hint: 'fix the syntax at the position given',
        },
      ],
      warnings: [],
    };
  }
  return validateSite(data);
}

/** Writes a site file, JSON or (by extension, when a YAML package is installed) YAML. */
export async function saveSite(path: string, site: Site): Promise<void> {
  if (isYaml(path)) {
    const yaml = await yamlModule();
    const dump = yaml?.stringify ?? yaml?.dump;
    if (!dump) throw new Error(YAML_MISSING);
    await writeFile(path, dump(site));
    return;
  }
  await writeFile(path, `${JSON.stringify(site, null, 2)}\n`);
}

/** A calibration's figures written into the site: per-sensor models and the site-wide fallback. */
export function applyCalibration(
  site: Site,
  result: CalibrationResult,
  meta: { fittedAt?: string; statistic?: RssiStatistic; tuning?: SiteTuning } = {},
): Site {
  const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
  const sensors = site.sensors.map((s) => {
    const fit = result.sensors[normaliseSensorId(s.id)];
    if (!fit) return s;
    return {
      ...s,
      calibration: {
        rssiAt1m: round(fit.rssiAt1m),
        n: round(fit.n, 3),
        sigmaDb: round(fit.sigmaDb),
        samples: fit.samples,
      },
    };
  });
  const g = result.global;
  return {
    ...site,
    sensors,
    pathLoss: {
      model: 'reference',
      rssiAt1m: round(g.rssiAt1m),
      n: round(g.n, 3),
      sigmaDb: round(g.sigmaDb),
    },
    calibration: {
      mode: result.mode,
      samples: g.samples,
      sigmaDb: round(g.sigmaDb),
      ...(meta.statistic === undefined ? {} : { statistic: meta.statistic }),
      ...(meta.fittedAt === undefined ? {} : { fittedAt: meta.fittedAt }),
      ...(result.warnings.length > 0 ? { warnings: result.warnings } : {}),
      ...(meta.tuning ? { tuning: roundTuning(meta.tuning) } : {}),
    },
  };
}

function roundTuning(t: SiteTuning): NonNullable<NonNullable<Site['calibration']>['tuning']> {
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const out: NonNullable<NonNullable<Site['calibration']>['tuning']> = {};
  if (t.radius90Scale)
    out.radius90Scale = Object.fromEntries(Object.entries(t.radius90Scale).map(([k, v]) => [k, round(v)]));
  if (t.speedSigma) out.speedSigma = { ...t.speedSigma };
  if (t.smootherSpeedSigma) out.smootherSpeedSigma = { ...t.smootherSpeedSigma };
  return out;
}

/** A survey written into the site, with each calibrated sensor's held-out noise around the corrected map when known. */
export function withSurvey(
  site: Site,
  survey: readonly SurveyPoint[],
  surveySigmaDb?: ReadonlyMap<string, number>,
): Site {
  const round = (v: number) => Math.round(v * 100) / 100;
  const sensors = site.sensors.map((s) => {
    const sigma = surveySigmaDb?.get(normaliseSensorId(s.id));
    return sigma === undefined || !s.calibration
      ? s
      : { ...s, calibration: { ...s.calibration, surveySigmaDb: round(sigma) } };
  });
  return {
    ...site,
    sensors,
    survey: survey.map((p) => ({ x: round(p.x), y: round(p.y), rssi: { ...p.rssi } })),
  };
}

/**
 * The site as positioning's plain values, one entry per floor (a single entry, floor undefined,
 * for a site without floors). Sensor ids are normalised as the logs' ProbeMac is.
 */
export function positioningSites(site: Site): { floor: string | undefined; site: PositioningSite }[] {
  const floors: (string | undefined)[] = site.floors ? site.floors.map((f) => String(f.id)) : [undefined];
  return floors.map((floor) => {
    const sensors: PositioningSensor[] = site.sensors
      .filter((s) => floor === undefined || String(s.floor) === floor)
      .map((s) => {
        const out: PositioningSensor = { id: normaliseSensorId(s.id), x: s.x, y: s.y, z: s.z };
        if (s.calibration) {
          out.pathLoss = { model: 'reference', rssiAt1m: s.calibration.rssiAt1m, n: s.calibration.n };
          if (s.calibration.sigmaDb !== undefined) out.sigmaDb = s.calibration.sigmaDb;
          if (s.calibration.surveySigmaDb !== undefined) out.surveySigmaDb = s.calibration.surveySigmaDb;
        }
        return out;
      });
    const f = site.floors?.find((x) => String(x.id) === floor);
    const onThisFloor = (item: { floor?: string | number | undefined }) =>
      floor === undefined || item.floor === undefined || String(item.floor) === floor;
    const ps: PositioningSite = { sensors, bounds: f?.bounds ?? site.bounds };
    const outline = f?.outline ?? site.outline;
    if (outline) ps.outline = outline;
    const obstacles = (site.obstacles ?? []).filter(onThisFloor).map((o) => o.polygon);
    if (obstacles.length > 0) ps.obstacles = obstacles;
    const zones = (site.zones ?? []).filter(onThisFloor).map((z) => ({ name: z.name, polygon: z.polygon }));
    if (zones.length > 0) ps.zones = zones;
    if (site.deviceZ !== undefined) ps.deviceZ = site.deviceZ;
    if (site.calibration?.statistic !== undefined) ps.statistic = site.calibration.statistic;
    const tuning = site.calibration?.tuning;
    if (tuning) {
      ps.tuning = {};
      if (tuning.radius90Scale) ps.tuning.radius90Scale = tuning.radius90Scale;
      const perMap = (v: { pathLoss?: number | undefined; survey?: number | undefined }) => ({
        ...(v.pathLoss === undefined ? {} : { pathLoss: v.pathLoss }),
        ...(v.survey === undefined ? {} : { survey: v.survey }),
      });
      if (tuning.speedSigma) ps.tuning.speedSigma = perMap(tuning.speedSigma);
      if (tuning.smootherSpeedSigma) ps.tuning.smootherSpeedSigma = perMap(tuning.smootherSpeedSigma);
    }
    if (site.pathLoss) {
      const { sigmaDb, ...model } = site.pathLoss;
      ps.pathLoss = model;
      if (sigmaDb !== undefined) ps.sigmaDb = sigmaDb;
    }
    const survey = site.survey?.filter((p) => floor === undefined || String(p.floor) === floor);
    if (survey && survey.length > 0)
      ps.survey = survey.map((p) => ({
        x: p.x,
        y: p.y,
        rssi: Object.fromEntries(Object.entries(p.rssi).map(([k, v]) => [normaliseSensorId(k), v])),
      }));
    return { floor, site: ps };
  });
}

/** The named zone a position falls in, if any. */
export function zoneAt(site: Site, p: { x: number; y: number }, floor?: string): string | undefined {
  return site.zones?.find(
    (zz) =>
      (floor === undefined || zz.floor === undefined || String(zz.floor) === floor) &&
      pointInPolygon(p, zz.polygon),
  )?.name;
}
