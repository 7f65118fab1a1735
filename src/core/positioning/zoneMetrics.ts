/**
 * How well zone assignments match the truth, over one or more timelines (one per recording):
 * the share of windows in the wrong zone, and how often the assignment changes against how often
 * the true zone does. Changes beyond the true ones are flapping.
 */

export interface ZoneTimelineEntry {
  t: number;
  /** The zone the method assigned; undefined for "elsewhere". */
  assigned: string | undefined;
  /** The zone the truth lies in. */
  truth: string | undefined;
  /** How far the truth is from the nearest zone border, metres, when known. */
  borderDistance?: number;
}

/** Truths closer than this to a zone border are "at a border" (metres): there, a metre of error picks either zone. */
export const BORDER_MARGIN = 1;

export interface ZoneSummary {
  n: number;
  /** Share of windows whose assigned zone is not the true one; null without windows. */
  wrongRate: number | null;
  /** The same over windows whose truth is at least BORDER_MARGIN from every zone border; null without any. */
  wrongRateAwayFromBorders: number | null;
  changes: number;
  trueChanges: number;
  /** Per timeline, changes beyond the true ones (never below zero), summed. */
  excessChanges: number;
  /** Time covered, minutes: each timeline from its first to its last window, plus one window. */
  minutes: number;
  changesPerMinute: number | null;
  trueChangesPerMinute: number | null;
  excessChangesPerMinute: number | null;
}

function changesIn(values: readonly (string | undefined)[]): number {
  let n = 0;
  for (let i = 1; i < values.length; i++) if (values[i] !== values[i - 1]) n++;
  return n;
}

export function summarizeZones(
  timelines: readonly (readonly ZoneTimelineEntry[])[],
  windowSeconds: number,
): ZoneSummary {
  let n = 0;
  let wrong = 0;
  let away = 0;
  let wrongAway = 0;
  let changes = 0;
  let trueChanges = 0;
  let excess = 0;
  let seconds = 0;
  for (const line of timelines) {
    if (line.length === 0) continue;
    const sorted = [...line].sort((a, b) => a.t - b.t);
    n += sorted.length;
    wrong += sorted.filter((e) => e.assigned !== e.truth).length;
    const clear = sorted.filter((e) => e.borderDistance !== undefined && e.borderDistance >= BORDER_MARGIN);
    away += clear.length;
    wrongAway += clear.filter((e) => e.assigned !== e.truth).length;
    const c = changesIn(sorted.map((e) => e.assigned));
    const tc = changesIn(sorted.map((e) => e.truth));
    changes += c;
    trueChanges += tc;
    excess += Math.max(0, c - tc);
    seconds += sorted[sorted.length - 1]!.t - sorted[0]!.t + windowSeconds;
  }
  const minutes = seconds / 60;
  const perMinute = (v: number) => (minutes > 0 ? v / minutes : null);
  return {
    n,
    wrongRate: n > 0 ? wrong / n : null,
    wrongRateAwayFromBorders: away > 0 ? wrongAway / away : null,
    changes,
    trueChanges,
    excessChanges: excess,
    minutes,
    changesPerMinute: perMinute(changes),
    trueChangesPerMinute: perMinute(trueChanges),
    excessChangesPerMinute: perMinute(excess),
  };
}
