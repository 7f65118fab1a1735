import { html } from 'htm/preact';
import type { ApiWindow } from './api.ts';
import type { Counting } from './counting.ts';
import { TimeChart } from './timeChart.ts';
import type { Range, RangeInputs } from './useDashboard.ts';

interface Props {
  windows: ApiWindow[];
  range: Range;
  rangeInputs: RangeInputs;
  onRangeInputs: (update: (inputs: RangeInputs) => RangeInputs) => void;
  onShowRange: () => void;
  onLastHour: () => void;
  counting: Counting;
  windowSeconds: number;
}

/** "Over time": the chart of the live last hour or of a range picked in its form. */
export function OverTimeCard(props: Props) {
  const { windows, range, rangeInputs, onRangeInputs, counting, windowSeconds } = props;
  const submit = (e: Event) => {
    e.preventDefault();
    props.onShowRange();
  };
  const typed = (key: keyof RangeInputs) => (e: Event) =>
    onRangeInputs((r) => ({ ...r, [key]: (e.target as HTMLInputElement).value }));
  return html`<section class="card wide">
    <header class="chart-head">
      <h2>Over time</h2>
      <form class="range" onSubmit=${submit}>
        <label
          >From
          <input
            type="datetime-local"
            data-testid="range-from"
            value=${rangeInputs.from}
            onInput=${typed('from')}
        /></label>
        <label
          >To
          <input type="datetime-local" data-testid="range-to" value=${rangeInputs.to} onInput=${typed('to')}
        /></label>
        <button type="submit" data-testid="range-show">Show</button>
        <button type="button" data-testid="range-live" disabled=${range.live} onClick=${props.onLastHour}>
          Last hour
        </button>
        <span class=${`live ${range.live ? 'on' : ''}`}>${range.live ? 'Live' : 'Paused'}</span>
      </form>
    </header>
    <${TimeChart}
      windows=${windows}
      estimate=${counting.estimateMode}
      intervalLabel=${counting.level}
      windowSeconds=${windowSeconds}
      viewKey=${range.live ? 'live' : `${range.from}-${range.to}`}
    />
  </section>`;
}
