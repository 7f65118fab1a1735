import type { AirtraceConfig } from '../../config/config.ts';
import { countingParamsOf, loadCountingConfig } from '../../config/countingConfig.ts';
import { createNodeMacHasher } from '../../adapters/identity/nodeMacHasher.ts';
import { defaultCountingParams, type CountingParams } from '../../core/occupancy/countingParams.ts';

/**
 * The hub's counting model from `hub.counting`. A fitted file's ignore list names MACs; they are
 * hashed with the site key so they match what sensors send (sensors and hub must share site.key).
 */
export function countingParamsFromConfig(
  config: AirtraceConfig,
  siteKey: Uint8Array,
): CountingParams | undefined {
  const choice = config.hub.counting;
  if (choice === 'off') return undefined;
  if (choice === 'default') return defaultCountingParams();
  return countingParamsOf(loadCountingConfig(choice), createNodeMacHasher(siteKey));
}
