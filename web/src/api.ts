import type {
  ApiBusyHours,
  ApiCompare,
  ApiDevices,
  ApiError,
  ApiHistory,
  ApiVisits,
  ApiEvents,
  ApiHeatmap,
  ApiPositions,
  ApiSaved,
  ApiSite,
  ApiSummary,
  ApiWindows,
} from '../../src/adapters/http/apiTypes.ts';
import type { ApiHeadcount, ApiHeadcounts } from '../../src/adapters/http/headcountApiTypes.ts';
import type { ApiZoneOccupancy } from '../../src/adapters/http/zoneApiTypes.ts';

export type { ApiHeadcount, ApiHeadcounts } from '../../src/adapters/http/headcountApiTypes.ts';
export type { ApiZoneCount, ApiZoneOccupancy } from '../../src/adapters/http/zoneApiTypes.ts';

export type {
  ApiDevice,
  ApiDevices,
  ApiEvents,
  ApiHeatmap,
  ApiPosition,
  ApiPositions,
  ApiSaved,
  ApiSensor,
  ApiSite,
  ApiSummary,
  ApiWindow,
  ApiWindows,
} from '../../src/adapters/http/apiTypes.ts';

export type Medium = 'wifi' | 'bluetooth';
export type SortKey =
  'lastSeen' | 'firstSeen' | 'rssiMean' | 'rssiStd' | 'manufacturer' | 'minutesSpent' | 'deviceId';

export interface DeviceQuery {
  sort: SortKey;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
  search: string;
}

/** The hub token, when the page was opened with `?token=`: sent on every request. */
const token = new URLSearchParams(location.search).get('token');

/**
 * An API address relative to the page, so the dashboard works under any path. With a token it
 * carries `?token=` too: for links, downloads and EventSource, which cannot send headers.
 */
export function apiUrl(path: string, params: Record<string, string | number | undefined> = {}): string {
  const url = new URL(path.replace(/^\//, ''), document.baseURI);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  }
  if (token !== null) url.searchParams.set('token', token);
  return url.toString();
}

/** A link the hub gave us (e.g. a saved file's download address), with the token added. */
export function withToken(href: string): string {
  const url = new URL(href, document.baseURI);
  if (token !== null) url.searchParams.set('token', token);
  return url.toString();
}

/**
 * An image address from the site file: http(s) only (or a data: image), and the token only
 * when it points back at the hub, so it never leaks to another host. Undefined if refused.
 */
export function imageUrl(href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href, document.baseURI);
  } catch {
    return undefined;
  }
  if (url.protocol === 'data:') return /^data:image\//i.test(href) ? href : undefined;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (token !== null && url.origin === location.origin) url.searchParams.set('token', token);
  return url.toString();
}

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(method: 'GET' | 'POST' | 'DELETE', url: string, json?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  // The hub refuses POSTs (and DELETEs) without it: a header cross-site pages cannot send without CORS.
  if (method !== 'GET') headers['x-airtrace'] = '1';
  if (json !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
  } catch {
    throw new ApiRequestError(0, 'unreachable', 'The hub cannot be reached.');
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (body as Partial<ApiError> | undefined)?.error;
    throw new ApiRequestError(
      response.status,
      error?.code ?? `http-${response.status}`,
      error?.message ?? `${response.status} ${response.statusText}`,
    );
  }
  return body as T;
}

export const api = {
  summary: () => request<ApiSummary>('GET', apiUrl('api/summary')),
  windows: (from?: number, to?: number) => request<ApiWindows>('GET', apiUrl('api/windows', { from, to })),
  devices: (medium: Medium, q: DeviceQuery) =>
    request<ApiDevices>(
      'GET',
      apiUrl(`api/devices/${medium}`, {
        sort: q.sort,
        order: q.order,
        limit: q.limit,
        offset: q.offset,
        search: q.search.trim(),
      }),
    ),
  site: () => request<ApiSite>('GET', apiUrl('api/site')),
  currentPositions: () => request<ApiPositions>('GET', apiUrl('api/positions/current')),
  /** Without a range the hub counts the last hour of data. */
  heatmap: (from?: number, to?: number, cell?: number) =>
    request<ApiHeatmap>('GET', apiUrl('api/positions/heatmap', { from, to, cell })),
  resetTime: () => request<{ ok: true }>('POST', apiUrl('api/reset-time')),
  save: () => request<ApiSaved>('POST', apiUrl('api/save')),
  zones: () => request<ApiZoneOccupancy>('GET', apiUrl('api/zones')),
  headcounts: () => request<ApiHeadcounts>('GET', apiUrl('api/headcounts')),
  /** Without `t` the hub dates the count by its own clock. */
  addHeadcount: (count: number, t?: number) =>
    request<ApiHeadcount>('POST', apiUrl('api/headcounts'), t === undefined ? { count } : { count, t }),
  removeHeadcount: (id: number) => request<{ ok: true }>('DELETE', apiUrl(`api/headcounts/${id}`)),
};

export type EventHandlers = { [K in keyof ApiEvents]?: (data: ApiEvents[K]) => void } & {
  open?: () => void;
  error?: () => void;
};

/** Subscribes to /api/events; EventSource reconnects by itself. Returns the unsubscribe. */
export function subscribe(handlers: EventHandlers): () => void {
  const source = new EventSource(apiUrl('api/events'));
  const names = ['window', 'people', 'position', 'zoneOccupancy', 'status', 'saved', 'reset'] as const;
  for (const name of names) {
    source.addEventListener(name, (event) => {
      const handler = handlers[name] as ((data: unknown) => void) | undefined;
      if (handler === undefined) return;
      try {
        handler(JSON.parse((event as MessageEvent<string>).data));
      } catch (error) {
        console.warn(`bad ${name} event`, error);
      }
    });
  }
  source.addEventListener('open', () => handlers.open?.());
  source.addEventListener('error', () => handlers.error?.());
  return () => source.close();
}

export type {
  ApiBusyHours,
  ApiCompare,
  ApiCompareDay,
  ApiDwellBar,
  ApiHistory,
  ApiHistoryPoint,
  ApiVisitDay,
  ApiVisits,
} from '../../src/adapters/http/apiTypes.ts';

/** The Trends view's requests; `csv` gives the address of the same figures as a download. */
export const historyApi = {
  history: (from: number, to: number) => request<ApiHistory>('GET', apiUrl('api/history', { from, to })),
  visits: (from: number, to: number) => request<ApiVisits>('GET', apiUrl('api/history/visits', { from, to })),
  busyHours: (from: number, to: number) =>
    request<ApiBusyHours>('GET', apiUrl('api/history/busy-hours', { from, to })),
  compare: (day: string) => request<ApiCompare>('GET', apiUrl('api/history/compare', { day })),
  csv: (
    chart: 'history' | 'visits' | 'dwell' | 'busy-hours' | 'compare',
    params: Record<string, string | number>,
  ) => apiUrl(chart === 'history' ? 'api/history.csv' : `api/history/${chart}.csv`, params),
};
