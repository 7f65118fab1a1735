import { dirname, resolve } from 'node:path';
import type { AirtraceConfig } from '../../config/config.ts';
import { ConfigError } from '../../config/loadConfig.ts';
import { formatSiteIssues, loadSite, positioningSites } from '../../config/site.ts';
import { isMethodName } from '../../core/positioning/methods.ts';
import type { HubPositioning } from './livePositioning.ts';

/** Live positioning for the hub from `hub.siteFile`, or undefined when there is none. */
export async function livePositioningFromConfig(
  config: AirtraceConfig,
  log: (line: string) => void,
): Promise<HubPositioning | undefined> {
  const path = config.hub.siteFile;
  if (path === undefined) return undefined;
  return loadLivePositioning(path, config.positioning.windowSeconds, config.positioning.method, log);
}

export async function loadLivePositioning(
  path: string,
  windowSeconds: number,
  method: string | undefined,
  log: (line: string) => void,
): Promise<HubPositioning> {
  const loaded = await loadSite(path);
  if (!loaded.ok)
    throw new ConfigError(`${path}: ${loaded.errors.length} problem(s):\n${formatSiteIssues(loaded.errors)}`);
  for (const warning of loaded.warnings) log(`site file: ${warning.path}: ${warning.message}`);
  if (method !== undefined && !isMethodName(method))
    throw new ConfigError(`positioning.method: unknown method ${method}`);
  const floors = positioningSites(loaded.site);
  if (floors.length > 1)
    log(`site file: ${floors.length} floors; live positioning uses the first (${floors[0]!.floor})`);
  return {
    site: loaded.site,
    positioningSite: floors[0]!.site,
    siteDir: dirname(resolve(path)),
    windowSeconds,
    ...(method === undefined ? {} : { method }),
  };
}
