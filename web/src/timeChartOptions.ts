import uPlot from 'uplot';
import type { ApiWindow } from './api.ts';
import { oneDecimal } from './format.ts';

/**
 * How the people estimate is drawn: not at all (Ratio off), stacked on the device bars (devices /
 * ratio, always above them), or as a line with the model's interval as a shaded band.
 */
export type EstimateMode = 'off' | 'ratio' | 'model';

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

export const LOW = 'People low';
export const HIGH = 'People high';
/** With the model, windows it has no estimate for: devices / ratio, stacked as without it. */
const BY_RATIO = 'Devices ÷ ratio';

export function seriesLabels(mode: EstimateMode): string[] {
  if (mode === 'model') return [BY_RATIO, 'All devices', LOW, HIGH, 'Estimated people', 'Wi-Fi', 'Bluetooth'];
  return [...(mode === 'ratio' ? ['Estimated people'] : []), 'All devices', 'Wi-Fi', 'Bluetooth'];
}

/** The columns uPlot draws, one per series label, for the windows shown. */
export function toData(windows: ApiWindow[], mode: EstimateMode): uPlot.AlignedData {
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

/** Runs of missing windows in the windows shown: where no sensor listened. */
export function missingRuns(windows: readonly ApiWindow[], windowSeconds: number): number {
  let runs = 0;
  for (let i = 1; i < windows.length; i++)
    if (windows[i]!.windowStart - windows[i - 1]!.windowStart > 1.5 * windowSeconds) runs++;
  return runs;
}

/**
 * Breaks a line where windows are missing: a sensor that was off is a gap in the chart, not a
 * slope drawn across the hours it did not listen (uPlot clips the path at these pixel spans).
 */
function missingWindowGaps(windowSeconds: number): uPlot.Series.GapsRefiner {
  return (u, _series, idx0, idx1, nullGaps) => {
    const xs = u.data[0] as number[];
    const gaps = [...nullGaps];
    for (let i = idx0; i < idx1; i++) {
      if (xs[i + 1]! - xs[i]! > 1.5 * windowSeconds)
        uPlot.addGap(
          gaps,
          Math.round(u.valToPos(xs[i]!, 'x', true)) + 1,
          Math.round(u.valToPos(xs[i + 1]!, 'x', true)),
        );
    }
    return gaps;
  };
}

/**
 * uPlot's options for one estimate mode: the series (bars, lines, the model's band), axes in the
 * page's colours, drag-to-zoom handed to `onZoom`, and a double-click handed to `onDoubleClick`.
 */
export function makeOptions(
  width: number,
  mode: EstimateMode,
  intervalLabel: string,
  windowsNow: () => ApiWindow[],
  onZoom: (min: number, max: number) => void,
  onDoubleClick: () => void,
  windowSeconds = 60,
): uPlot.Options {
  const gaps = missingWindowGaps(windowSeconds);
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
    gaps,
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
    gaps,
    stroke: lineColor,
    width: 1,
    dash: [3, 3],
    points: { show: false },
  });
  /** The estimate line, provisional windows marked with hollow points; its legend value has the interval. */
  const modelSeries: uPlot.Series = {
    label: 'Estimated people',
    gaps,
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
