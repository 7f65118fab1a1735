import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { formatResult, type BenchResult } from './result.ts';

type Bench = (outDir: string, log: (line: string) => void) => Promise<BenchResult[]>;

/**
 * `npm run bench [name...]`: each benchmark prints its figure and its ratio to a reference
 * measured in this run. Each bench's modules are loaded only when its turn comes: loading the
 * HTTP, MQTT and PostgreSQL stacks beforehand measurably slows the ingest hot path (V8 and GC
 * see a much bigger heap), which would misstate what a sensor does.
 */
const benches: Record<string, () => Promise<Bench>> = {
  ingest: async () => (await import('./ingest.ts')).benchIngest,
  api: async () => (await import('./apiLatency.ts')).benchApiLatency,
  hub: async () => (await import('./hubIngest.ts')).benchHubIngest,
  positioning: async () => (await import('./positioning.ts')).benchPositioning,
  history: async () => (await import('./history.ts')).benchHistory,
  estimator: async () => (await import('./peopleEstimator.ts')).benchPeopleEstimator,
};

const selected = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = selected.filter((name) => !(name in benches));
if (unknown.length > 0) {
  process.stderr.write(`unknown bench ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}\n`);
  process.exit(2);
}
const outDir = process.env['AIRTRACE_BENCH_DIR'] ?? join(tmpdir(), 'airtrace-bench');
const log = (line: string) => process.stderr.write(`  ${line}\n`);
const results: BenchResult[] = [];
for (const [name, load] of Object.entries(benches)) {
  if (selected.length > 0 && !selected.includes(name)) continue;
  process.stderr.write(`bench ${name}\n`);
  for (const result of await (
    await load()
  )(outDir, log)) {
    results.push(result);
    process.stdout.write(`${formatResult(result)}\n`);
  }
}
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(results)}\n`);
