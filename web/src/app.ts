import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { countingOf } from './counting.ts';
import { DataCard } from './dataCard.ts';
import { DeviceTable } from './deviceTable.ts';
import { Donut } from './donut.ts';
import { FloorPlan } from './floorPlan.ts';
import { HeadcountForm } from './headcountForm.ts';
import { Header } from './header.ts';
import { NowCard } from './nowCard.ts';
import { OverTimeCard } from './overTimeCard.ts';
import { TimeSpentCard } from './timeSpentCard.ts';
import { TrendsCard } from './trendsCard.ts';
import { useDashboard } from './useDashboard.ts';
import { useDataActions } from './useDataActions.ts';
import { VisitorsCard } from './visitorsCard.ts';

const RATIO_KEY = 'airtrace.ratio';

/** The dashboard: the hub's data (useDashboard) laid out in cards, one per thing they show. */
export function App() {
  const d = useDashboard();
  const actions = useDataActions(d);
  const [ratioOn, setRatioOn] = useState(() => localStorage.getItem(RATIO_KEY) !== 'off');
  const toggleRatio = (on: boolean) => {
    setRatioOn(on);
    localStorage.setItem(RATIO_KEY, on ? 'on' : 'off');
  };

  const { summary, error } = d;
  const counting = countingOf(summary, ratioOn);
  const windowSeconds = summary?.windowSeconds ?? 60;

  return html`<div class="app" data-testid="app" data-ready=${summary !== null}>
    <${Header} summary=${summary} scanning=${d.scanning} ratioOn=${ratioOn} onRatio=${toggleRatio} />
    ${
      error === null
        ? null
        : html`<div class="error" role="alert" data-testid="error">
            ${error} <button type="button" class="link" onClick=${() => d.setError(null)}>Dismiss</button>
          </div>`
    }
    ${d.connected || summary === null ? null : html`<div class="notice">Live updates paused: reconnecting…</div>`}

    <main class="grid">
      <${NowCard} summary=${summary} counting=${counting} ratioOn=${ratioOn}>
        <${HeadcountForm}
          summary=${summary}
          counting=${counting}
          shown=${ratioOn}
          reconnectKey=${d.reconnects}
          onError=${d.onError}
        />
      <//>
      <${VisitorsCard} totals=${summary?.totals} counting=${counting} ratioOn=${ratioOn} />
      <${TimeSpentCard}
        totals=${summary?.totals}
        windowSeconds=${windowSeconds}
        busy=${actions.busy !== null}
        onReset=${actions.resetTime}
      />
      <${DataCard} data=${summary?.data} saved=${actions.saved} busy=${actions.busy} onSave=${actions.save} />

      <section class="card">
        <h2>Detection type</h2>
        <${Donut} window=${summary?.current ?? null} />
      </section>

      <${OverTimeCard}
        windows=${d.windows}
        range=${d.range}
        rangeInputs=${d.rangeInputs}
        onRangeInputs=${d.setRangeInputs}
        onShowRange=${d.showRange}
        onLastHour=${d.showLastHour}
        counting=${counting}
        windowSeconds=${windowSeconds}
      />

      <${TrendsCard} summary=${summary} onError=${d.onError} />

      <${FloorPlan} feed=${d.positionFeed} zoneFeed=${d.zoneFeed} reconnectKey=${d.reconnects} />

      <div class="wide tables">
        <${DeviceTable} medium="wifi" title="Wi-Fi devices" version=${d.tableVersion} onError=${d.onError} />
        <${DeviceTable}
          medium="bluetooth"
          title="Bluetooth devices"
          version=${d.tableVersion}
          onError=${d.onError}
        />
      </div>
    </main>
    <footer class="foot">
      Device ids are keyed hashes; raw addresses never leave the sensor. SSIDs and names are shown as sent.
    </footer>
  </div>`;
}
