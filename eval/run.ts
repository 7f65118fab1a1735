import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run eval [positioning|occupancy]`: the accuracy harnesses on the real recordings in
 * ../shared/data, each printing its figures and writing its report (with plots) to eval/out/.
 */
const here = dirname(fileURLToPath(import.meta.url));
const harnesses = ['positioning', 'occupancy', 'soak'].filter((name) =>
  existsSync(join(here, name, 'run.ts')),
);
const selected = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
let failed = false;
for (const name of harnesses) {
  if (selected.length > 0 && !selected.includes(name)) continue;
  process.stderr.write(`\n== eval ${name}\n`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--expose-gc', join(here, name, 'run.ts'), ...flags],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
