import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AirtraceConfig } from '../../config/config.ts';
import { checkBindSecurity } from '../../adapters/http/auth.ts';
import { buildServer } from '../../adapters/http/server.ts';
import type { Store } from '../../adapters/storage/store.ts';
import { InProcessBus } from '../../adapters/transport/inProcessBus.ts';
import { PROJECT_URL, WEB_ROOT } from './dashboardFiles.ts';
import { countingParamsFromConfig } from './countingParamsFromConfig.ts';
import { Hub } from './hub.ts';
import { livePositioningFromConfig } from './livePositioningSetup.ts';
import { siteKeyFromConfigOrKeyFile } from '../setup/siteKeyFromConfig.ts';

const DAY = 86_400;

export interface HubAppOptions {
  config: AirtraceConfig;
  store: Store;
  log: (line: string) => void;
  /** Starts feeding the hub's bus from elsewhere (MQTT); returns how to stop it. */
  attachSource?: (bus: InProcessBus, hub: Hub) => Promise<() => Promise<void>>;
}

export interface RunningHub {
  url: string;
  hub: Hub;
  bus: InProcessBus;
  server: FastifyInstance;
  stop(): Promise<void>;
}

/** The hub: store, bus, ingest, dashboard and API, retention; sources attach to its bus. */
export async function startHubApp(options: HubAppOptions): Promise<RunningHub> {
  const { config, store, log } = options;
  const { host, port, token } = config.hub.http;
  checkBindSecurity(host, token);
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const counting = countingParamsFromConfig(config, siteKeyFromConfigOrKeyFile(config));
  const positioning = await livePositioningFromConfig(config, log);
  const bus = new InProcessBus((error) => log(`bus listener failed: ${(error as Error).message}`));
  const hub = new Hub({
    store,
    bus,
    siteName: config.site.name,
    windowSeconds: config.windowSeconds,
    ratio: config.hub.ratio,
    exportDir: join(dataDir, 'exports'),
    log,
    ...(counting === undefined ? {} : { counting }),
    ...(positioning === undefined ? {} : { positioning }),
  });
  hub.start();
  const detach = options.attachSource === undefined ? undefined : await options.attachSource(bus, hub);
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

  const retentionDays = config.hub.retentionDays;
  const applyRetention = async () => {
    if (retentionDays <= 0) return;
    const removed = await store.deleteOlderThan(Date.now() / 1000 - retentionDays * DAY);
    if (removed.windows > 0)
      log(`retention: removed ${removed.windows} windows older than ${retentionDays} days`);
  };
  await applyRetention();
  const retentionTimer = setInterval(
    () => void applyRetention().catch((e: Error) => log(`retention failed: ${e.message}`)),
    3600_000,
  );
  retentionTimer.unref();

  return {
    url,
    hub,
    bus,
    server,
    async stop() {
      clearInterval(retentionTimer);
      await detach?.();
      await server.close();
      await hub.stop();
      await store.close();
    },
  };
}
