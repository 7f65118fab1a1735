import type { Calendar } from '../../src/core/history/calendar.ts';

/** The dashboard's requests at a moment of the soak: summary, today by the minute, week, month, venue views. */
export function probeUrls(now: number, calendar: Calendar): { name: string; url: string }[] {
  const today = calendar.dayStart(now);
  const end = Math.ceil(now / 60) * 60;
  return [
    { name: 'summary', url: '/api/summary' },
    { name: 'today', url: `/api/history?from=${today}&to=${end}` },
    { name: 'week', url: `/api/history?from=${end - 7 * 86_400}&to=${end}` },
    { name: 'month', url: `/api/history?from=${end - 30 * 86_400}&to=${end}` },
    { name: 'visits', url: `/api/history/visits?from=${end - 30 * 86_400}&to=${end}` },
    { name: 'busy hours', url: `/api/history/busy-hours?from=${end - 28 * 86_400}&to=${end}` },
    { name: 'compare', url: `/api/history/compare?day=${calendar.local(now).date}` },
  ];
}

/** Milliseconds each request took over HTTP, by name; throws on any answer but 200. */
export async function timeRequests(
  base: string,
  urls: readonly { name: string; url: string }[],
  byName: Map<string, number[]>,
): Promise<number[]> {
  const times: number[] = [];
  for (const { name, url } of urls) {
    const started = performance.now();
    const response = await fetch(`${base}${url}`);
    await response.arrayBuffer();
    const ms = performance.now() - started;
    times.push(ms);
    byName.set(name, [...(byName.get(name) ?? []), ms]);
    if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
  }
  return times;
}

export function p95(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))] ?? NaN;
}
