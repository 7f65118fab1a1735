import type { AirtraceConfig } from '../../config/config.ts';
import { espresenseRoomProblems } from '../../config/espresenseSite.ts';
import { ConfigError } from '../../config/loadConfig.ts';
import { expectedRssi, toReference } from '../../core/positioning/pathLoss.ts';
import { DOCUMENT_PATH_LOSS, type PositioningSite } from '../../core/positioning/positioningSite.ts';
import { DEFAULT_FREQUENCY_MHZ } from '../../core/positioning/frequency.ts';
import { normaliseSensorId } from '../../core/positioning/probeLogLine.ts';
import type { Clock } from '../../adapters/clock/clock.ts';
import { EspresenseSubscriber } from '../../adapters/espresense/espresenseSubscriber.ts';
import { createNodeMacHasher } from '../../adapters/identity/nodeMacHasher.ts';
import { mqttClientId } from '../../adapters/transport/mqttBroker.ts';
import type { HubPositioning } from '../hub/livePositioning.ts';
import { brokerOptions } from './mqttSettings.ts';

/**
 * The RSSI the hub's model expects at `metres` from a sensor: what makes the locator read back
 * an ESPresense node's own distance estimate (its per-device calibration) through the same
 * path-loss model it applies to airtrace sensors.
 */
function rssiAtDistanceFor(site: PositioningSite): (sensorId: string, metres: number) => number | undefined {
  const byId = new Map(site.sensors.map((s) => [s.id, s]));
  return (sensorId, metres) => {
    const sensor = byId.get(normaliseSensorId(sensorId));
    if (sensor === undefined) return undefined;
    const model = toReference(
      sensor.pathLoss ?? site.pathLoss ?? DOCUMENT_PATH_LOSS,
      DEFAULT_FREQUENCY_MHZ.ble,
    );
    return expectedRssi(model, metres);
  };
}

/**
 * ESPresense nodes as sensors, when `espresense.enabled`: on the mqtt broker, each room mapped to
 * a sensor by the site file's `espresense.rooms`. Refuses to start with every mapping problem
 * listed.
 */
export function espresenseSubscriberFromConfig(
  config: AirtraceConfig,
  positioning: HubPositioning | undefined,
  siteKey: Uint8Array,
  log: (line: string) => void,
  clock?: Clock,
): EspresenseSubscriber | undefined {
  if (!config.espresense.enabled) return undefined;
  if (config.mqtt === undefined)
    throw new ConfigError(
      'espresense.enabled: ESPresense nodes publish to an MQTT broker: set mqtt.url or pass --mqtt',
    );
  const site = positioning?.site;
  if (site === undefined || positioning === undefined)
    throw new ConfigError(
      'espresense.enabled: the nodes are sensors of the site file: set hub.siteFile to one with an espresense.rooms section',
    );
  if (site.espresense === undefined)
    throw new ConfigError(
      `${config.hub.siteFile}: espresense.enabled needs an "espresense": {"rooms": {"<room>": "<sensor id>"}} section`,
    );
  const problems = espresenseRoomProblems(
    site.espresense,
    site.sensors.map((s) => s.id),
  );
  if (problems.length > 0)
    throw new ConfigError(
      `${config.hub.siteFile}: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p.path}: ${p.message} (${p.hint})`).join('\n')}`,
    );
  return new EspresenseSubscriber({
    broker: brokerOptions(config.mqtt),
    clientId: mqttClientId('espresense', config.site.id, 'hub'),
    topicPrefix: config.espresense.topicPrefix,
    rooms: new Map(Object.entries(site.espresense.rooms)),
    hashId: createNodeMacHasher(siteKey),
    windowSeconds: config.windowSeconds,
    ...(config.positioning.enabled
      ? {
          positioning: {
            windowSeconds: positioning.windowSeconds,
            rssiAtDistance: rssiAtDistanceFor(positioning.positioningSite),
          },
        }
      : {}),
    log,
    ...(clock === undefined ? {} : { clock }),
  });
}
