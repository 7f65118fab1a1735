/** The places a privacy scan searches, by name, and the check that none holds an address. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findNeedles, needlesFor } from './leakScanner.ts';
import type { Plant } from './plantedCaptures.ts';

export type Artifacts = Map<string, Buffer>;

/** Every address found, and where. */
export function scan(artifacts: Artifacts, plants: readonly Plant[]): { place: string; found: string }[] {
  const needles = needlesFor(plants);
  const findings: { place: string; found: string }[] = [];
  for (const [place, bytes] of artifacts)
    for (const found of findNeedles(bytes, needles)) findings.push({ place, found });
  return findings;
}

/** Fails listing, per place, how many addresses were found and the first few. */
export function assertClean(artifacts: Artifacts, plants: readonly Plant[]): void {
  const byPlace = new Map<string, string[]>();
  for (const { place, found } of scan(artifacts, plants))
    byPlace.set(place, [...(byPlace.get(place) ?? []), found]);
  if (byPlace.size === 0) return;
  const lines = [...byPlace].map(
    ([place, found]) => `${place}: ${found.length} found, e.g. ${found.slice(0, 3).join('; ')}`,
  );
  assert.fail(`addresses found in ${byPlace.size} of ${artifacts.size} places:\n${lines.join('\n')}`);
}

/** Every file under `dir` (the database, its WAL, outboxes, saved exports, key files). */
export function filesUnder(dir: string, artifacts: Artifacts, prefix: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir, { recursive: true }).map(String)) {
    const path = join(dir, name);
    if (statSync(path).isFile()) artifacts.set(`${prefix}${name}`, readFileSync(path));
  }
}
