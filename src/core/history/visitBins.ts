/**
 * How long a device stayed on a day, and how close it came: the two axes of the dwell histogram
 * kept per day forever. Visitors and passers-by are read from it with thresholds chosen when
 * asked (at these edges), so changing the thresholds re-reads the whole history instead of
 * starting a new one.
 *
 * Dwell is minutes present: the windows a device was heard in that day times the window length
 * (the original tracker's "minutes spent", per day). A phone heard at 9:00 and at 17:00 stayed two
 * minutes, not eight hours: a span would make every twice-seen device a full-day visitor.
 * Closeness is the strongest RSSI any sensor heard from it that day.
 */

/** Lower edges of the dwell bins, minutes: bin i holds [edge i, edge i+1). */
export const DWELL_EDGES_MINUTES = [0, 2, 5, 10, 15, 30, 60, 120, 240, 480] as const;
/** Lower edges of the RSSI bins, dBm; bin 0 also holds devices heard without an RSSI. */
export const RSSI_EDGES_DBM = [-Infinity, -90, -80, -70, -60] as const;

export const DWELL_BINS = DWELL_EDGES_MINUTES.length;
export const RSSI_BINS = RSSI_EDGES_DBM.length;

function binOf(edges: readonly number[], value: number): number {
  let bin = 0;
  for (let i = 1; i < edges.length; i++) if (value >= edges[i]!) bin = i;
  return bin;
}

export function dwellBin(minutes: number): number {
  return binOf(DWELL_EDGES_MINUTES, minutes);
}

export function rssiBin(maxRssi: number | null): number {
  return maxRssi === null ? 0 : binOf(RSSI_EDGES_DBM, maxRssi);
}

const DWELL_LABELS = [
  '< 2 min',
  '2–5 min',
  '5–10 min',
  '10–15 min',
  '15–30 min',
  '30–60 min',
  '1–2 h',
  '2–4 h',
  '4–8 h',
  '8 h+',
];

/** `2–5 min`, `8 h+`: a dwell bin as the charts label it. */
export function dwellLabel(bin: number): string {
  return DWELL_LABELS[bin] ?? '?';
}

const RSSI_LABELS = ['< -90 dBm', '-90 to -80 dBm', '-80 to -70 dBm', '-70 to -60 dBm', '≥ -60 dBm'];

export function rssiLabel(bin: number): string {
  return RSSI_LABELS[bin] ?? '?';
}

/** What makes a visitor: stayed at least `minDwellMinutes` and came within `minRssi`. */
export interface VisitorThresholds {
  minDwellMinutes: number;
  minRssi: number;
}

export const DEFAULT_VISITOR_THRESHOLDS: VisitorThresholds = { minDwellMinutes: 5, minRssi: -80 };

/** Why thresholds cannot be read from the histogram, or undefined when they can. */
export function thresholdProblem(t: VisitorThresholds): string | undefined {
  if (!DWELL_EDGES_MINUTES.slice(1).includes(t.minDwellMinutes as never))
    return `visitor dwell must be one of ${DWELL_EDGES_MINUTES.slice(1).join(', ')} minutes`;
  if (!RSSI_EDGES_DBM.slice(1).includes(t.minRssi as never))
    return `visitor RSSI must be one of ${RSSI_EDGES_DBM.slice(1).join(', ')} dBm`;
  return undefined;
}

/** True when a device-day in these bins is a visitor; otherwise it passed by. */
export function isVisitor(dwell: number, rssi: number, t: VisitorThresholds): boolean {
  return DWELL_EDGES_MINUTES[dwell]! >= t.minDwellMinutes && RSSI_EDGES_DBM[rssi]! >= t.minRssi;
}
