import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ApiWindow } from './api.ts';
import { oneDecimal } from './format.ts';

/**
 * How the people estimate is drawn: not at all (Ratio off), stacked on the device bars (devices /
 * ratio, always above them), or as a line with the model's interval as a shaded band.
 */
export type EstimateMode = 'off' | 'ratio' | 'model';

interface Props {
  windows: ApiWindow[];
  estimate: EstimateMode;
  /** "90%", for the band's legend. */
  intervalLabel: string;
  windowSeconds: number;
  /** Changes when the page asks for another range: a zoom into the old one is dropped. */
  viewKey: string;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

const LOW = 'People low';
const HIGH = 'People high';
/** With the model, windows it has no estimate for: devices / ratio, stacked as without it. */
const BY_RATIO = 'Devices ÷ ratio';

function seriesLabels(mode: EstimateMode): string[] {
  if (mode === 'model') return [BY_RATIO, 'All devices', LOW, HIGH, 'Estimated people', 'Wi-Fi', 'Bluetooth'];
  return [...(mode === 'ratio' ? ['Estimated people'] : []), 'All devices', 'Wi-Fi', 'Bluetooth'];
}

function toData(windows: ApiWindow[], mode: EstimateMode): uPlot.AlignedData {
  const byModel = (w: ApiWindow) => w.estimateMethod === 'model';
  const column: Record<string, (w: ApiWindow) => number | null> = {
    [BY_RATIO]: (w) => (byModel(w) ? null : w.estimate),
    'All devices': (w) => w.devices,
    [LOW]: (w) => (byModel(w) ? (w.low ?? null) : null),
    [HIGH]: (w) => (byModel(w) ? (w.high ?? null) : null),
    'Estimated people': (w) => (mode !== 'model' || byModel(w) ? w.estimate : null),
    'Wi-Fi': (w) => w.wifi,
    Bluetooth: (w) => w.bluetooth,
  };
  return [
    windows.map((w) => w.windowStart),
    ...seriesLabels(mode).map((label) => windows.map(column[label]!)),
  ] as uPlot.AlignedData;
}

function makeOptions(
  width: number,
  mode: EstimateMode,
  intervalLabel: string,
  windowsNow: () => ApiWindow[],
  onZoom: (min: number, max: number) => void,
  onDoubleClick: () => void,
): uPlot.Options {
  const bars = uPlot.paths.bars!({ size: [0.75, 48], align: 0 });
  const axis = {
    stroke: cssVar('--muted'),
    grid: { stroke: cssVar('--grid'), width: 1 },
    ticks: { show: false },
  };
  const barSeries = (label: string, color: string): uPlot.Series => ({
    label,
    fill: color,
    stroke: color,
    width: 0,
    paths: bars,
    points: { show: false },
  });
  const lineSeries = (label: string, color: string): uPlot.Series => ({
    label,
    stroke: color,
    width: 2,
    points: { show: false },
  });
  const estimateColor = cssVar('--estimate');
  const lineColor = cssVar('--estimate-line');
  const labels = seriesLabels(mode);
  const lowIdx = labels.indexOf(LOW) + 1;
  const highIdx = labels.indexOf(HIGH) + 1;
  // The band's edges: thin dashed lines, kept out of the legend (the estimate's value shows them).
  const edgeSeries = (label: string): uPlot.Series => ({
    label,
    stroke: lineColor,
    width: 1,
    dash: [3, 3],
    points: { show: false },
  });
  /** The estimate line, provisional windows marked with hollow points; its legend value has the interval. */
  const modelSeries: uPlot.Series = {
    label: 'Estimated people',
    stroke: lineColor,
    width: 2.5,
    points: {
      show: false,
      size: 7,
      width: 2,
      fill: cssVar('--card'),
      filter: () => windowsNow().flatMap((w, i) => (w.final === false ? [i] : [])),
    },
    value: (u, v, _si, idx) => {
      if (v === null || v === undefined || idx === null || idx === undefined) return '--';
      const low = u.data[lowIdx]?.[idx];
      const high = u.data[highIdx]?.[idx];
      const interval =
        low === null || low === undefined || high === null || high === undefined
          ? ''
          : ` (${oneDecimal(low)}–${oneDecimal(high)})`;
      return `${oneDecimal(v)}${interval}${windowsNow()[idx]?.final === false ? ' provisional' : ''}`;
    },
  };
  const estimateSeries: uPlot.Series[] =
    mode === 'model'
      ? [edgeSeries(`${LOW} (${intervalLabel})`), edgeSeries(`${HIGH} (${intervalLabel})`), modelSeries]
      : [];
  return {
    width,
    height: 300,
    cursor: {
      // The selection is turned into a zoom by the setSelect hook, so a zoom is always the user's.
      drag: { x: true, y: false, setScale: false },
      bind: { dblclick: () => () => (onDoubleClick(), null) },
    },
    scales: {
      x: { time: true },
      y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil((max ?? 0) * 1.1))] },
    },
    axes: [axis, { ...axis, size: 44 }],
    legend: { live: true },
    series: [
      {},
      ...(mode === 'ratio' ? [barSeries('Estimated people', estimateColor)] : []),
      ...(mode === 'model' ? [barSeries(BY_RATIO, estimateColor)] : []),
      barSeries('All devices', cssVar('--devices')),
      ...estimateSeries,
      lineSeries('Wi-Fi', cssVar('--wifi')),
      lineSeries('Bluetooth', cssVar('--bluetooth')),
    ],
    ...(mode === 'model' ? { bands: [{ series: [highIdx, lowIdx], fill: cssVar('--band') }] } : {}),
    hooks: {
      setSelect: [
        (u) => {
          const { left, width: selected } = u.select;
          if (selected < 2) return;
          onZoom(u.posToVal(left, 'x'), u.posToVal(left + selected, 'x'));
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        },
      ],
      // Hiding the estimate in the legend hides its band too (the edges have no legend row).
      setSeries: [
        (u, si, opts) => {
          if (mode !== 'model' || si !== labels.indexOf('Estimated people') + 1 || opts.show === undefined)
            return;
          for (const edge of [lowIdx, highIdx])
            if (u.series[edge]?.show !== opts.show) u.setSeries(edge, { show: opts.show }, false);
        },
      ],
    },
  };
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
      data-zoomed="false"
    ></div>
    ${windows.length === 0 ? html`<p class="empty">No windows in this range.</p>` : null}
    <button type="button" class="link" data-testid="reset-zoom" onClick=${showAll}>Reset zoom</button>
  </div>`;
}
