import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ApiHistory } from './api.ts';

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

const SERIES = ['People (mean)', 'People low', 'People high', 'People (busiest window)', 'Devices (mean)'];

/** The columns uPlot draws; a gap (coverage 0) is null in every one, so no line crosses it. */
function toData(history: ApiHistory): uPlot.AlignedData {
  const p = history.points;
  return [
    p.map((x) => x.start),
    p.map((x) => x.peopleMean),
    p.map((x) => x.peopleLow),
    p.map((x) => x.peopleHigh),
    p.map((x) => x.peopleMax),
    p.map((x) => x.devicesMean),
  ] as uPlot.AlignedData;
}

/** Runs of buckets without data, [first start, last end]: shaded so a gap reads as "not listening". */
export function gapRuns(history: ApiHistory): [number, number][] {
  const runs: [number, number][] = [];
  for (const p of history.points) {
    if (p.coverage > 0) continue;
    const last = runs[runs.length - 1];
    if (last !== undefined && last[1] === p.start) last[1] = p.end;
    else runs.push([p.start, p.end]);
  }
  return runs;
}

/**
 * People over the period at the resolution the hub chose (minutes, hours or days): the mean with
 * the model's interval as a band, the busiest window, devices. Gaps are shaded and break the
 * lines. Times are the venue's, whatever the browser's time zone.
 */
export function HistoryChart({ history }: { history: ApiHistory }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (el === null) return;
    const runs = gapRuns(history);
    const data = toData(history);
    /** Values with a gap on both sides draw no line: they get a point, or they would not show at all. */
    const isolated = (series: number) => {
      const v = data[series] as (number | null)[];
      return v.flatMap((x, i) => (x !== null && v[i - 1] == null && v[i + 1] == null ? [i] : []));
    };
    const line = (label: string, color: string, width = 2, dash?: number[]): uPlot.Series => ({
      label,
      stroke: color,
      width,
      ...(dash === undefined ? {} : { dash }),
      points: {
        show: true,
        size: 6,
        fill: color,
        filter: (_u, series) => (history.points.length < 60 ? null : isolated(series)),
      },
    });
    const axis = {
      stroke: cssVar('--muted'),
      grid: { stroke: cssVar('--grid'), width: 1 },
      ticks: { show: false },
    };
    const u = new uPlot(
      {
        width: el.clientWidth || 600,
        height: 260,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), history.timeZone),
        scales: {
          x: { time: true },
          y: { range: (_u, _min, max) => [0, Math.max(2, Math.ceil((max ?? 0) * 1.1))] },
        },
        axes: [axis, { ...axis, size: 44 }],
        series: [
          {},
          line(SERIES[0]!, cssVar('--estimate-line'), 2.5),
          line(SERIES[1]!, cssVar('--estimate-line'), 1, [3, 3]),
          line(SERIES[2]!, cssVar('--estimate-line'), 1, [3, 3]),
          line(SERIES[3]!, cssVar('--heat'), 1.5, [6, 4]),
          line(SERIES[4]!, cssVar('--wifi'), 1.5),
        ],
        bands: [{ series: [3, 2], fill: cssVar('--band') }],
        hooks: {
          drawClear: [
            (plot) => {
              const { ctx } = plot;
              ctx.save();
              ctx.fillStyle = cssVar('--track');
              for (const [a, b] of runs) {
                const x0 = plot.valToPos(a, 'x', true);
                const x1 = plot.valToPos(b, 'x', true);
                ctx.fillRect(x0, plot.bbox.top, Math.max(1, x1 - x0), plot.bbox.height);
              }
              ctx.restore();
            },
          ],
        },
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height: 260 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
    };
  }, [history]);

  const gaps = history.points.filter((p) => p.coverage === 0);
  return html`<div
    class="chart trends-chart"
    data-testid="history-chart"
    ref=${host}
    data-points=${history.points.length}
    data-resolution=${history.resolution}
    data-gaps=${gaps.length}
    data-gap-days=${history.resolution === 'day' ? gaps.map((p) => p.label).join(',') : ''}
    data-with-data=${history.points.length - gaps.length}
  ></div>`;
}
