import { html } from 'htm/preact';
import type { ApiSummary } from './api.ts';
import { dateTime } from './format.ts';

interface Props {
  summary: ApiSummary | null;
  scanning: boolean;
  ratioOn: boolean;
  onRatio: (on: boolean) => void;
}

/** Only http(s) links are followed: a `javascript:` URL from a bad config must not run. */
function safeHref(url: string): string {
  return /^https?:\/\//i.test(url) ? url : '#';
}

/** Name, what it runs on (site, sensors and their status), the project link and the Ratio switch. */
export function Header({ summary, scanning, ratioOn, onRatio }: Props) {
  const sensors = summary?.site.sensors ?? [];
  return html`<header class="top">
    <div class="brand">
      <h1>airtrace</h1>
      <p class="tagline">Passive Wi-Fi and Bluetooth presence analytics</p>
    </div>
    <div class="runs-on">
      <span class="site" data-testid="site-name">${summary?.site.name ?? '…'}</span>
      <ul class="sensors" data-testid="sensor-list" aria-label="Sensors">
        ${sensors.map(
          (s) =>
            html`<li
              class=${`sensor ${s.status}`}
              data-sensor=${s.id}
              data-status=${s.status}
              title=${s.lastWindowStart === null ? 'No window yet' : `Last window ${dateTime(s.lastWindowStart)}`}
            >
              <span class="dot" aria-hidden="true"></span>${s.id} <small>${s.status}</small>
            </li>`,
        )}
      </ul>
      <span class=${`scan ${scanning ? 'on' : ''}`} data-testid="scan-state" aria-live="polite"
        >${scanning ? 'Scanning…' : 'Idle'}</span
      >
    </div>
    <div class="header-tools">
      <label class="switch" title="Correct for people the sensors cannot see">
        <input
          type="checkbox"
          role="switch"
          data-testid="ratio-toggle"
          checked=${ratioOn}
          onChange=${(e: Event) => onRatio((e.target as HTMLInputElement).checked)}
        />
        <span class="track" aria-hidden="true"></span>
        <span>Ratio</span>
      </label>
      <span class="ratio-factor" data-testid="ratio-factor"
        >${summary === null ? '' : `${summary.ratio} detectable people per person`}</span
      >
      ${
        summary === null
          ? null
          : html`<a
              class="project"
              href=${safeHref(summary.site.projectUrl)}
              target="_blank"
              rel="noopener noreferrer"
              >Project ↗</a
            >`
      }
    </div>
  </header>`;
}
