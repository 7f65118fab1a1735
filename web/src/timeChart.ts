import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ApiWindow } from './api.ts';
import {
  HIGH,
  LOW,
  makeOptions,
  missingRuns,
  seriesLabels,
  toData,
  type EstimateMode,
} from './timeChartOptions.ts';

interface Props {
  windows: ApiWindow[];
  estimate: EstimateMode;
  /** "90%", for the band's legend. */
  intervalLabel: string;
  windowSeconds: number;
  /** Changes when the page asks for another range: a zoom into the old one is dropped. */
  viewKey: string;
}

/**
 * People per window over time with uPlot: device bars, Wi-Fi and Bluetooth lines, and the people
 * estimate: with the counting model a line with its interval as a shaded band (provisional
 * windows as hollow points); with devices / ratio (without the model, or for the windows the
 * model has no estimate for) stacked on top of the device bars (drawn behind them, so its
 * visible part is the people without a detectable device). Drag to zoom; double-click or
 * "Reset zoom" to see everything. New windows keep a zoomed view where it is.
 */
export function TimeChart({ windows, estimate, intervalLabel, windowSeconds, viewKey }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  /** The user's zoom, kept across new windows and the Ratio toggle; null shows everything. */
  const zoom = useRef<[number, number] | null>(null);
  const latest = useRef({ windows, windowSeconds });
  latest.current = { windows, windowSeconds };

  const fullRange = (): [number, number] | undefined => {
    const { windows: ws, windowSeconds: seconds } = latest.current;
    const first = ws[0];
    const last = ws[ws.length - 1];
    if (first === undefined || last === undefined) return undefined;
    return [first.windowStart - seconds / 2, last.windowStart + seconds / 2];
  };

  const applyView = () => {
    host.current?.setAttribute('data-zoomed', String(zoom.current !== null));
    const range = zoom.current ?? fullRange();
    if (range !== undefined) plot.current?.setScale('x', { min: range[0], max: range[1] });
  };

  const showAll = () => {
    zoom.current = null;
    applyView();
  };

  const zoomTo = (min: number, max: number) => {
    zoom.current = [min, max];
    applyView();
  };

  // (Re)create the plot when the set of series changes.
  useEffect(() => {
    const el = host.current;
    if (el === null) return;
    const u = new uPlot(
      makeOptions(
        el.clientWidth || 600,
        estimate,
        intervalLabel,
        () => latest.current.windows,
        zoomTo,
        showAll,
        latest.current.windowSeconds,
      ),
      toData(latest.current.windows, estimate),
      el,
    );
    plot.current = u;
    // The band's edges stay out of the legend: the estimate's value there shows the interval.
    const rows = el.querySelectorAll<HTMLElement>('.u-legend .u-series');
    for (const label of [LOW, HIGH]) {
      const row = rows[seriesLabels(estimate).indexOf(label) + 1];
      if (row !== undefined) row.style.display = 'none';
    }
    applyView();
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height: 300 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [estimate, intervalLabel]);

  // New data: keep the view when zoomed, otherwise show every window.
  useEffect(() => {
    plot.current?.setData(toData(windows, estimate), false);
    applyView();
  }, [windows]);

  useEffect(showAll, [viewKey]);

  const last = windows[windows.length - 1];
  return html`<div class="chart-wrap">
    <div
      class=${`chart ${estimate === 'model' ? 'band' : ''}`}
      data-testid="chart"
      ref=${host}
      data-points=${windows.length}
      data-series=${seriesLabels(estimate).join(',')}
      data-band=${estimate === 'model'}
      data-last-start=${last?.windowStart ?? ''}
      data-gaps=${missingRuns(windows, windowSeconds)}
      data-zoomed="false"
    ></div>
    ${windows.length === 0 ? html`<p class="empty">No windows in this range.</p>` : null}
    <button type="button" class="link" data-testid="reset-zoom" onClick=${showAll}>Reset zoom</button>
  </div>`;
}
