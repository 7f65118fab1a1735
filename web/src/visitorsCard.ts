import { html } from 'htm/preact';
import type { ApiSummary } from './api.ts';
import type { Counting } from './counting.ts';
import { oneDecimal } from './format.ts';
import { Stat } from './stat.ts';

interface Props {
  totals: ApiSummary['totals'] | undefined;
  counting: Counting;
  ratioOn: boolean;
}

/**
 * "People detected": every device stored, and the people they stand for: with the model,
 * visitors from person-minutes and the mean stay; without it, devices / ratio.
 */
export function VisitorsCard({ totals, counting, ratioOn }: Props) {
  const visitorsByModel =
    counting.method === 'model' && totals?.personMinutes != null && totals.meanStayMinutes != null;
  const visitorsHow = visitorsByModel
    ? `person-minutes ÷ mean stay: ${oneDecimal(totals!.personMinutes!)} ÷ ${oneDecimal(totals!.meanStayMinutes!)} min`
    : `devices ÷ ${counting.ratio}`;
  return html`<section class="card">
    <h2>People detected</h2>
    <div class="stats">
      <${Stat} testid="total-devices" value=${String(totals?.devices ?? 0)} label="devices (addresses)" />
      ${
        ratioOn
          ? html`<div class="stat" data-testid="visitors" data-method=${visitorsByModel ? 'model' : 'ratio'}>
              <span class="big" data-testid="total-estimate" title=${visitorsHow}
                >${oneDecimal(totals?.estimate ?? 0)}</span
              >
              <span class="label">${visitorsByModel ? 'visitors' : 'estimated people'}</span>
              <small class="how">${visitorsHow}</small>
            </div>`
          : null
      }
    </div>
    <p class="note">
      Wi-Fi ${totals?.wifi ?? 0} · Bluetooth ${totals?.bluetooth ?? 0} · ${totals?.windows ?? 0} windows
    </p>
  </section>`;
}
