import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { benchApiLatency } from './apiLatency.ts';
import { benchHubIngest } from './hubIngest.ts';
import { benchIngest } from './ingest.ts';
import { benchPositioning } from './positioning.ts';
import { formatResult, type BenchResult } from './result.ts';

/** `npm run bench [name...]`: each benchmark prints its figure and its ratio to a reference measured in this run. */
const benches: Record<string, (outDir: string, log: (line: string) => void) => Promise<BenchResult[]>> = {
  ingest: benchIngest,
  api: benchApiLatency,
  hub: benchHubIngest,
  positioning: benchPositioning,
};

const selected = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const outDir = process.env['AIRTRACE_BENCH_DIR'] ?? join(tmpdir(), 'airtrace-bench');
const log = (line: string) => process.stderr.write(`  ${line}\n`);
const results: BenchResult[] = [];
for (const [name, run] of Object.entries(benches)) {
  if (selected.length > 0 && !selected.includes(name)) continue;
  process.stderr.write(`bench ${name}\n`);
  for (const result of await run(outDir, log)) {
    results.push(result);
    process.stdout.write(`${formatResult(result)}\n`);
  }
}
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(results)}\n`);
