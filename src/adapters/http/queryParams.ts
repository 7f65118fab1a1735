import type { DeviceSortKey } from '../storage/store.ts';
import { RequestError } from './httpErrors.ts';

type Query = Record<string, unknown>;

export function optionalNumber(
  query: Query,
  name: string,
  min = -Infinity,
  max = Infinity,
): number | undefined {
  const raw = query[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(value) || value < min || value > max) {
    throw new RequestError(400, 'bad-request', `${name} must be a number between ${min} and ${max}`);
  }
  return value;
}

const SORT_KEYS: readonly DeviceSortKey[] = [
  'lastSeen',
  'firstSeen',
  'rssiMean',
  'rssiStd',
  'manufacturer',
  'minutesSpent',
  'deviceId',
];

export function sortKey(query: Query): DeviceSortKey | undefined {
  const raw = query['sort'];
  if (raw === undefined) return undefined;
  if (!SORT_KEYS.includes(raw as DeviceSortKey)) {
    throw new RequestError(400, 'bad-request', `sort must be one of ${SORT_KEYS.join(', ')}`);
  }
  return raw as DeviceSortKey;
}

export function descending(query: Query): boolean {
  const raw = query['order'];
  if (raw === undefined || raw === 'desc') return true;
  if (raw === 'asc') return false;
  throw new RequestError(400, 'bad-request', 'order must be asc or desc');
}

export function searchText(query: Query): string | undefined {
  const raw = query['search'];
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || raw.length > 200)
    throw new RequestError(400, 'bad-request', 'search must be text of at most 200 characters');
  return raw;
}

export function optionalInteger(query: Query, name: string, min: number, max: number): number | undefined {
  const value = optionalNumber(query, name, min, max);
  if (value !== undefined && !Number.isInteger(value)) {
    throw new RequestError(400, 'bad-request', `${name} must be a whole number between ${min} and ${max}`);
  }
  return value;
}
