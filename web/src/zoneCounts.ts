import { html } from 'htm/preact';
import type { ApiZoneOccupancy } from './api.ts';
import { plural, shortId } from './format.ts';
import './zones.css';

/** Ids shown per zone; the rest are counted. */
const IDS_SHOWN = 4;

function DeviceIds({ ids }: { ids: string[] }) {
  if (ids.length === 0) return null;
  const rest = ids.length - IDS_SHOWN;
  return html`<span class="zone-devices">
    ${ids.slice(0, IDS_SHOWN).map((id) => html`<code title=${id}>${shortId(id)}</code>`)}
    ${rest > 0 ? ` +${rest}` : ''}
  </span>`;
}

/**
 * Devices and people per zone now, and which devices are in each (hashed ids; zone names come
 * from the site file and are only ever text). People: a person's rotating addresses count once.
 */
export function ZoneCounts({ occupancy }: { occupancy: ApiZoneOccupancy }) {
  const idsIn = (zone: string | null) =>
    occupancy.devices.filter((d) => d.zone === zone).map((d) => d.deviceId);
  const rows = [
    ...occupancy.zones.map((z) => ({
      key: z.zone,
      name: z.zone,
      devices: z.devices,
      people: z.people,
      ids: idsIn(z.zone),
    })),
    ...(occupancy.elsewhere.devices > 0
      ? [
          {
            key: '',
            name: 'Elsewhere',
            devices: occupancy.elsewhere.devices,
            people: occupancy.elsewhere.people,
            ids: idsIn(null),
          },
        ]
      : []),
  ];
  return html`<table class="zone-counts" data-testid="zone-counts">
    <caption>
      Per zone, devices placed in the last ${plural(occupancy.maxAgeSeconds, 'second', 'seconds')}
    </caption>
    <thead>
      <tr>
        <th scope="col">Zone</th>
        <th scope="col">Devices</th>
        <th scope="col">People</th>
        <th scope="col">Which</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr
            data-testid="zone-count"
            data-zone=${r.key}
            data-devices=${r.devices}
            data-people=${r.people}
          >
            <th scope="row">${r.name}</th>
            <td>${r.devices}</td>
            <td>${r.people}</td>
            <td><${DeviceIds} ids=${r.ids} /></td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
