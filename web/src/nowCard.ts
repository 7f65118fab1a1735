import { html } from 'htm/preact';
import type { ComponentChildren } from 'preact';
import type { ApiSummary } from './api.ts';
import type { Counting } from './counting.ts';
import { hhmm } from './format.ts';
import { PeopleEstimate } from './peopleEstimate.ts';
import { Stat } from './stat.ts';

interface Props {
  summary: ApiSummary | null;
  counting: Counting;
  ratioOn: boolean;
  /** Shown under the figures (the headcount form). */
  children?: ComponentChildren;
}

/** "Around now": the current window's devices, its people estimate and how it was counted. */
export function NowCard({ summary, counting, ratioOn, children }: Props) {
  const current = summary?.current ?? null;
  const { method, level, ratio } = counting;
  return html`<section class="card now">
    <h2>Around now</h2>
    <div class="stats">
      <${Stat} testid="current-wifi" value=${String(current?.wifi ?? 0)} label="Wi-Fi devices" />
      <${Stat}
        testid="current-bluetooth"
        value=${String(current?.bluetooth ?? 0)}
        label="Bluetooth devices"
      />
    </div>
    ${ratioOn && current !== null ? html`<${PeopleEstimate} current=${current} counting=${counting} />` : null}
    ${
      ratioOn && summary !== null
        ? html`<p class="note method" data-testid="counting-method" data-method=${method}>
            ${
              method === 'model'
                ? `People counted by the fitted model${level === '' ? '' : ` (${level} intervals)`}`
                : `Devices ÷ ${ratio} detectable people per person`
            }
          </p>`
        : null
    }
    <p class="note" data-testid="current-window" data-window-start=${current?.windowStart ?? ''}>
      ${current === null ? 'No window yet' : `Window ${hhmm(current.windowStart)}–${hhmm(current.windowEnd)}`}
    </p>
    ${children}
  </section>`;
}
