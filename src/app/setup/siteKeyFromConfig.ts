import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AirtraceConfig } from '../../config/config.ts';
import { loadOrCreateSiteKey, parseSiteKey } from '../../adapters/identity/siteKeyFile.ts';

/**
 * The configured site key; without one, the key kept in `<dataDir>/site.key`, which this writes
 * (mode 0600) on the first run.
 */
export function siteKeyFromConfigOrKeyFile(config: AirtraceConfig): Uint8Array {
  if (config.site.key !== undefined) return parseSiteKey(config.site.key, 'site.key');
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  return loadOrCreateSiteKey(join(config.dataDir, 'site.key'));
}
