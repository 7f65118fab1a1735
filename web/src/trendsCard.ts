import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { historyApi, type ApiSummary } from './api.ts';
import { BusyHoursMap } from './busyHoursMap.ts';
import { CompareChart } from './compareChart.ts';
import { HistoryChart } from './historyChart.ts';
import type { PeriodKind } from './trendsPeriod.ts';
import { useTrends } from './useTrends.ts';
import { DwellChart, VisitsChart } from './visitsChart.ts';

const KINDS: [PeriodKind, string][] = [
  ['day', 'Day'],
  ['week', 'Week'],
  ['month', 'Month'],
  ['custom', 'Custom'],
];

function CsvLink(props: { testid: string; href: string }) {
  return html`<a class="csv" href=${props.href} download data-testid=${props.testid}>CSV</a>`;
}

function Panel(props: { title: string; note?: string; csv: string; csvId: string; children: unknown }) {
  return html`<div class="trend-panel">
    <header class="trend-head">
      <h3>${props.title}</h3>
      ${props.note === undefined ? null : html`<small class="note">${props.note}</small>`}
      <${CsvLink} testid=${props.csvId} href=${props.csv} />
    </header>
    ${props.children}
  </div>`;
}

/**
 * Trends: a day, a week, a month or any dates of the venue's history, from the hub's rollups:
 * people over time with gaps where no sensor listened, visitors and passers-by, how long they
 * stayed, who came back, the busiest hours, and a day against the same weekday a week before.
 * Every chart downloads as CSV.
 */
export function TrendsCard({
  summary,
  onError,
}: {
  summary: ApiSummary | null;
  onError: (e: unknown) => void;
}) {
  const t = useTrends(summary, onError);
  const [custom, setCustom] = useState<{ from: string; until: string } | null>(null);
  if (t.period === null) return null;
  const { period, range, data } = t;
  const visitor = data?.visits.visitor;
  const submitCustom = (e: Event) => {
    e.preventDefault();
    const from = custom?.from ?? period.anchor;
    const until = custom?.until ?? period.until ?? period.anchor;
    if (until < from) return onError(new Error('Pick a first day before the last.'));
    t.pick(from, until);
  };

  return html`<section
    class="card wide trends"
    data-testid="trends"
    data-loading=${t.loading}
    data-kind=${period.kind}
  >
    <header class="chart-head">
      <h2>Trends</h2>
      <div class="tabs" role="tablist">
        ${KINDS.map(
          ([kind, label]) =>
            html`<button
              type="button"
              role="tab"
              aria-selected=${period.kind === kind}
              data-testid=${`trends-${kind}`}
              onClick=${() => t.choose(kind)}
            >
              ${label}
            </button>`,
        )}
      </div>
      ${
        period.kind === 'custom'
          ? html`<form class="range" onSubmit=${submitCustom}>
              <label
                >From
                <input
                  type="date"
                  data-testid="trends-from"
                  value=${custom?.from ?? period.anchor}
                  onInput=${(e: Event) =>
                    setCustom({
                      from: (e.target as HTMLInputElement).value,
                      until: custom?.until ?? period.until ?? period.anchor,
                    })}
              /></label>
              <label
                >To
                <input
                  type="date"
                  data-testid="trends-until"
                  value=${custom?.until ?? period.until ?? period.anchor}
                  onInput=${(e: Event) =>
                    setCustom({
                      from: custom?.from ?? period.anchor,
                      until: (e.target as HTMLInputElement).value,
                    })}
              /></label>
              <button type="submit" data-testid="trends-show">Show</button>
            </form>`
          : html`<div class="range">
              <button
                type="button"
                data-testid="trends-prev"
                onClick=${() => t.shift(-1)}
                aria-label="Earlier"
              >
                ‹
              </button>
              <input
                type="date"
                data-testid="trends-date"
                value=${period.anchor}
                onChange=${(e: Event) => (e.target as HTMLInputElement).value && t.pick((e.target as HTMLInputElement).value)}
              />
              <button type="button" data-testid="trends-next" onClick=${() => t.shift(1)} aria-label="Later">
                ›
              </button>
            </div>`
      }
      <span class="note" data-testid="trends-range"
        >${range === undefined ? '' : range.first === range.last ? range.first : `${range.first} – ${range.last}`}
        (${t.timeZone})</span
      >
    </header>
    ${
      data === null
        ? html`<p class="empty">Loading…</p>`
        : html`<div class="trend-grid">
            <${Panel}
              title="People over time"
              note=${`by the ${data.history.resolution}; shaded: no sensor listening`}
              csvId="csv-history"
              csv=${historyApi.csv('history', { from: data.history.from, to: data.history.to })}
            >
              <${HistoryChart} history=${data.history} />
            </${Panel}>
            <${Panel}
              title="Visitors and passers-by"
              note=${`orange: visitors (${visitor!.minDwellMinutes} min or more within ${visitor!.minRssi} dBm), blue: passers-by; ${data.visits.totals.returningDevices} returning, ${data.visits.totals.newDevices} new fixed addresses`}
              csvId="csv-visits"
              csv=${historyApi.csv('visits', { from: data.visits.from, to: data.visits.to })}
            >
              <${VisitsChart} visits=${data.visits} />
            </${Panel}>
            <${Panel}
              title="How long they stayed"
              note=${`device-days; orange: came within ${visitor!.minRssi} dBm, blue: further`}
              csvId="csv-dwell" csv=${historyApi.csv('dwell', { from: data.visits.from, to: data.visits.to })}>
              <${DwellChart} visits=${data.visits} />
            </${Panel}>
            <${Panel}
              title="Busiest hours"
              note=${period.kind === 'day' ? 'the four weeks up to this day' : 'over the period'}
              csvId="csv-busy"
              csv=${historyApi.csv('busy-hours', data.busyRange)}
            >
              <${BusyHoursMap} busy=${data.busy} />
            </${Panel}>
            <${Panel}
              title="Against the same day last week"
              csvId="csv-compare"
              csv=${historyApi.csv('compare', { day: data.compare.day.date })}
            >
              <${CompareChart} compare=${data.compare} />
            </${Panel}>
          </div>`
    }
  </section>`;
}
