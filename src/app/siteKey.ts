import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AirtraceConfig } from '../config/config.ts';
import { loadOrCreateSiteKey, parseSiteKey } from '../adapters/identity/siteKeyFile.ts';

/** The configured site key, or the one generated on first run and kept in the data folder. */
export function siteKeyFor(config: AirtraceConfig): Uint8Array {
  if (config.site.key !== undefined) return parseSiteKey(config.site.key, 'site.key');
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  return loadOrCreateSiteKey(join(config.dataDir, 'site.key'));
}
