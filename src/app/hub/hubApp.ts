import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AirtraceConfig } from '../../config/config.ts';
import { checkBindSecurity } from '../../adapters/http/auth.ts';
import { buildServer } from '../../adapters/http/server.ts';
import type { Store } from '../../adapters/storage/store.ts';
import type { WindowSubscriber } from '../../adapters/transport/transport.ts';
import type { Clock } from '../../adapters/clock/clock.ts';
import { combineSubscribers } from '../../adapters/transport/combinedSubscriber.ts';
import { espresenseSubscriberFromConfig } from '../setup/espresenseFromConfig.ts';
import { siteKeyFromConfigOrKeyFile } from '../setup/siteKeyFromConfig.ts';
import { countingParamsFromConfig } from './countingParamsFromConfig.ts';
import { PROJECT_URL, WEB_ROOT } from './dashboardFiles.ts';
import { homeAssistantFromConfig } from '../setup/homeAssistantFromConfig.ts';
import type { HomeAssistantPart } from './homeAssistantPart.ts';
import { Hub } from './hub.ts';
import { livePositioningFromConfig } from './livePositioningSetup.ts';
import type { ZoneOccupancy } from './zoneOccupancy.ts';

export interface HubAppOptions {
  config: AirtraceConfig;
  store: Store;
  /** Where windows come from: MQTT (`airtrace hub`) or the in-process transport (`airtrace run`). */
  subscriber: WindowSubscriber;
  log: (line: string) => void;
  clock?: Clock;
  /** The MQTT subscriber's retained hub status (`airtrace hub`): Home Assistant's availability follows it too. */
  hubStatusTopic?: string;
  /** The zones model, for per-zone Home Assistant entities. */
  zones?: ZoneOccupancy;
}

export interface RunningHub {
  url: string;
  hub: Hub;
  server: FastifyInstance;
  /** The Home Assistant part, when homeAssistant.enabled. */
  homeAssistant: HomeAssistantPart | undefined;
  stop(): Promise<void>;
}

/** The hub as configured: store, parts, dashboard and API. */
export async function startHubApp(options: HubAppOptions): Promise<RunningHub> {
  const { config, store, log } = options;
  const { host, port, token } = config.hub.http;
  checkBindSecurity(host, token);
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const siteKey = siteKeyFromConfigOrKeyFile(config);
  const counting = countingParamsFromConfig(config, siteKey);
  const positioning = await livePositioningFromConfig(config, log);
  const espresense = espresenseSubscriberFromConfig(config, positioning, siteKey, log, options.clock);
  const hub = new Hub({
    store,
    subscriber: combineSubscribers([options.subscriber, ...(espresense === undefined ? [] : [espresense])]),
    siteName: config.site.name,
    windowSeconds: config.windowSeconds,
    ratio: config.hub.ratio,
    exportDir: join(dataDir, 'exports'),
    retentionDays: config.hub.retentionDays,
    visitors: { minDwellMinutes: config.hub.history.visitorMinutes, minRssi: config.hub.history.visitorRssi },
    maxWindowAgeSeconds:
      86_400 *
      (config.hub.retentionDays > 0
        ? Math.min(config.hub.retentionDays, config.hub.maxWindowAgeDays)
        : config.hub.maxWindowAgeDays),
    log,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(counting === undefined ? {} : { counting }),
    ...(positioning === undefined ? {} : { positioning }),
  });
  const homeAssistant = homeAssistantFromConfig({
    config,
    hub,
    store,
    positioning,
    hubStatusTopic: options.hubStatusTopic,
    log,
    ...(options.zones === undefined ? {} : { zones: options.zones }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  homeAssistant?.start();
  if (store.timeZone !== config.hub.history.timeZone)
    log(
      `the database keeps its history in ${store.timeZone} (where it was started), not ${config.hub.history.timeZone}: ` +
        'hours and days stay in its zone so one history never mixes two calendars',
    );
  await hub.start();
  const server = await buildServer({
    hub,
    webRoot: WEB_ROOT,
    projectUrl: PROJECT_URL,
    ...(token === undefined ? {} : { token }),
  });
  await server.listen({ host, port });
  const address = server.server.address();
  const url =
    address !== null && typeof address !== 'string'
      ? `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/`
      : '';
  return {
    url,
    hub,
    server,
    homeAssistant,
    async stop() {
      await server.close();
      await homeAssistant?.stop();
      await hub.stop();
      await store.close();
    },
  };
}
