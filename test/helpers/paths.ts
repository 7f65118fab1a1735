import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The shared recordings: present where the project is developed and in CI, not in a user's clone. */
export const sharedData = resolve(repoRoot, '../shared/data');
export const hasSharedData = existsSync(sharedData);
export const demoCapture = join(repoRoot, 'demo-data/brno-sc6-61_2022-10-18.pcap');
export const fixtures = join(repoRoot, 'test/fixtures');

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

export const SKIP_NO_SHARED = hasSharedData ? false : 'needs ../shared/data (present in development and CI)';
export const SKIP_NO_TSHARK = hasCommand('tshark') ? false : 'needs tshark (apt-get install tshark)';
