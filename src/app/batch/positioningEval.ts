/**
 * The positioning accuracy harness as a library: recordings and truth in, error figures per
 * solver out. `airtrace eval positioning` and eval/positioning/run.ts are thin wrappers.
 */
import type { Observation } from '../../core/model.ts';
import { type ErrorSummary, compareSummaries, summarizeErrors } from '../../core/positioning/errorMetrics.ts';
import type { Point2 } from '../../core/positioning/geometry.ts';
import { METHOD_NAMES, type MethodTuning, createMethods } from '../../core/positioning/methods.ts';
import { locateWindows } from '../../core/positioning/locate.ts';
import { type PositioningSite, floorArea } from '../../core/positioning/positioningSite.ts';
import { type SkippedObservations, windowObservationsCounted } from '../../core/positioning/readings.ts';
import { type TruthPoint, truthLookup } from '../../core/positioning/truth.ts';
import {
  BORDER_MARGIN,
  type ZoneSummary,
  type ZoneTimelineEntry,
  summarizeZones,
} from '../../core/positioning/zoneMetrics.ts';
import {
  type ZoneModelOptions,
  type ZoneState,
  buildZoneModel,
  stepZone,
  zoneAtPoint,
  zoneBorderDistance,
  zoneEvidenceOf,
} from '../../core/positioning/zoneTracker.ts';
import { nearestOnFloor } from '../../core/positioning/floorArea.ts';

export interface EvaluationLog {
  /** Shown in the per-spot table: a track name, a spot's file name. */
  name: string;
  observations: readonly Observation[];
  /** A recording at one known spot (`X-Y.log`); otherwise the truth CSV says where the device was. */
  spot?: Point2;
}

export interface EvaluateInput {
  site: PositioningSite;
  logs: readonly EvaluationLog[];
  /** Ground truth for logs without a spot. */
  truth?: readonly TruthPoint[];
  /** Where the truth says the device was, instead of interpolating `truth` (e.g. one CSV of several recordings). */
  truthAt?: (t: number) => Point2 | undefined;
  /** Method names (default: every method the site supports). */
  solvers?: readonly string[];
  /** Window length, seconds (default 2). */
  windowSeconds?: number;
  /** Only this device (MAC); default every device in the logs. */
  device?: string;
  tuning?: MethodTuning;
  /** Hysteresis and dwell of the zone tracker (default: its defaults). */
  zoneOptions?: ZoneModelOptions;
}

export interface FixError {
  log: string;
  t: number;
  x: number;
  y: number;
  truthX: number;
  truthY: number;
  error: number;
  /** The fix's 90% radius, metres, when the method has a spread. */
  radius90?: number;
  /** The zone the zone tracker assigned and the zone of the truth, when the site has zones. */
  zone?: string | undefined;
  truthZone?: string | undefined;
  /** How far the truth lies from the nearest zone border, metres. */
  truthBorderDistance?: number;
}

export interface CoverageSummary {
  /** Fixes with a 90% radius. */
  n: number;
  /** Of them, those whose circle holds the truth. */
  within: number;
  /** within / n; should be about 0.9. Null without a radius. */
  rate: number | null;
}

export interface PositioningEvaluation {
  windowSeconds: number;
  /** Per solver, in the order they were asked for. */
  solvers: Record<string, ErrorSummary>;
  /** Lowest median (then p90) among solvers with at least one fix. */
  best: string | undefined;
  /** Per log (track or spot), per solver. */
  perSpot: Record<string, Record<string, ErrorSummary>>;
  /** Per solver, how often the 90% circle holds the truth. */
  coverage: Record<string, CoverageSummary>;
  /** Per solver, zone assignments against the truth's zones; empty when the site has no zones. */
  zones: Record<string, ZoneSummary>;
  /** Every compared fix, per solver. */
  errors: Record<string, FixError[]>;
  /** Windows a solver refused, by reason. */
  refused: Record<string, Record<string, number>>;
  /** Windows with no truth at their time (left out of every figure). */
  unmatched: number;
  /** Observations left out of every window: no RSSI, or 0 dBm and up. */
  skipped: SkippedObservations;
  unavailable: { name: string; reason: string }[];
}

function coverageOf(list: readonly FixError[]): CoverageSummary {
  const withRadius = list.filter((e) => e.radius90 !== undefined);
  const within = withRadius.filter((e) => e.error <= e.radius90!).length;
  return { n: withRadius.length, within, rate: withRadius.length > 0 ? within / withRadius.length : null };
}

function zonesOf(list: readonly FixError[], windowSeconds: number): ZoneSummary | undefined {
  if (!list.some((e) => 'truthZone' in e)) return undefined;
  const byLog = new Map<string, ZoneTimelineEntry[]>();
  for (const e of list) {
    const line = byLog.get(e.log) ?? [];
    line.push({
      t: e.t,
      assigned: e.zone,
      truth: e.truthZone,
      ...(e.truthBorderDistance === undefined ? {} : { borderDistance: e.truthBorderDistance }),
    });
    byLog.set(e.log, line);
  }
  return summarizeZones([...byLog.values()], windowSeconds);
}

function summarise(
  solverNames: readonly string[],
  errors: Record<string, FixError[]>,
  windowSeconds: number,
): Pick<PositioningEvaluation, 'solvers' | 'best' | 'perSpot' | 'coverage' | 'zones'> {
  const solvers: Record<string, ErrorSummary> = {};
  const perSpot: Record<string, Record<string, ErrorSummary>> = {};
  const coverage: Record<string, CoverageSummary> = {};
  const zones: Record<string, ZoneSummary> = {};
  for (const name of solverNames) {
    const list = errors[name] ?? [];
    solvers[name] = summarizeErrors(list.map((e) => e.error));
    coverage[name] = coverageOf(list);
    const z = zonesOf(list, windowSeconds);
    if (z) zones[name] = z;
    const byLog = new Map<string, number[]>();
    for (const e of list) byLog.set(e.log, [...(byLog.get(e.log) ?? []), e.error]);
    for (const [log, errs] of byLog) (perSpot[log] ??= {})[name] = summarizeErrors(errs);
  }
  const ranked = solverNames
    .filter((n) => solvers[n]!.n > 0)
    .sort((a, b) => compareSummaries(solvers[a]!, solvers[b]!));
  return { solvers, best: ranked[0], perSpot, coverage, zones };
}

export function evaluatePositioning(input: EvaluateInput): PositioningEvaluation {
  const windowSeconds = input.windowSeconds ?? 2;
  const { methods, unavailable } = createMethods(input.site, input.solvers ?? METHOD_NAMES, input.tuning);
  const truthAt = input.truthAt ?? truthLookup(input.truth ?? []);
  const errors: Record<string, FixError[]> = Object.fromEntries(methods.map((m) => [m.name, []]));
  const refused: Record<string, Record<string, number>> = Object.fromEntries(
    methods.map((m) => [m.name, {}]),
  );
  const zones = input.site.zones ?? [];
  const area = floorArea(input.site);
  const zoneModel = zones.length > 0 ? buildZoneModel(zones, area, input.zoneOptions) : undefined;
  const skipped: SkippedObservations = { noRssi: 0, nonNegativeRssi: 0 };
  let unmatched = 0;
  for (const log of input.logs) {
    const observations = input.device
      ? log.observations.filter((o) => o.mac === input.device)
      : log.observations;
    const counted = windowObservationsCounted(observations, { windowSeconds });
    skipped.noRssi += counted.skipped.noRssi;
    skipped.nonNegativeRssi += counted.skipped.nonNegativeRssi;
    const windows = counted.windows;
    const where = (t: number) => log.spot ?? truthAt(t);
    unmatched += windows.filter((w) => !where(w.t)).length;
    for (const method of methods) {
      // Fixes come per device in time order; the zone tracker keeps one state per device.
      const zoneStates = new Map<string, ZoneState>();
      for (const fix of locateWindows(windows, input.site, method)) {
        const truth = where(fix.t);
        if (!fix.solution.ok) {
          if (!truth) continue;
          const r = refused[method.name]!;
          r[fix.solution.reason] = (r[fix.solution.reason] ?? 0) + 1;
          continue;
        }
        const s = fix.solution;
        let zone: string | undefined;
        if (zoneModel) {
          const step = stepZone(zoneModel, zoneStates.get(fix.device), zoneEvidenceOf(fix.t, s));
          zoneStates.set(fix.device, step.state);
          zone = step.zone;
        }
        if (!truth) continue;
        const e: FixError = {
          log: log.name,
          t: fix.t,
          x: s.x,
          y: s.y,
          truthX: truth.x,
          truthY: truth.y,
          error: Math.hypot(s.x - truth.x, s.y - truth.y),
        };
        if (s.radius90 !== undefined) e.radius90 = s.radius90;
        if (zoneModel) {
          // A truth just off the floor (through a doorway) belongs to the zone it stepped out of.
          const onTheFloor = nearestOnFloor(truth, area);
          e.zone = zone;
          e.truthZone = zoneAtPoint(zones, onTheFloor);
          e.truthBorderDistance = zoneBorderDistance(zoneModel, onTheFloor);
        }
        errors[method.name]!.push(e);
      }
    }
  }
  const names = methods.map((m) => m.name);
  return {
    windowSeconds,
    ...summarise(names, errors, windowSeconds),
    errors,
    refused,
    unmatched,
    skipped,
    unavailable,
  };
}

/** Pools several evaluations (the folds of a leave-one-out run) into one. */
export function mergeEvaluations(parts: readonly PositioningEvaluation[]): PositioningEvaluation {
  const names = [...new Set(parts.flatMap((p) => Object.keys(p.solvers)))];
  const errors: Record<string, FixError[]> = Object.fromEntries(
    names.map((n) => [n, parts.flatMap((p) => p.errors[n] ?? [])]),
  );
  const refused: Record<string, Record<string, number>> = {};
  for (const n of names) {
    refused[n] = {};
    for (const p of parts)
      for (const [r, c] of Object.entries(p.refused[n] ?? {})) refused[n][r] = (refused[n][r] ?? 0) + c;
  }
  const unavailable = [...new Map(parts.flatMap((p) => p.unavailable).map((u) => [u.name, u])).values()];
  const windowSeconds = parts[0]?.windowSeconds ?? 2;
  return {
    windowSeconds,
    ...summarise(names, errors, windowSeconds),
    errors,
    refused,
    unmatched: parts.reduce((s, p) => s + p.unmatched, 0),
    skipped: {
      noRssi: parts.reduce((s, p) => s + p.skipped.noRssi, 0),
      nonNegativeRssi: parts.reduce((s, p) => s + p.skipped.nonNegativeRssi, 0),
    },
    unavailable,
  };
}

const round3 = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

/**
 * The stable `--json` shape: `{"solvers": {"<name>": {"n", "median", "mean", "p90", "coverage90"}},
 * "best": "<name>", "zones": {"<name>": {"wrongRate", "changesPerMinute", "trueChangesPerMinute",
 * "excessChangesPerMinute"}}, "skipped": {"noRssi", "nonNegativeRssi"}}`; zones only for a site with zones.
 */
export function jsonSummary(result: PositioningEvaluation): {
  solvers: Record<string, ErrorSummary & { coverage90: number | null }>;
  best: string | null;
  zones?: Record<
    string,
    Pick<
      ZoneSummary,
      | 'wrongRate'
      | 'wrongRateAwayFromBorders'
      | 'changesPerMinute'
      | 'trueChangesPerMinute'
      | 'excessChangesPerMinute'
    >
  >;
  skipped: SkippedObservations;
} {
  const solvers = Object.fromEntries(
    Object.entries(result.solvers).map(([n, s]) => [
      n,
      {
        n: s.n,
        median: round3(s.median),
        mean: round3(s.mean),
        p90: round3(s.p90),
        coverage90: round3(result.coverage[n]?.rate ?? null),
      },
    ]),
  );
  const zoneEntries = Object.entries(result.zones);
  return {
    solvers,
    best: result.best ?? null,
    ...(zoneEntries.length === 0
      ? {}
      : {
          zones: Object.fromEntries(
            zoneEntries.map(([n, z]) => [
              n,
              {
                wrongRate: round3(z.wrongRate),
                wrongRateAwayFromBorders: round3(z.wrongRateAwayFromBorders),
                changesPerMinute: round3(z.changesPerMinute),
                trueChangesPerMinute: round3(z.trueChangesPerMinute),
                excessChangesPerMinute: round3(z.excessChangesPerMinute),
              },
            ]),
          ),
        }),
    skipped: result.skipped,
  };
}

/** A plain-text table of every solver side by side: error (m), 90% circle coverage and, with zones, zone figures. */
export function formatTable(result: PositioningEvaluation): string {
  const f = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(2));
  const withZones = Object.keys(result.zones).length > 0;
  const rows = Object.entries(result.solvers).map(([name, s]) => {
    const refused = Object.values(result.refused[name] ?? {}).reduce((a, b) => a + b, 0);
    const z = result.zones[name];
    return [
      name + (name === result.best ? ' *' : ''),
      String(s.n),
      f(s.median),
      f(s.mean),
      f(s.p90),
      f(result.coverage[name]?.rate),
      ...(withZones
        ? [
            z?.wrongRate == null ? '-' : `${(z.wrongRate * 100).toFixed(1)}%`,
            z?.wrongRateAwayFromBorders == null ? '-' : `${(z.wrongRateAwayFromBorders * 100).toFixed(1)}%`,
            f(z?.changesPerMinute),
            f(z?.excessChangesPerMinute),
          ]
        : []),
      String(refused),
    ];
  });
  const header = [
    'solver',
    'n',
    'median',
    'mean',
    'p90',
    'cover90',
    ...(withZones ? ['wrong zone', `>=${BORDER_MARGIN} m from border`, 'zone chg/min', 'excess/min'] : []),
    'refused',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const zoneNote = withZones
    ? `\ntrue zone changes: ${f(Object.values(result.zones)[0]?.trueChangesPerMinute)} per minute; excess/min: changes beyond the true ones`
    : '';
  return [line(header), ...rows.map(line)].join('\n') + zoneNote;
}
