import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ApiWindow } from './api.ts';

interface Props {
  windows: ApiWindow[];
  /** Stack the ratio-corrected estimate on top of the device bars. */
  showEstimate: boolean;
  windowSeconds: number;
  /** Changes when the page asks for another range: a zoom into the old one is dropped. */
  viewKey: string;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function toData(windows: ApiWindow[], showEstimate: boolean): uPlot.AlignedData {
  const x = windows.map((w) => w.windowStart);
  const columns = [
    x,
    ...(showEstimate ? [windows.map((w) => w.estimate)] : []),
    windows.map((w) => w.devices),
    windows.map((w) => w.wifi),
    windows.map((w) => w.bluetooth),
  ];
  return columns as uPlot.AlignedData;
}

function seriesLabels(showEstimate: boolean): string[] {
  return [...(showEstimate ? ['Estimated people'] : []), 'All devices', 'Wi-Fi', 'Bluetooth'];
}

function makeOptions(
  width: number,
  showEstimate: boolean,
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
      ...(showEstimate ? [barSeries('Estimated people', cssVar('--estimate'))] : []),
      barSeries('All devices', cssVar('--devices')),
      lineSeries('Wi-Fi', cssVar('--wifi')),
      lineSeries('Bluetooth', cssVar('--bluetooth')),
    ],
    hooks: {
      setSelect: [
        (u) => {
          const { left, width: selected } = u.select;
          if (selected < 2) return;
          onZoom(u.posToVal(left, 'x'), u.posToVal(left + selected, 'x'));
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        },
      ],
    },
  };
}

/**
 * People per window over time with uPlot: device bars, the estimate stacked on top (drawn
 * behind the device bars, so its visible part is the people without a detectable device),
 * Wi-Fi and Bluetooth lines. Drag to zoom; double-click or "Reset zoom" to see everything.
 * New windows keep a zoomed view where it is.
 */
export function TimeChart({ windows, showEstimate, windowSeconds, viewKey }: Props) {
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
      makeOptions(el.clientWidth || 600, showEstimate, zoomTo, showAll),
      toData(latest.current.windows, showEstimate),
      el,
    );
    plot.current = u;
    applyView();
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height: 300 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [showEstimate]);

  // New data: keep the view when zoomed, otherwise show every window.
  useEffect(() => {
    plot.current?.setData(toData(windows, showEstimate), false);
    applyView();
  }, [windows]);

  useEffect(showAll, [viewKey]);

  const last = windows[windows.length - 1];
  return html`<div class="chart-wrap">
    <div
      class="chart"
      data-testid="chart"
      ref=${host}
      data-points=${windows.length}
      data-series=${seriesLabels(showEstimate).join(',')}
      data-last-start=${last?.windowStart ?? ''}
      data-zoomed="false"
    ></div>
    ${windows.length === 0 ? html`<p class="empty">No windows in this range.</p>` : null}
    <button type="button" class="link" data-testid="reset-zoom" onClick=${showAll}>Reset zoom</button>
  </div>`;
}
