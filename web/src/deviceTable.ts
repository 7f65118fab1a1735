import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type ApiDevices, type DeviceQuery, type Medium, type SortKey } from './api.ts';
import { dateTime, rssi, shortId } from './format.ts';

interface Column {
  key: SortKey | null;
  label: string;
  className?: string;
}

const PAGE_SIZE = 25;

function columns(medium: Medium): Column[] {
  return [
    { key: 'deviceId', label: 'Device (hashed)' },
    { key: 'firstSeen', label: 'First seen' },
    { key: 'lastSeen', label: 'Last seen' },
    { key: 'rssiMean', label: 'RSSI mean', className: 'num' },
    { key: 'rssiStd', label: 'RSSI std', className: 'num' },
    { key: 'manufacturer', label: 'Manufacturer' },
    { key: null, label: medium === 'wifi' ? 'SSIDs probed' : 'Name' },
    { key: 'minutesSpent', label: 'Minutes', className: 'num' },
  ];
}

interface Props {
  medium: Medium;
  title: string;
  /** Bumped by the page when the data changed (a new window, a reset): reload this page. */
  version: number;
  onError: (error: unknown) => void;
}

/**
 * One device table (the original tracker's Wi-Fi or Bluetooth table). Sorting, paging and
 * search happen on the hub. SSIDs and names are attacker-controlled, so they are only ever
 * text nodes, each in its own <bdi>: a right-to-left override in one cannot turn the next around.
 */
export function DeviceTable({ medium, title, version, onError }: Props) {
  const [query, setQuery] = useState<DeviceQuery>({
    sort: 'lastSeen',
    order: 'desc',
    limit: PAGE_SIZE,
    offset: 0,
    search: '',
  });
  const [searchText, setSearchText] = useState('');
  const [result, setResult] = useState<ApiDevices | null>(null);
  const [loading, setLoading] = useState(false);
  const requestId = useRef(0);

  useEffect(() => {
    const id = ++requestId.current;
    setLoading(true);
    api
      .devices(medium, query)
      .then((r) => id === requestId.current && setResult(r))
      .catch(onError)
      .finally(() => id === requestId.current && setLoading(false));
  }, [medium, query, version]);

  // Search as you type, once typing pauses.
  useEffect(() => {
    if (searchText === query.search) return;
    const timer = setTimeout(() => setQuery((q) => ({ ...q, search: searchText, offset: 0 })), 250);
    return () => clearTimeout(timer);
  }, [searchText]);

  const sortBy = (key: SortKey) =>
    setQuery((q) => ({
      ...q,
      sort: key,
      order:
        q.sort === key
          ? q.order === 'asc'
            ? 'desc'
            : 'asc'
          : key === 'deviceId' || key === 'manufacturer'
            ? 'asc'
            : 'desc',
      offset: 0,
    }));

  const total = result?.total ?? 0;
  const rows = result?.rows ?? [];
  const first = total === 0 ? 0 : query.offset + 1;
  const lastShown = Math.min(total, query.offset + rows.length);
  const cols = columns(medium);

  return html`<section class="card table-card" data-testid=${`${medium}-table`} aria-busy=${loading}>
    <header class="table-head">
      <h2>${title} <span class="count" data-testid="table-total">${total}</span></h2>
      <input
        type="search"
        placeholder="Search id, manufacturer, ${medium === 'wifi' ? 'SSID' : 'name'}…"
        aria-label=${`Search ${title}`}
        data-testid="search"
        value=${searchText}
        onInput=${(e: Event) => setSearchText((e.target as HTMLInputElement).value)}
      />
    </header>
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            ${cols.map((c) =>
              c.key === null
                ? html`<th>${c.label}</th>`
                : html`<th
                    class=${c.className ?? ''}
                    aria-sort=${query.sort === c.key ? (query.order === 'asc' ? 'ascending' : 'descending') : 'none'}
                  >
                    <button type="button" data-testid=${`sort-${c.key}`} onClick=${() => sortBy(c.key!)}>
                      ${c.label}<span class="arrow"
                        >${query.sort === c.key ? (query.order === 'asc' ? ' ▲' : ' ▼') : ''}</span
                      >
                    </button>
                  </th>`,
            )}
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (d) =>
              html`<tr data-testid="row" data-device=${d.deviceId}>
                <td class="mono" data-col="deviceId" title=${d.deviceId}>
                  ${shortId(d.deviceId)}${d.randomized ? html` <span class="badge" title="Randomized address">random</span>` : null}
                </td>
                <td data-col="firstSeen">${dateTime(d.firstSeen)}</td>
                <td data-col="lastSeen">${dateTime(d.lastSeen)}</td>
                <td class="num" data-col="rssiMean">${rssi(d.rssiMean)}</td>
                <td class="num" data-col="rssiStd">${rssi(d.rssiStd)}</td>
                <td data-col="manufacturer">${d.manufacturer ?? '–'}</td>
                <td class="ssids" data-col="ssids">
                  ${d.ssids.map((ssid, i) => html`${i === 0 ? '' : ', '}<bdi>${ssid}</bdi>`)}
                </td>
                <td class="num" data-col="minutesSpent">${d.minutesSpent}</td>
              </tr>`,
          )}
          ${
            rows.length === 0 && !loading
              ? html`<tr>
                  <td colspan=${cols.length} class="empty">
                    ${query.search ? 'No device matches.' : 'No devices yet.'}
                  </td>
                </tr>`
              : null
          }
        </tbody>
      </table>
    </div>
    <footer class="pager">
      <span data-testid="page-info">${first}–${lastShown} of ${total}</span>
      <button
        type="button"
        data-testid="prev-page"
        disabled=${query.offset === 0}
        onClick=${() => setQuery((q) => ({ ...q, offset: Math.max(0, q.offset - q.limit) }))}
      >
        ‹ Previous
      </button>
      <button
        type="button"
        data-testid="next-page"
        disabled=${query.offset + query.limit >= total}
        onClick=${() => setQuery((q) => ({ ...q, offset: q.offset + q.limit }))}
      >
        Next ›
      </button>
    </footer>
  </section>`;
}
