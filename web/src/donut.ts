import { html } from 'htm/preact';
import type { ApiWindow } from './api.ts';

interface Slice {
  key: string;
  label: string;
  value: number;
  color: string;
}

const RADIUS = 40;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

/**
 * Detection type of the devices in one window: Wi-Fi only, Bluetooth only, or heard on both.
 * Drawn as SVG circle strokes (one dash per slice), no chart library.
 */
export function Donut({ window: w }: { window: ApiWindow | null }) {
  const both = w?.both ?? 0;
  const slices: Slice[] = [
    { key: 'wifi', label: 'Wi-Fi only', value: Math.max(0, (w?.wifi ?? 0) - both), color: 'var(--wifi)' },
    {
      key: 'bluetooth',
      label: 'Bluetooth only',
      value: Math.max(0, (w?.bluetooth ?? 0) - both),
      color: 'var(--bluetooth)',
    },
    { key: 'both', label: 'Both', value: both, color: 'var(--both)' },
  ];
  const total = slices.reduce((sum, s) => sum + s.value, 0);
  let offset = 0;
  const arcs = slices.map((s) => {
    const length = total === 0 ? 0 : (s.value / total) * CIRCUMFERENCE;
    const arc = html`<circle
      class="donut-arc"
      data-slice=${s.key}
      r=${RADIUS}
      cx="50"
      cy="50"
      fill="none"
      stroke=${s.color}
      stroke-width="14"
      stroke-dasharray=${`${length} ${CIRCUMFERENCE - length}`}
      stroke-dashoffset=${-offset}
      transform="rotate(-90 50 50)"
      ><title>${s.label}: ${s.value}</title></circle
    >`;
    offset += length;
    return arc;
  });

  return html`<div class="donut" data-testid="donut" data-total=${total}>
    <svg
      viewBox="0 0 100 100"
      role="img"
      aria-label=${`Detection type: ${slices.map((s) => `${s.label} ${s.value}`).join(', ')}`}
    >
      <circle r=${RADIUS} cx="50" cy="50" fill="none" stroke="var(--track)" stroke-width="14" />
      ${arcs}
      <text x="50" y="49" text-anchor="middle" class="donut-total">${total}</text>
      <text x="50" y="61" text-anchor="middle" class="donut-caption">devices</text>
    </svg>
    <ul class="legend">
      ${slices.map(
        (s) =>
          html`<li data-slice=${s.key}>
            <span class="swatch" style=${{ background: s.color }}></span>${s.label}
            <b>${s.value}</b>
          </li>`,
      )}
    </ul>
  </div>`;
}
