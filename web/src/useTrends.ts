import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  historyApi,
  type ApiBusyHours,
  type ApiCompare,
  type ApiHistory,
  type ApiSummary,
  type ApiVisits,
} from './api.ts';
import { calendarOf, rangeOf, shiftPeriod, type Period, type PeriodKind } from './trendsPeriod.ts';

export interface TrendsData {
  history: ApiHistory;
  visits: ApiVisits;
  busy: ApiBusyHours;
  compare: ApiCompare;
  /** The range the heat map covers (four weeks up to the day, for a day). */
  busyRange: { from: number; to: number };
}

const FOUR_WEEKS = 28 * 86_400;

/**
 * The Trends view's state: which period it shows (starting with the week of the newest data) and
 * that period's figures, fetched together whenever the period changes.
 */
export function useTrends(summary: ApiSummary | null, onError: (e: unknown) => void) {
  const timeZone = summary?.history?.timeZone ?? 'UTC';
  const calendar = calendarOf(timeZone);
  const [period, setPeriod] = useState<Period | null>(null);
  const [data, setData] = useState<TrendsData | null>(null);
  const [loading, setLoading] = useState(false);
  const sequence = useRef(0);

  useEffect(() => {
    if (period !== null || summary === null) return;
    const newest = summary.current?.windowStart ?? Date.now() / 1000;
    setPeriod({ kind: 'week', anchor: calendar.local(newest).date });
  }, [summary, period]);

  const range = useMemo(() => (period === null ? undefined : rangeOf(period, calendar)), [period, timeZone]);

  useEffect(() => {
    if (period === null || range === undefined) return;
    const seq = ++sequence.current;
    const busyRange = period.kind === 'day' ? { from: range.to - FOUR_WEEKS, to: range.to } : range;
    setLoading(true);
    Promise.all([
      historyApi.history(range.from, range.to),
      historyApi.visits(range.from, range.to),
      historyApi.busyHours(busyRange.from, busyRange.to),
      historyApi.compare(period.kind === 'day' ? period.anchor : range.last),
    ])
      .then(([history, visits, busy, compare]) => {
        if (seq === sequence.current) setData({ history, visits, busy, compare, busyRange });
      })
      .catch((e) => seq === sequence.current && onError(e))
      .finally(() => seq === sequence.current && setLoading(false));
  }, [range?.from, range?.to, period?.kind]);

  const choose = (kind: PeriodKind) =>
    setPeriod((p) =>
      p === null
        ? p
        : { kind, anchor: p.anchor, ...(kind === 'custom' ? { until: range?.last ?? p.anchor } : {}) },
    );
  const shift = (direction: -1 | 1) =>
    setPeriod((p) => (p === null ? p : shiftPeriod(p, direction, calendar)));
  const pick = (anchor: string, until?: string) =>
    setPeriod((p) => (p === null ? p : { ...p, anchor, ...(until === undefined ? {} : { until }) }));

  return { period, range, data, loading, timeZone, choose, shift, pick };
}
