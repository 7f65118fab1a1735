import { createHash } from 'node:crypto';
import { redactAddressText } from '../../core/window/addressRedaction.ts';

/**
 * Where Home Assistant finds airtrace: discovery configs on
 * `<discoveryPrefix>/<component>/airtrace_<site>/<object id>/config` (retained), and the states
 * they point to under `<airtrace prefix>/<site>/homeassistant/...`:
 *
 *   .../homeassistant/availability    online | offline (retained; the last will of this connection)
 *   .../homeassistant/site            {"people":..,"wifi_devices":..,"ble_devices":..,"visitors_today":..,"day_start":..}
 *   .../homeassistant/site/people     {"low":..,"high":..,"provisional":..,"window_start":..} (the people sensor's attributes)
 *   .../homeassistant/zone/<slug>     {"people":..,"occupied":"ON"|"OFF"}
 *   .../homeassistant/sensor/<slug>   ON | OFF (sensors in the hub's own process only)
 *
 * No level holds a device id or an address: object ids come from the site, zone and sensor
 * names, and a name that holds an address is replaced by a hash of it. None of these topics ends
 * in window, status or ack at the sensor level, so none is mistaken for a sensor's.
 */
export interface HaScope {
  discoveryPrefix: string;
  /** `<airtrace prefix>/<site>/homeassistant`, the site percent-encoded as in the transport's topics. */
  stateRoot: string;
  /** `airtrace_<site slug>`: the node id level of every discovery topic, and the id prefix of every entity. */
  nodeId: string;
}

export type HaComponent = 'sensor' | 'binary_sensor';

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 6);
}

/**
 * An id for a topic level and an entity id made from a name: lower-case letters, digits and `_`.
 * A name that is not already such a slug gets a short hash of itself appended, so "Main Hall"
 * and "main hall" stay apart; a name that holds an address (a sensor named by its MAC) becomes
 * only a hash, so no address reaches a topic or an entity id.
 */
export function haSlug(name: string): string {
  if (redactAddressText(name) !== name) return `h${shortHash(name)}`;
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  if (slug === name && slug !== '') return slug;
  return slug === '' ? `h${shortHash(name)}` : `${slug}_${shortHash(name)}`;
}

/** A name as Home Assistant shows it: addresses written in it are taken out. */
export function haDisplayName(name: string): string {
  return redactAddressText(name).slice(0, 100);
}

export function haScope(discoveryPrefix: string, airtracePrefix: string, siteId: string): HaScope {
  return {
    discoveryPrefix,
    stateRoot: `${airtracePrefix}/${encodeURIComponent(siteId)}/homeassistant`,
    nodeId: `airtrace_${haSlug(siteId)}`,
  };
}

export function discoveryTopic(scope: HaScope, component: HaComponent, objectId: string): string {
  return `${scope.discoveryPrefix}/${component}/${scope.nodeId}/${objectId}/config`;
}

/** Every discovery config of this node, of any component: what is left of earlier runs. */
export function discoveryFilter(scope: HaScope): string {
  return `${scope.discoveryPrefix}/+/${scope.nodeId}/+/config`;
}

export const availabilityTopic = (scope: HaScope) => `${scope.stateRoot}/availability`;
export const siteStateTopic = (scope: HaScope) => `${scope.stateRoot}/site`;
export const peopleAttributesTopic = (scope: HaScope) => `${scope.stateRoot}/site/people`;
export const zoneStateTopic = (scope: HaScope, zoneSlug: string) => `${scope.stateRoot}/zone/${zoneSlug}`;
export const sensorStateTopic = (scope: HaScope, sensorSlug: string) =>
  `${scope.stateRoot}/sensor/${sensorSlug}`;
