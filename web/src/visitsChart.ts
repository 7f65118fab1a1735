import { html } from 'htm/preact';
import type { ApiVisits } from './api.ts';

const W = 600;
const H = 180;
const PAD = { left: 36, bottom: 22, top: 8 };

/**
 * Visitors (stayed and came close) and passers-by per day, stacked; a day without data is drawn
 * as "no data", never as an empty bar that would read as nobody. Returning devices mark each bar.
 */
export function VisitsChart({ visits }: { visits: ApiVisits }) {
  const days = visits.days;
  const max = Math.max(1, ...days.map((d) => (d.visitors ?? 0) + (d.passersBy ?? 0)));
  const slot = (W - PAD.left) / Math.max(1, days.length);
  const y = (n: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - n / max);
  const every = Math.ceil(days.length / 12);
  const bars = days.map((d, i) => {
    const x = PAD.left + i * slot + slot * 0.15;
    const w = slot * 0.7;
    const label =
      i % every === 0
        ? html`<text class="axis-label" x=${x + w / 2} y=${H - 6} text-anchor="middle"
            >${d.date.slice(5)}</text
          >`
        : null;
    if (d.visitors === null || d.passersBy === null)
      return html`<g data-gap=${d.date}>
        <rect class="gap-bar" x=${x} y=${PAD.top} width=${w} height=${H - PAD.top - PAD.bottom}
          ><title>${d.date}: no data (no sensor listening)</title></rect
        >${label}
      </g>`;
    const top = y(d.visitors + d.passersBy);
    return html`<g data-day=${d.date} data-visitors=${d.visitors} data-passers-by=${d.passersBy}>
      <rect class="bar-passers" x=${x} y=${top} width=${w} height=${y(d.visitors) - top} />
      <rect class="bar-visitors" x=${x} y=${y(d.visitors)} width=${w} height=${y(0) - y(d.visitors)} />
      <title>
        ${d.date}: ${d.visitors} visitors, ${d.passersBy} passers-by; ${d.returningDevices ?? 0} returning,
        ${d.newDevices ?? 0} new fixed addresses
      </title>
      ${label}
    </g>`;
  });
  return html`<svg
    class="svg-chart"
    viewBox="0 0 ${W} ${H}"
    role="img"
    aria-label="Visitors and passers-by per day"
    data-testid="visits-chart"
    data-days=${days.length}
    data-gaps=${days.filter((d) => d.visitors === null).length}
  >
    <text class="axis-label" x="2" y=${PAD.top + 8}>${max}</text>
    <line class="axis" x1=${PAD.left} x2=${W} y1=${y(0)} y2=${y(0)} />
    ${bars}
  </svg>`;
}

/** How long devices stayed over the period: device-days per dwell bin, near the sensors or further. */
export function DwellChart({ visits }: { visits: ApiVisits }) {
  const bars = visits.dwell;
  const max = Math.max(1, ...bars.map((b) => b.near + b.far));
  const rowH = 18;
  const left = 80;
  const x = (n: number) => left + ((W - left - 40) * n) / max;
  return html`<svg
    class="svg-chart"
    viewBox="0 0 ${W} ${bars.length * rowH + 8}"
    role="img"
    aria-label="Dwell time distribution"
    data-testid="dwell-chart"
    data-total=${bars.reduce((a, b) => a + b.near + b.far, 0)}
  >
    ${bars.map(
      (b, i) =>
        html`<g data-bin=${b.bin}>
          <text class="axis-label" x=${left - 6} y=${i * rowH + 13} text-anchor="end">${b.label}</text>
          <rect
            class="bar-visitors"
            x=${left}
            y=${i * rowH + 3}
            width=${x(b.near) - left}
            height=${rowH - 6}
          />
          <rect
            class="bar-passers"
            x=${x(b.near)}
            y=${i * rowH + 3}
            width=${x(b.near + b.far) - x(b.near)}
            height=${rowH - 6}
          />
          <text class="axis-label" x=${x(b.near + b.far) + 4} y=${i * rowH + 13}>${b.near + b.far}</text>
          <title>${b.label}: ${b.near} within ${visits.visitor.minRssi} dBm, ${b.far} further</title>
        </g>`,
    )}
  </svg>`;
}
