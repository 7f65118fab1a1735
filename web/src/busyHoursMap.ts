import { html } from 'htm/preact';
import type { ApiBusyHours } from './api.ts';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const CELL = 22;
const LEFT = 36;
const TOP = 16;

/**
 * The busiest hours of the week: mean people per window by local weekday and hour, darker when
 * busier; an hour of the week with no data at all is hatched, not pale.
 */
export function BusyHoursMap({ busy }: { busy: ApiBusyHours }) {
  const max = Math.max(0.1, ...busy.people.flat().map((v) => v ?? 0));
  const cells = busy.people.flatMap((row, d) =>
    row.map((v, h) => {
      const x = LEFT + h * CELL;
      const y = TOP + d * CELL;
      const hours = busy.hours[d]?.[h] ?? 0;
      return v === null
        ? html`<rect class="gap-cell" x=${x} y=${y} width=${CELL - 2} height=${CELL - 2}
            ><title>${DAYS[d]} ${h}:00: no data</title></rect
          >`
        : html`<rect
            class="busy-cell"
            data-value=${v}
            x=${x}
            y=${y}
            width=${CELL - 2}
            height=${CELL - 2}
            fill-opacity=${0.1 + 0.9 * (v / max)}
            ><title>${DAYS[d]} ${h}:00: ${v} people on average (${hours} hours)</title></rect
          >`;
    }),
  );
  return html`<svg
    class="svg-chart"
    viewBox="0 0 ${LEFT + 24 * CELL} ${TOP + 7 * CELL}"
    role="img"
    aria-label="Busiest hours of the week"
    data-testid="busy-map"
    data-cells=${busy.people.flat().filter((v) => v !== null).length}
  >
    ${DAYS.map((d, i) => html`<text class="axis-label" x="2" y=${TOP + i * CELL + 15}>${d}</text>`)}
    ${[0, 6, 12, 18].map((h) => html`<text class="axis-label" x=${LEFT + h * CELL} y="11">${h}:00</text>`)}
    ${cells}
  </svg>`;
}
