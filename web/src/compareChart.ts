import { html } from 'htm/preact';
import type { ApiCompare, ApiCompareDay } from './api.ts';
import { oneDecimal } from './format.ts';

const W = 600;
const H = 170;
const PAD = { left: 32, bottom: 20, top: 8 };

function path(day: ApiCompareDay, x: (i: number) => number, y: (v: number) => number): string {
  // A gap lifts the pen: no line is drawn across hours nobody listened in.
  let d = '';
  let pen = false;
  day.points.forEach((p, i) => {
    if (p.peopleMean === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.peopleMean).toFixed(1)}`;
    pen = true;
  });
  return d;
}

/** A day hour by hour next to the same weekday a week before, with each day's totals. */
export function CompareChart({ compare }: { compare: ApiCompare }) {
  const { day, lastWeek } = compare;
  const values = [...day.points, ...lastWeek.points].map((p) => p.peopleMean ?? 0);
  const max = Math.max(1, ...values);
  const n = Math.max(day.points.length, 24);
  const x = (i: number) => PAD.left + ((W - PAD.left - 8) * (i + 0.5)) / n;
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
  const total = (d: ApiCompareDay) =>
    d.coverage === 0
      ? 'no data'
      : `${oneDecimal(d.personMinutes ?? 0)} person-minutes, ${d.visitors ?? 0} visitors, coverage ${Math.round(d.coverage * 100)}%`;
  return html`<div
    class="compare"
    data-testid="compare-chart"
    data-day=${day.date}
    data-last-week=${lastWeek.date}
  >
    <svg
      class="svg-chart"
      viewBox="0 0 ${W} ${H}"
      role="img"
      aria-label="A day against the same weekday a week before"
    >
      <text class="axis-label" x="2" y=${PAD.top + 8}>${oneDecimal(max)}</text>
      <line class="axis" x1=${PAD.left} x2=${W} y1=${y(0)} y2=${y(0)} />
      ${[0, 6, 12, 18].map((h) => html`<text class="axis-label" x=${x(h)} y=${H - 4}>${h}:00</text>`)}
      <path class="line-last-week" d=${path(lastWeek, x, y)} />
      <path class="line-day" d=${path(day, x, y)} />
    </svg>
    <ul class="legend">
      <li data-testid="compare-day">
        <span class="swatch line-day-swatch"></span>${day.date}: ${total(day)}
      </li>
      <li data-testid="compare-last-week">
        <span class="swatch line-last-week-swatch"></span>${lastWeek.date}: ${total(lastWeek)}
      </li>
    </ul>
  </div>`;
}
