import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AirtraceConfig } from '../../config/config.ts';
import { ConfigError } from '../../config/loadConfig.ts';
import { normaliseSensorId } from '../../core/positioning/probeLogLine.ts';
import { redactAddressText } from '../../core/window/addressRedaction.ts';
import { systemClock, type Clock } from '../../adapters/clock/clock.ts';
import { hubAvailability, type HaConnectivitySource } from '../../adapters/homeassistant/haEntities.ts';
import { HaPublisher } from '../../adapters/homeassistant/haPublisher.ts';
import { availabilityTopic, haScope } from '../../adapters/homeassistant/haTopics.ts';
import type { Store } from '../../adapters/storage/store.ts';
import { mqttClientId } from '../../adapters/transport/mqttBroker.ts';
import { sensorTopic } from '../../adapters/transport/topics.ts';
import { PACKAGE_ROOT, PROJECT_URL } from '../hub/dashboardFiles.ts';
import type { Hub } from '../hub/hub.ts';
import { HomeAssistantPart } from '../hub/homeAssistantPart.ts';
import type { HubPositioning } from '../hub/livePositioning.ts';
import type { ZoneOccupancy } from '../hub/zoneOccupancy.ts';
import { brokerOptions, topicScope } from './mqttSettings.ts';

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

export interface HomeAssistantSetup {
  config: AirtraceConfig;
  hub: Hub;
  store: Pick<Store, 'windows' | 'totals'>;
  positioning: HubPositioning | undefined;
  /**
   * The retained status of the hub's MQTT subscriber (`airtrace hub`), whose last will says the
   * hub is gone; undefined when windows come in-process (`airtrace run`).
   */
  hubStatusTopic: string | undefined;
  zones?: ZoneOccupancy;
  clock?: Clock;
  log: (line: string) => void;
}

/**
 * The Home Assistant part when `homeAssistant.enabled`: discovery on the mqtt broker, sensor
 * connectivity from each sensor's own last will where it has one (MQTT sensors, ESPresense nodes)
 * and from the hub otherwise (a sensor in the hub's process).
 */
export function homeAssistantFromConfig(setup: HomeAssistantSetup): HomeAssistantPart | undefined {
  const { config, hub, log } = setup;
  if (!config.homeAssistant.enabled) return undefined;
  const mqtt = config.mqtt;
  if (mqtt === undefined)
    throw new ConfigError(
      'homeAssistant.enabled: Home Assistant discovery goes through an MQTT broker: set mqtt.url or pass --mqtt',
    );
  const scope = haScope(config.homeAssistant.discoveryPrefix, mqtt.topicPrefix, config.site.id);
  const clock = setup.clock ?? systemClock;
  const espresenseRooms = new Map<string, string>();
  const site = setup.positioning?.site;
  if (config.espresense.enabled && site?.espresense !== undefined)
    for (const [room, sensor] of Object.entries(site.espresense.rooms))
      espresenseRooms.set(normaliseSensorId(sensor), room);
  const transportScope = topicScope(config, mqtt);
  const connectivity = (sensorId: string): HaConnectivitySource => {
    // A sensor named by its MAC has it in its own status topic: the hub relays that status instead.
    if (redactAddressText(sensorId) !== sensorId) return { kind: 'hub' };
    const room = espresenseRooms.get(normaliseSensorId(sensorId));
    if (room !== undefined && redactAddressText(room) === room)
      return { kind: 'espresense-status', topic: `${config.espresense.topicPrefix}/rooms/${room}/status` };
    if (setup.hubStatusTopic !== undefined)
      return { kind: 'airtrace-status', topic: sensorTopic(transportScope, sensorId, 'status') };
    return { kind: 'hub' };
  };
  const publisher = new HaPublisher({
    broker: brokerOptions(mqtt),
    clientId: mqttClientId('homeassistant', config.site.id, 'hub'),
    scope,
    ...(config.homeAssistant.statusTopic === undefined
      ? {}
      : { statusTopic: config.homeAssistant.statusTopic }),
    // Three windows: sensors of the last run are heard again before their entities are judged gone.
    staleAfterMs: 3 * config.windowSeconds * 1000,
    clock,
    log,
  });
  return new HomeAssistantPart({
    events: hub.events,
    publisher,
    scope,
    site: { id: config.site.id, name: config.site.name, swVersion: PACKAGE_VERSION, supportUrl: PROJECT_URL },
    store: setup.store,
    ratio: config.hub.ratio,
    windowSeconds: config.windowSeconds,
    heardSensors: () => hub.sensors(),
    siteSensors: (site?.sensors ?? []).map((s) => ({
      id: s.id,
      ...(s.label === undefined ? {} : { label: s.label }),
    })),
    connectivity,
    availability: hubAvailability(availabilityTopic(scope), setup.hubStatusTopic),
    ...(setup.zones === undefined ? {} : { zones: setup.zones }),
    clock,
    log,
  });
}
