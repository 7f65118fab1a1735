import { createHmac } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AirtraceConfig } from '../../config/config.ts';
import { parseSiteKey, SiteKeyError } from '../../adapters/identity/siteKeyFile.ts';
import { fail, pass, type CheckResult } from './doctorCheck.ts';

const TITLE = 'site key present, mode 0600';

/**
 * What a machine can say about its site key without saying the key: an HMAC of a fixed text
 * under it. Machines with the same key have the same fingerprint; the key cannot be had back.
 */
export function siteKeyFingerprint(key: Uint8Array): string {
  return createHmac('sha256', Buffer.from(key))
    .update('airtrace site key fingerprint v1')
    .digest('hex')
    .slice(0, 16);
}

export type KeyLookup =
  { ok: true; key: Uint8Array; result: CheckResult } | { ok: false; result: CheckResult };

const mode = (m: number) => (m & 0o777).toString(8).padStart(4, '0');

/**
 * The site key: in the config (which must then be readable by the service alone: no access for
 * others, no writing by the group) or in `<dataDir>/site.key` with mode 0600. Sensors must have
 * it in their config, since each would otherwise make up its own.
 */
export function siteKeyCheck(
  config: AirtraceConfig,
  configPath: string | undefined,
  role: string,
): KeyLookup {
  if (config.site.key !== undefined) {
    const key = parseSiteKey(config.site.key, 'site.key');
    if (configPath === undefined)
      return { ok: true, key, result: pass('site-key', TITLE, 'given in the configuration') };
    const m = statSync(configPath).mode;
    if ((m & 0o027) !== 0)
      return {
        ok: false,
        result: fail(
          'site-key',
          TITLE,
          `the key is in ${configPath}, which is mode ${mode(m)}: others can read it`,
          `\`sudo chmod 600 ${configPath}\` (or 640 with \`sudo chown root:airtrace ${configPath}\` for the service user)`,
        ),
      };
    return { ok: true, key, result: pass('site-key', TITLE, `in ${configPath} (mode ${mode(m)})`) };
  }
  const path = join(config.dataDir, 'site.key');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    const fix =
      role === 'sensor'
        ? "sensors must share the hub's key: copy site.key from the hub's config (or its data folder's site.key) into this config under site:"
        : 'start the hub once (it writes the key with mode 0600), or generate one: `openssl rand -hex 32` into site.key of the config';
    return { ok: false, result: fail('site-key', TITLE, `no site.key in the config and no ${path}`, fix) };
  }
  let key: Uint8Array;
  try {
    key = parseSiteKey(text.trim(), path);
  } catch (error) {
    if (!(error instanceof SiteKeyError)) throw error;
    return {
      ok: false,
      result: fail('site-key', TITLE, error.message, `replace it: \`openssl rand -hex 32 > ${path}\``),
    };
  }
  const m = statSync(path).mode;
  if ((m & 0o077) !== 0)
    return {
      ok: false,
      result: fail(
        'site-key',
        TITLE,
        `${path} is mode ${mode(m)}`,
        `\`chmod 600 ${path}\`: the key makes device ids irreversible`,
      ),
    };
  return { ok: true, key, result: pass('site-key', TITLE, `${path} (mode ${mode(m)})`) };
}
