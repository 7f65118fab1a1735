import {
  discoveryTopic,
  haDisplayName,
  haSlug,
  peopleAttributesTopic,
  sensorStateTopic,
  siteStateTopic,
  zoneStateTopic,
  type HaComponent,
  type HaScope,
} from './haTopics.ts';

/**
 * The discovery configs Home Assistant's MQTT integration reads (home-assistant.io, "MQTT",
 * "MQTT Sensor", "MQTT Binary Sensor"): one retained JSON config per entity, with a `unique_id`,
 * the `device` it belongs to, the `origin` that published it, where its state is and when it is
 * available. Values in, configs out: nothing here talks to a broker.
 */

export interface HaSite {
  id: string;
  name: string;
  swVersion: string;
  supportUrl: string;
}

/** One availability topic of an entity; a JSON payload needs a template that says online or offline. */
export interface HaAvailability {
  topic: string;
  value_template?: string;
}

export interface HaEntity {
  component: HaComponent;
  objectId: string;
  /** Its discovery topic. */
  topic: string;
  config: Record<string, unknown>;
  /** Retained state topics that only this entity reads: cleared with it when it goes. */
  ownStateTopics: string[];
}

/**
 * The hub's availability: its Home Assistant connection's last will, and (for `airtrace hub`)
 * the retained status of the hub's MQTT subscriber with its last will. Both must say online.
 */
export function hubAvailability(haAvailabilityTopic: string, hubStatusTopic?: string): HaAvailability[] {
  return [
    { topic: haAvailabilityTopic },
    ...(hubStatusTopic === undefined
      ? []
      : [{ topic: hubStatusTopic, value_template: "{{ 'online' if value_json.online else 'offline' }}" }]),
  ];
}

function hubDevice(scope: HaScope, site: HaSite): Record<string, unknown> {
  return {
    identifiers: [scope.nodeId],
    name: `airtrace ${haDisplayName(site.name)}`,
    manufacturer: 'airtrace',
    model: 'hub',
    sw_version: site.swVersion,
  };
}

function entity(
  scope: HaScope,
  site: HaSite,
  component: HaComponent,
  objectId: string,
  fields: Record<string, unknown>,
  ownStateTopics: string[] = [],
): HaEntity {
  return {
    component,
    objectId,
    topic: discoveryTopic(scope, component, objectId),
    ownStateTopics,
    config: {
      unique_id: `${scope.nodeId}_${objectId}`,
      // Home Assistant 2025.10 replaced object_id with default_entity_id (the domain included).
      default_entity_id: `${component}.${scope.nodeId}_${objectId}`,
      has_entity_name: true,
      origin: { name: 'airtrace', sw_version: site.swVersion, support_url: site.supportUrl },
      device: hubDevice(scope, site),
      ...fields,
    },
  };
}

function availabilityFields(availability: readonly HaAvailability[]): Record<string, unknown> {
  return availability.length === 0 ? {} : { availability, availability_mode: 'all' };
}

/** The site's people estimate (with its interval), device counts and visitors today. */
export function siteEntities(
  scope: HaScope,
  site: HaSite,
  availability: readonly HaAvailability[],
): HaEntity[] {
  const state = siteStateTopic(scope);
  const common = { state_topic: state, ...availabilityFields(availability) };
  return [
    entity(scope, site, 'sensor', 'people', {
      name: 'People',
      ...common,
      value_template: '{{ value_json.people }}',
      unit_of_measurement: 'people',
      state_class: 'measurement',
      icon: 'mdi:account-group',
      json_attributes_topic: peopleAttributesTopic(scope),
    }),
    entity(scope, site, 'sensor', 'wifi_devices', {
      name: 'Wi-Fi devices',
      ...common,
      value_template: '{{ value_json.wifi_devices }}',
      unit_of_measurement: 'devices',
      state_class: 'measurement',
      icon: 'mdi:wifi',
    }),
    entity(scope, site, 'sensor', 'ble_devices', {
      name: 'Bluetooth devices',
      ...common,
      value_template: '{{ value_json.ble_devices }}',
      unit_of_measurement: 'devices',
      state_class: 'measurement',
      icon: 'mdi:bluetooth',
    }),
    // A total over the day: it starts again at local midnight (last_reset), and may be revised
    // down within the day, which total_increasing would take for a reset.
    entity(scope, site, 'sensor', 'visitors_today', {
      name: 'Visitors today',
      ...common,
      value_template: '{{ value_json.visitors_today }}',
      unit_of_measurement: 'people',
      state_class: 'total',
      last_reset_value_template: '{{ value_json.day_start }}',
      icon: 'mdi:account-arrow-right',
    }),
  ];
}

/** A zone's people count and whether anyone is in it. */
export function zoneEntities(
  scope: HaScope,
  site: HaSite,
  zoneName: string,
  availability: readonly HaAvailability[],
): HaEntity[] {
  const slug = haSlug(zoneName);
  const state = zoneStateTopic(scope, slug);
  const name = haDisplayName(zoneName);
  const common = { state_topic: state, ...availabilityFields(availability) };
  return [
    entity(
      scope,
      site,
      'sensor',
      `zone_${slug}_people`,
      {
        name: `${name} people`,
        ...common,
        value_template: '{{ value_json.people }}',
        unit_of_measurement: 'people',
        state_class: 'measurement',
        icon: 'mdi:account-group',
      },
      [state],
    ),
    entity(scope, site, 'binary_sensor', `zone_${slug}_occupancy`, {
      name: `${name} occupancy`,
      ...common,
      device_class: 'occupancy',
      value_template: '{{ value_json.occupied }}',
      payload_on: 'ON',
      payload_off: 'OFF',
    }),
  ];
}

/** Where a sensor's connectivity comes from. */
export type HaConnectivitySource =
  /** An airtrace sensor over MQTT: its retained status, `{"online":...}`, which is also its last will. */
  | { kind: 'airtrace-status'; topic: string }
  /** An ESPresense node: its retained `online`/`offline`, also its last will. */
  | { kind: 'espresense-status'; topic: string }
  /** A sensor in the hub's own process: the hub says ON or OFF, and is available as the hub is. */
  | { kind: 'hub' };

export interface HaSensorRef {
  id: string;
  /** Shown instead of the id when the site file gives one. */
  label?: string;
}

/** A sensor's connectivity, on a device of its own (through the hub). */
export function sensorEntity(
  scope: HaScope,
  site: HaSite,
  sensor: HaSensorRef,
  source: HaConnectivitySource,
  availability: readonly HaAvailability[],
): HaEntity {
  const slug = haSlug(sensor.id);
  const objectId = `sensor_${slug}_connectivity`;
  const stateFields =
    source.kind === 'airtrace-status'
      ? { state_topic: source.topic, value_template: "{{ 'ON' if value_json.online else 'OFF' }}" }
      : source.kind === 'espresense-status'
        ? { state_topic: source.topic, payload_on: 'online', payload_off: 'offline' }
        : { state_topic: sensorStateTopic(scope, slug), ...availabilityFields(availability) };
  const made = entity(
    scope,
    site,
    'binary_sensor',
    objectId,
    { name: 'Connectivity', device_class: 'connectivity', entity_category: 'diagnostic', ...stateFields },
    source.kind === 'hub' ? [sensorStateTopic(scope, slug)] : [],
  );
  made.config['device'] = {
    identifiers: [`${scope.nodeId}_sensor_${slug}`],
    name: `airtrace sensor ${haDisplayName(sensor.label ?? sensor.id)}`,
    manufacturer: source.kind === 'espresense-status' ? 'ESPresense' : 'airtrace',
    model: source.kind === 'espresense-status' ? 'ESPresense node' : 'sensor',
    via_device: scope.nodeId,
  };
  return made;
}
