import { html } from 'htm/preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  api,
  apiUrl,
  subscribe,
  withToken,
  type ApiSaved,
  type ApiSummary,
  type ApiWindow,
  type ApiWindows,
} from './api.ts';
import { DeviceTable } from './deviceTable.ts';
import { Donut } from './donut.ts';
import { FloorPlan, PositionFeed } from './floorPlan.ts';
import { fromLocalInput, hhmm, oneDecimal, toLocalInput } from './format.ts';
import { Header } from './header.ts';
import { TimeChart, type EstimateMode } from './timeChart.ts';

const RATIO_KEY = 'airtrace.ratio';
const LIVE_SPAN_SECONDS = 3600;

type Range = { live: true } | { live: false; from: number; to: number };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A window as it came over the stream. A model estimate is not replaced by a plain devices /
 * ratio one for the same window: the model's revision comes as a `people` event.
 */
function newer(old: ApiWindow | undefined, w: ApiWindow): ApiWindow {
  if (old === undefined || old.estimateMethod !== 'model' || w.estimateMethod === 'model') return w;
  const { estimate, low, high, estimateMethod, final } = old;
  return { ...w, estimate, low, high, estimateMethod, final };
}

/** Adds or replaces a window and keeps the last hour before the newest one, in order. */
function mergeLive(windows: ApiWindow[], w: ApiWindow): ApiWindow[] {
  const merged = windows.filter((x) => x.windowStart !== w.windowStart);
  merged.push(
    newer(
      windows.find((x) => x.windowStart === w.windowStart),
      w,
    ),
  );
  merged.sort((a, b) => a.windowStart - b.windowStart);
  const end = merged[merged.length - 1]!.windowEnd;
  return merged.filter((x) => x.windowStart >= end - LIVE_SPAN_SECONDS);
}

/** Revised estimates of windows already shown (a range in the past gains no new windows). */
function replaceWindows(windows: ApiWindow[], revised: ApiWindow[]): ApiWindow[] {
  const byStart = new Map(revised.map((w) => [w.windowStart, w]));
  return windows.map((w) => byStart.get(w.windowStart) ?? w);
}

/** An interval level as the page says it: 0.9 → "90%". */
function percent(level: number | null | undefined): string {
  if (level === null || level === undefined) return '';
  return `${Math.round((level <= 1 ? level * 100 : level) * 10) / 10}%`;
}

function hasInterval(w: ApiWindow): w is ApiWindow & { low: number; high: number } {
  return w.estimateMethod === 'model' && typeof w.low === 'number' && typeof w.high === 'number';
}

function Stat(props: { testid: string; value: string; unit?: string; label: string }) {
  return html`<div class="stat">
    <span class="big" data-testid=${props.testid}>${props.value}</span>${
      props.unit ? html`<span class="unit">${props.unit}</span>` : null
    }
    <span class="label">${props.label}</span>
  </div>`;
}

const TABLE_LABELS: Record<string, string> = { wifi: 'Wi-Fi', bluetooth: 'Bluetooth', windows: 'Windows' };

function ExportLinks() {
  const links = ['wifi', 'bluetooth', 'windows'].flatMap((table) =>
    ['csv', 'json'].map((format) => ({
      table,
      format,
      label: `${TABLE_LABELS[table]} ${format.toUpperCase()}`,
      href: apiUrl(`api/export/${table}.${format}`),
    })),
  );
  return html`<div class="exports" data-testid="exports">
    <span>Export</span>
    ${links.map(
      (l) => html`<a href=${l.href} download data-testid=${`export-${l.table}-${l.format}`}>${l.label}</a>`,
    )}
  </div>`;
}

export function App() {
  const [summary, setSummary] = useState<ApiSummary | null>(null);
  const [windows, setWindows] = useState<ApiWindow[]>([]);
  const [range, setRange] = useState<Range>({ live: true });
  const [rangeInputs, setRangeInputs] = useState({ from: '', to: '' });
  const [ratioOn, setRatioOn] = useState(() => localStorage.getItem(RATIO_KEY) !== 'off');
  const [scanning, setScanning] = useState(false);
  const [tableVersion, setTableVersion] = useState(0);
  const [saved, setSaved] = useState<ApiSaved | null>(null);
  const [busy, setBusy] = useState<'save' | 'reset' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [connected, setConnected] = useState(false);
  const [reconnects, setReconnects] = useState(0);
  const positionFeed = useMemo(() => new PositionFeed(), []);
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

  const toggleRatio = (on: boolean) => {
    setRatioOn(on);
    localStorage.setItem(RATIO_KEY, on ? 'on' : 'off');
  };

  const resetTime = async () => {
    if (!window.confirm('Set the minutes spent of every device to zero?')) return;
    setBusy('reset');
    try {
      await api.resetTime();
      refreshAll();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(null);
    }
  };

  const save = async () => {
    setBusy('save');
    try {
      setSaved(await api.save());
      await loadSummary();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(null);
    }
  };

  const showRange = (e: Event) => {
    e.preventDefault();
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

  const current = summary?.current ?? null;
  const totals = summary?.totals;
  const savedAt = summary?.data.savedAt ?? saved?.savedAt ?? null;
  const savedPath = saved?.path ?? summary?.data.path ?? null;
  const windowSeconds = summary?.windowSeconds ?? 60;
  // An older hub has no `counting`: it counts devices / ratio.
  const countingMethod = summary?.counting?.method ?? 'ratio';
  const level = percent(summary?.counting?.intervalLevel);
  const ratio = summary?.ratio ?? 0.7;
  const estimateMode: EstimateMode = !ratioOn ? 'off' : countingMethod === 'model' ? 'model' : 'ratio';
  const visitorsByModel =
    countingMethod === 'model' && totals?.personMinutes != null && totals.meanStayMinutes != null;
  const visitorsHow = visitorsByModel
    ? `person-minutes ÷ mean stay: ${oneDecimal(totals!.personMinutes!)} ÷ ${oneDecimal(totals!.meanStayMinutes!)} min`
    : `devices ÷ ${ratio}`;

  return html`<div class="app" data-testid="app" data-ready=${summary !== null}>
    <${Header} summary=${summary} scanning=${scanning} ratioOn=${ratioOn} onRatio=${toggleRatio} />
    ${
      error === null
        ? null
        : html`<div class="error" role="alert" data-testid="error">
            ${error} <button type="button" class="link" onClick=${() => setError(null)}>Dismiss</button>
          </div>`
    }
    ${connected || summary === null ? null : html`<div class="notice">Live updates paused: reconnecting…</div>`}

    <main class="grid">
      <section class="card now">
        <h2>Around now</h2>
        <div class="stats">
          <${Stat} testid="current-wifi" value=${String(current?.wifi ?? 0)} label="Wi-Fi devices" />
          <${Stat}
            testid="current-bluetooth"
            value=${String(current?.bluetooth ?? 0)}
            label="Bluetooth devices"
          />
        </div>
        ${
          ratioOn && current !== null
            ? html`<p class="estimate">
                ≈ <b data-testid="current-estimate">${oneDecimal(current.estimate)}</b> people
                ${
                  hasInterval(current)
                    ? html`<span class="interval"
                        >${' '}(<span data-testid="people-interval"
                          >${oneDecimal(current.low)}–${oneDecimal(current.high)}</span
                        >${level === '' ? '' : `, ${level} interval`})</span
                      >`
                    : null
                }
                ${
                  current.final === false
                    ? html`${' '}<span
                          class="tag"
                          data-testid="provisional"
                          title="May still be revised as later windows arrive"
                          >provisional</span
                        >`
                    : null
                }
                ${
                  countingMethod === 'model' && current.estimateMethod === 'ratio'
                    ? html`${' '}<span class="tag" title="No model estimate for this window yet"
                          >devices ÷ ${ratio}</span
                        >`
                    : null
                }
              </p>`
            : null
        }
        ${
          ratioOn && summary !== null
            ? html`<p class="note method" data-testid="counting-method" data-method=${countingMethod}>
                ${
                  countingMethod === 'model'
                    ? `People counted by the fitted model${level === '' ? '' : ` (${level} intervals)`}`
                    : `Devices ÷ ${ratio} detectable people per person`
                }
              </p>`
            : null
        }
        <p class="note" data-testid="current-window" data-window-start=${current?.windowStart ?? ''}>
          ${current === null ? 'No window yet' : `Window ${hhmm(current.windowStart)}–${hhmm(current.windowEnd)}`}
        </p>
      </section>

      <section class="card">
        <h2>People detected</h2>
        <div class="stats">
          <${Stat} testid="total-devices" value=${String(totals?.devices ?? 0)} label="devices (addresses)" />
          ${
            ratioOn
              ? html`<div
                  class="stat"
                  data-testid="visitors"
                  data-method=${visitorsByModel ? 'model' : 'ratio'}
                >
                  <span class="big" data-testid="total-estimate" title=${visitorsHow}
                    >${oneDecimal(totals?.estimate ?? 0)}</span
                  >
                  <span class="label">${visitorsByModel ? 'visitors' : 'estimated people'}</span>
                  <small class="how">${visitorsHow}</small>
                </div>`
              : null
          }
        </div>
        <p class="note">
          Wi-Fi ${totals?.wifi ?? 0} · Bluetooth ${totals?.bluetooth ?? 0} · ${totals?.windows ?? 0} windows
        </p>
      </section>

      <section class="card">
        <h2>Average time spent</h2>
        <div class="stats">
          <${Stat}
            testid="average-minutes"
            value=${String(totals?.averageMinutesSpent ?? 0)}
            unit="min"
            label="per device"
          />
        </div>
        <p class="note">Each ${windowSeconds} s window a device is seen in adds one minute.</p>
        <button type="button" data-testid="reset-time" disabled=${busy !== null} onClick=${resetTime}>
          Reset time
        </button>
      </section>

      <section class="card">
        <h2>Data</h2>
        <p class=${`data-state ${savedAt === null ? 'unsaved' : 'saved'}`} data-testid="data-state">
          ${savedAt === null ? 'Data not saved' : `Data saved at ${hhmm(savedAt)}`}
        </p>
        <button
          type="button"
          class="primary"
          data-testid="save-data"
          disabled=${busy !== null}
          onClick=${save}
        >
          ${busy === 'save' ? 'Saving…' : 'Save data'}
        </button>
        ${
          savedPath === null
            ? null
            : html`<p class="note">
                On the hub: <code data-testid="saved-path">${savedPath}</code>
                ${
                  saved === null
                    ? null
                    : html` <a href=${withToken(saved.download)} download data-testid="saved-download"
                        >Download</a
                      >`
                }
              </p>`
        }
        <${ExportLinks} />
      </section>

      <section class="card">
        <h2>Detection type</h2>
        <${Donut} window=${current} />
      </section>

      <section class="card wide">
        <header class="chart-head">
          <h2>Over time</h2>
          <form class="range" onSubmit=${showRange}>
            <label
              >From
              <input
                type="datetime-local"
                data-testid="range-from"
                value=${rangeInputs.from}
                onInput=${(e: Event) => setRangeInputs((r) => ({ ...r, from: (e.target as HTMLInputElement).value }))}
            /></label>
            <label
              >To
              <input
                type="datetime-local"
                data-testid="range-to"
                value=${rangeInputs.to}
                onInput=${(e: Event) => setRangeInputs((r) => ({ ...r, to: (e.target as HTMLInputElement).value }))}
            /></label>
            <button type="submit" data-testid="range-show">Show</button>
            <button type="button" data-testid="range-live" disabled=${range.live} onClick=${showLastHour}>
              Last hour
            </button>
            <span class=${`live ${range.live ? 'on' : ''}`}>${range.live ? 'Live' : 'Paused'}</span>
          </form>
        </header>
        <${TimeChart}
          windows=${windows}
          estimate=${estimateMode}
          intervalLabel=${level}
          windowSeconds=${windowSeconds}
          viewKey=${range.live ? 'live' : `${range.from}-${range.to}`}
        />
      </section>

      <${FloorPlan} feed=${positionFeed} reconnectKey=${reconnects} />

      <div class="wide tables">
        <${DeviceTable} medium="wifi" title="Wi-Fi devices" version=${tableVersion} onError=${onError} />
        <${DeviceTable}
          medium="bluetooth"
          title="Bluetooth devices"
          version=${tableVersion}
          onError=${onError}
        />
      </div>
    </main>
    <footer class="foot">
      Device ids are keyed hashes; raw addresses never leave the sensor. SSIDs and names are shown as sent.
    </footer>
  </div>`;
}
