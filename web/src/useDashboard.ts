import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  api,
  subscribe,
  type ApiSummary,
  type ApiWindow,
  type ApiWindows,
  type ApiZoneOccupancy,
} from './api.ts';
import { Feed } from './feed.ts';
import { PositionFeed } from './positionFeed.ts';
import { fromLocalInput, toLocalInput } from './format.ts';
import { mergeLive, replaceWindows } from './liveWindows.ts';

/** What the chart shows: the live last hour, or a range the user picked. */
export type Range = { live: true } | { live: false; from: number; to: number };

/** The range form's two `datetime-local` values. */
export interface RangeInputs {
  from: string;
  to: string;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The page's data and its one event stream: the summary, the chart's windows and range, whether
 * the hub is scanning, and when the tables should reload. Loads everything once, then follows
 * the stream and catches up after each reconnect.
 */
export function useDashboard() {
  const [summary, setSummary] = useState<ApiSummary | null>(null);
  const [windows, setWindows] = useState<ApiWindow[]>([]);
  const [range, setRange] = useState<Range>({ live: true });
  const [rangeInputs, setRangeInputs] = useState<RangeInputs>({ from: '', to: '' });
  const [scanning, setScanning] = useState(false);
  const [tableVersion, setTableVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [connected, setConnected] = useState(false);
  const [reconnects, setReconnects] = useState(0);
  const positionFeed = useMemo(() => new PositionFeed(), []);
  const zoneFeed = useMemo(() => new Feed<ApiZoneOccupancy>(), []);
  const statusSeen = useRef(false);
  const rangeRef = useRef(range);
  rangeRef.current = range;

  const onError = useCallback((e: unknown) => setError(message(e)), []);

  const loadSummary = useCallback(async () => {
    try {
      const s = await api.summary();
      setSummary(s);
      setError(null);
      return s;
    } catch (e) {
      onError(e);
      return undefined;
    }
  }, []);

  /**
   * Windows that came over SSE while a fetch of the range was on its way: the fetch may have
   * been answered before they were stored, so they are merged into its answer.
   */
  const arrivedDuringFetch = useRef<ApiWindow[] | null>(null);
  const fetchSeq = useRef(0);

  const loadWindows = useCallback(async (r: Range) => {
    const seq = ++fetchSeq.current;
    arrivedDuringFetch.current = [];
    try {
      const result: ApiWindows = r.live ? await api.windows() : await api.windows(r.from, r.to);
      if (seq !== fetchSeq.current) return;
      let shown = result.windows;
      if (r.live) for (const w of arrivedDuringFetch.current) shown = mergeLive(shown, w);
      setWindows(shown);
      setRangeInputs({ from: toLocalInput(result.from), to: toLocalInput(result.to) });
    } catch (e) {
      onError(e);
    } finally {
      if (seq === fetchSeq.current) arrivedDuringFetch.current = null;
    }
  }, []);

  // Many windows can arrive at once (a sensor catching up): refresh the rest once they settle.
  const refreshTimer = useRef<ReturnType<typeof setTimeout>>();
  const refreshSoon = useCallback(() => {
    clearTimeout(refreshTimer.current);
    refreshTimer.current = setTimeout(() => {
      void loadSummary();
      setTableVersion((v) => v + 1);
    }, 300);
  }, []);

  const refreshAll = useCallback(() => {
    void loadSummary();
    void loadWindows(rangeRef.current);
    setTableVersion((v) => v + 1);
  }, []);

  useEffect(() => {
    void loadSummary().then((s) => {
      // A status event is newer than a summary that was on its way.
      if (s !== undefined && !statusSeen.current) setScanning(s.scanning);
    });
    void loadWindows({ live: true });
    let opened = false;
    return subscribe({
      open: () => {
        setConnected(true);
        // Catch up on whatever was stored before the stream was open (or while it was down).
        if (opened) {
          refreshAll();
          setReconnects((n) => n + 1);
        } else void loadWindows(rangeRef.current);
        opened = true;
      },
      error: () => setConnected(false),
      window: (w) => {
        if (rangeRef.current.live) {
          arrivedDuringFetch.current?.push(w);
          setWindows((ws) => mergeLive(ws, w));
        }
        refreshSoon();
      },
      // Estimates made or revised for recent windows: replace those points.
      people: (revised) => {
        if (!Array.isArray(revised) || revised.length === 0) return;
        if (rangeRef.current.live) {
          arrivedDuringFetch.current?.push(...revised);
          setWindows((ws) => revised.reduce(mergeLive, ws));
        } else setWindows((ws) => replaceWindows(ws, revised));
        setSummary((s) => {
          const w =
            s?.current == null ? undefined : revised.find((r) => r.windowStart === s.current!.windowStart);
          return s === null || w === undefined ? s : { ...s, current: w };
        });
        refreshSoon();
      },
      position: (p) => positionFeed.push(p),
      zoneOccupancy: (z) => zoneFeed.push(z),
      // The hub sends whether any of its sensors is scanning.
      status: ({ scanning: on }) => {
        statusSeen.current = true;
        setScanning(on);
      },
      saved: () => void loadSummary(),
      reset: () => refreshSoon(),
    });
  }, []);

  useEffect(() => {
    document.title = scanning ? 'Scanning…' : 'airtrace';
  }, [scanning]);

  /** Shows the range typed into the form; says so when it is empty or backwards. */
  const showRange = () => {
    const from = fromLocalInput(rangeInputs.from);
    const to = fromLocalInput(rangeInputs.to);
    if (from === undefined || to === undefined || from >= to) {
      setError('Pick a start before the end.');
      return;
    }
    const r: Range = { live: false, from, to };
    setRange(r);
    void loadWindows(r);
  };

  const showLastHour = () => {
    const r: Range = { live: true };
    setRange(r);
    void loadWindows(r);
  };

  return {
    summary,
    windows,
    range,
    rangeInputs,
    setRangeInputs,
    showRange,
    showLastHour,
    scanning,
    tableVersion,
    error,
    setError,
    onError,
    connected,
    reconnects,
    positionFeed,
    zoneFeed,
    loadSummary,
    refreshAll,
  };
}
