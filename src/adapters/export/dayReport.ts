import type { ApiBusyHours, ApiCompare, ApiHistory, ApiVisits } from '../http/apiTypes.ts';
import type { SensorHourRow } from '../storage/store.ts';
import { barChart, escapeXml, heatMap, lineChart } from './svgPlots.ts';

/** Everything a day report shows, read from the hub's history. */
export interface DayReportData {
  siteName: string;
  date: string;
  timeZone: string;
  /** The day by the minute (or by the hour, once its minutes are past retention). */
  day: ApiHistory;
  /** The day as one bucket, for its totals. */
  total: ApiHistory;
  compare: ApiCompare;
  visits: ApiVisits;
  busy: ApiBusyHours;
  sensors: SensorHourRow[];
  windowSeconds: number;
  generatedAt: string;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const fmt = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined ? '–' : String(Math.round(x * 10 ** digits) / 10 ** digits);

function figure(label: string, value: string): string {
  return `<div class="figure"><div class="value">${escapeXml(value)}</div><div class="label">${escapeXml(label)}</div></div>`;
}

/**
 * The one-page summary of a day (`airtrace report --day D`): headline figures, the day's people
 * over time with its gaps, the day against the same weekday a week before, how long devices stayed,
 * the busiest hours of the four weeks up to it, and which sensors listened. Self-contained HTML
 * with inline SVG; every text that came from outside (site name, sensor ids) is escaped.
 */
export function renderDayReport(d: DayReportData): string {
  const whole = d.total.points[0];
  const visit = d.visits.days[0];
  const hasData = whole !== undefined && whole.coverage > 0;
  const hourLabel = (label: string) => label.slice(11, 16);
  const people = lineChart({
    title: `People by the ${d.day.resolution} (shaded: no sensor listening)`,
    labels: d.day.points.map((p) => hourLabel(p.label)),
    gaps: d.day.points.map((p) => p.coverage === 0),
    unit: 'people',
    width: 900,
    series: [
      { label: 'people', values: d.day.points.map((p) => p.peopleMean), color: '#d97706' },
      { label: 'devices', values: d.day.points.map((p) => p.devicesMean), color: '#2563eb', dashed: true },
    ],
  });
  const compare = lineChart({
    title: `${d.compare.day.date} against ${d.compare.lastWeek.date}, people by the hour`,
    labels: d.compare.day.points.map((p) => hourLabel(p.label)),
    unit: 'people',
    width: 440,
    series: [
      { label: d.compare.day.date, values: d.compare.day.points.map((p) => p.peopleMean), color: '#d97706' },
      {
        label: d.compare.lastWeek.date,
        values: d.compare.lastWeek.points.map((p) => p.peopleMean),
        color: '#64748b',
        dashed: true,
      },
    ],
  });
  const dwell = barChart({
    title: `How long they stayed (device-days; near: within ${d.visits.visitor.minRssi} dBm)`,
    labels: d.visits.dwell.map((b) => b.label),
    width: 440,
    series: [
      { label: 'near', values: d.visits.dwell.map((b) => b.near), color: '#d97706' },
      { label: 'further', values: d.visits.dwell.map((b) => b.far), color: '#93c5fd' },
    ],
  });
  const busy = heatMap({
    title: 'Busiest hours, the four weeks up to this day (mean people)',
    rows: WEEKDAYS,
    columns: Array.from({ length: 24 }, (_, h) => `${h}h`),
    values: d.busy.people,
  });
  const dayWindows = (whole === undefined ? 86_400 : whole.end - whole.start) / d.windowSeconds;
  const bySensor = new Map<string, number>();
  for (const s of d.sensors) bySensor.set(s.sensorId, (bySensor.get(s.sensorId) ?? 0) + s.windows);
  const sensorRows = [...bySensor]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([id, windows]) =>
        `<tr><td>${escapeXml(id)}</td><td>${windows}</td><td>${fmt((100 * windows) / dayWindows)}%</td></tr>`,
    )
    .join('');
  const figures = hasData
    ? [
        figure('people, mean', fmt(whole.peopleMean)),
        figure('people, busiest window', fmt(whole.peopleMax)),
        figure('person-minutes', fmt(whole.personMinutes, 0)),
        figure(`visitors (${d.visits.visitor.minDwellMinutes} min+)`, fmt(visit?.visitors ?? null, 0)),
        figure('passers-by', fmt(visit?.passersBy ?? null, 0)),
        figure('returning / new', `${visit?.returningDevices ?? 0} / ${visit?.newDevices ?? 0}`),
        figure('Wi-Fi / Bluetooth devices', `${whole.wifi ?? 0} / ${whole.bluetooth ?? 0}`),
        figure('coverage', `${fmt(whole.coverage * 100)}%`),
      ].join('')
    : '<p class="none">No sensor listened on this day: there is nothing to count, and nothing is shown as zero.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeXml(`${d.siteName}: ${d.date}`)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:940px;color:#0f172a}
h1{font-size:1.4rem;margin:0}.sub{color:#64748b;margin:4px 0 16px}
.figures{display:grid;grid-template-columns:repeat(4,1fr);gap:8px;margin-bottom:16px}
.figure{border:1px solid #e2e8f0;border-radius:10px;padding:8px 12px}.value{font-size:1.4rem;font-weight:600}
.label{color:#64748b;font-size:.8rem}.row{display:flex;gap:12px;flex-wrap:wrap}svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:.85rem}td,th{border-bottom:1px solid #e2e8f0;padding:4px 10px;text-align:left}
.none{padding:16px;background:#f1f5f9;border-radius:10px}footer{color:#64748b;font-size:.75rem;margin-top:16px}
</style></head><body>
<h1>${escapeXml(d.siteName)}</h1>
<p class="sub">${escapeXml(d.date)}, ${escapeXml(d.timeZone)}</p>
<div class="figures">${figures}</div>
${people}
<div class="row">${compare}${dwell}</div>
${busy}
<h2 style="font-size:1rem">Sensors that day</h2>
${sensorRows === '' ? '<p class="none">None.</p>' : `<table><tr><th>sensor</th><th>windows</th><th>coverage</th></tr>${sensorRows}</table>`}
<footer>airtrace, ${escapeXml(d.generatedAt)}. Devices are keyed hashes; no address is stored. Visitors stayed
${d.visits.visitor.minDwellMinutes} minutes or more within ${d.visits.visitor.minRssi} dBm; returning devices are fixed
addresses heard on an earlier day.</footer>
</body></html>
`;
}
