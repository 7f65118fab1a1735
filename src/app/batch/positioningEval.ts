/**
 * The positioning accuracy harness as a library: recordings and truth in, error figures per
 * solver out. `airtrace eval positioning` and eval/positioning/run.ts are thin wrappers.
 */
import type { Observation } from '../../core/model.ts';
import { type ErrorSummary, compareSummaries, summarizeErrors } from '../../core/positioning/errorMetrics.ts';
import type { Point2 } from '../../core/positioning/geometry.ts';
import { METHOD_NAMES, type MethodTuning, createMethods } from '../../core/positioning/methods.ts';
import { locateWindows } from '../../core/positioning/locate.ts';
import { windowObservations } from '../../core/positioning/readings.ts';
import type { PositioningSite } from '../../core/positioning/positioningSite.ts';
import { type TruthPoint, truthLookup } from '../../core/positioning/truth.ts';

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
}

export interface FixError {
  log: string;
  t: number;
  x: number;
  y: number;
  truthX: number;
  truthY: number;
  error: number;
}

export interface PositioningEvaluation {
  windowSeconds: number;
  /** Per solver, in the order they were asked for. */
  solvers: Record<string, ErrorSummary>;
  /** Lowest median (then p90) among solvers with at least one fix. */
  best: string | undefined;
  /** Per log (track or spot), per solver. */
  perSpot: Record<string, Record<string, ErrorSummary>>;
  /** Every compared fix, per solver. */
  errors: Record<string, FixError[]>;
  /** Windows a solver refused, by reason. */
  refused: Record<string, Record<string, number>>;
  /** Windows with no truth at their time (left out of every figure). */
  unmatched: number;
  unavailable: { name: string; reason: string }[];
}

function summarise(
  solverNames: readonly string[],
  errors: Record<string, FixError[]>,
): Pick<PositioningEvaluation, 'solvers' | 'best' | 'perSpot'> {
  const solvers: Record<string, ErrorSummary> = {};
  const perSpot: Record<string, Record<string, ErrorSummary>> = {};
  for (const name of solverNames) {
    const list = errors[name] ?? [];
    solvers[name] = summarizeErrors(list.map((e) => e.error));
    const byLog = new Map<string, number[]>();
    for (const e of list) byLog.set(e.log, [...(byLog.get(e.log) ?? []), e.error]);
    for (const [log, errs] of byLog) (perSpot[log] ??= {})[name] = summarizeErrors(errs);
  }
  const ranked = solverNames
    .filter((n) => solvers[n]!.n > 0)
    .sort((a, b) => compareSummaries(solvers[a]!, solvers[b]!));
  return { solvers, best: ranked[0], perSpot };
}

export function evaluatePositioning(input: EvaluateInput): PositioningEvaluation {
  const windowSeconds = input.windowSeconds ?? 2;
  const { methods, unavailable } = createMethods(input.site, input.solvers ?? METHOD_NAMES, input.tuning);
  const truthAt = input.truthAt ?? truthLookup(input.truth ?? []);
  const errors: Record<string, FixError[]> = Object.fromEntries(methods.map((m) => [m.name, []]));
  const refused: Record<string, Record<string, number>> = Object.fromEntries(
    methods.map((m) => [m.name, {}]),
  );
  let unmatched = 0;
  for (const log of input.logs) {
    const observations = input.device
      ? log.observations.filter((o) => o.mac === input.device)
      : log.observations;
    const windows = windowObservations(observations, { windowSeconds });
    const where = (t: number) => log.spot ?? truthAt(t);
    unmatched += windows.filter((w) => !where(w.t)).length;
    for (const method of methods) {
      for (const fix of locateWindows(windows, input.site, method)) {
        const truth = where(fix.t);
        if (!truth) continue;
        if (!fix.solution.ok) {
          const r = refused[method.name]!;
          r[fix.solution.reason] = (r[fix.solution.reason] ?? 0) + 1;
          continue;
        }
        const { x, y } = fix.solution;
        errors[method.name]!.push({
          log: log.name,
          t: fix.t,
          x,
          y,
          truthX: truth.x,
          truthY: truth.y,
          error: Math.hypot(x - truth.x, y - truth.y),
        });
      }
    }
  }
  const names = methods.map((m) => m.name);
  return { windowSeconds, ...summarise(names, errors), errors, refused, unmatched, unavailable };
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
  return {
    windowSeconds: parts[0]?.windowSeconds ?? 2,
    ...summarise(names, errors),
    errors,
    refused,
    unmatched: parts.reduce((s, p) => s + p.unmatched, 0),
    unavailable,
  };
}

/** The stable `--json` shape: `{"solvers": {"<name>": {"n", "median", "mean", "p90"}}, "best": "<name>"}`. */
export function jsonSummary(result: PositioningEvaluation): {
  solvers: Record<string, ErrorSummary>;
  best: string | null;
} {
  const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
  const solvers = Object.fromEntries(
    Object.entries(result.solvers).map(([n, s]) => [
      n,
      { n: s.n, median: round(s.median), mean: round(s.mean), p90: round(s.p90) },
    ]),
  );
  return { solvers, best: result.best ?? null };
}

/** A plain-text table of every solver side by side, metres. */
export function formatTable(result: PositioningEvaluation): string {
  const f = (v: number | null) => (v === null ? '-' : v.toFixed(2));
  const rows = Object.entries(result.solvers).map(([name, s]) => {
    const refused = Object.values(result.refused[name] ?? {}).reduce((a, b) => a + b, 0);
    return [
      name + (name === result.best ? ' *' : ''),
      String(s.n),
      f(s.median),
      f(s.mean),
      f(s.p90),
      String(refused),
    ];
  });
  const header = ['solver', 'n', 'median', 'mean', 'p90', 'refused'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
