import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { validateConfig, type AirtraceConfig } from './config.ts';
import { formatIssues } from './configIssues.ts';

export class ConfigError extends Error {}

/** Reads a YAML or JSON config file (JSON is YAML too); refuses to go on with any problem, listing all. */
export function loadConfig(path: string | undefined): AirtraceConfig {
  let input: unknown = {};
  if (path !== undefined) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ConfigError(`${path}: ${(error as Error).message}`);
    }
    try {
      input = parseYaml(text) ?? {};
    } catch (error) {
      throw new ConfigError(`${path}: not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const result = validateConfig(input);
  if (!result.ok) throw new ConfigError(formatIssues(path ?? 'configuration', result.issues));
  return result.config;
}
