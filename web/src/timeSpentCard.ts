import { html } from 'htm/preact';
import type { ApiSummary } from './api.ts';
import { Stat } from './stat.ts';

interface Props {
  totals: ApiSummary['totals'] | undefined;
  windowSeconds: number;
  busy: boolean;
  onReset: () => void;
}

/** "Average time spent" per device, and the button that sets every device's minutes to zero. */
export function TimeSpentCard({ totals, windowSeconds, busy, onReset }: Props) {
  return html`<section class="card">
    <h2>Average time spent</h2>
    <div class="stats">
      <${Stat}
        testid="average-minutes"
        value=${String(totals?.averageMinutesSpent ?? 0)}
        unit="min"
        label="per device"
      />
    </div>
    <p class="note">Each ${windowSeconds} s window a device is seen in adds one minute.</p>
    <button type="button" data-testid="reset-time" disabled=${busy} onClick=${onReset}>Reset time</button>
  </section>`;
}
