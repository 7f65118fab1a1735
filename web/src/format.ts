const pad = (n: number) => String(n).padStart(2, '0');

/** A time no calendar holds (from a sensor's broken clock) shows as a dash, never as NaN. */
const UNKNOWN_TIME = '–';

function dateOf(unixSeconds: number): Date | undefined {
  const d = new Date(unixSeconds * 1000);
  return Number.isFinite(d.getTime()) ? d : undefined;
}

/** Local wall-clock time of a Unix-seconds instant, `HH:MM`. */
export function hhmm(unixSeconds: number): string {
  const d = dateOf(unixSeconds);
  if (d === undefined) return UNKNOWN_TIME;
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Local date and time, `YYYY-MM-DD HH:MM:SS`. */
export function dateTime(unixSeconds: number): string {
  const d = dateOf(unixSeconds);
  if (d === undefined) return UNKNOWN_TIME;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The value of a `datetime-local` input for an instant, and back. */
export function toLocalInput(unixSeconds: number): string {
  const d = dateOf(unixSeconds);
  if (d === undefined) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): number | undefined {
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** One decimal at most, as the API rounds estimates: 12, 12.5. */
export function oneDecimal(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** Ids are long hex hashes: the first 12 digits tell devices apart on screen; a title has all. */
export function shortId(id: string): string {
  return id.length > 13 ? `${id.slice(0, 12)}…` : id;
}

export function rssi(n: number | null): string {
  return n === null ? '–' : n.toFixed(1);
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
