import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { repoRoot } from '../helpers/paths.ts';

/** The project's own lint configuration on a line of code placed at `filePath`. */
async function rulesBroken(code: string, filePath: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repoRoot });
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

test('the core imports nothing outside the core', async () => {
  for (const spec of ['../../adapters/storage/store.ts', '../app/hub/hub.ts', '../../config/site.ts']) {
    const broken = await rulesBroken(
      `import { x } from '${spec}';\nexport const y = x;\n`,
      'src/core/window/probe.ts',
    );
    assert.ok(
      broken.some((m) => m.includes('src/core imports nothing outside src/core')),
      `${spec}: ${broken}`,
    );
  }
  const io = await rulesBroken(
    `import { readFileSync } from 'node:fs';\nexport const y = readFileSync;\n`,
    'src/core/probe.ts',
  );
  assert.ok(
    io.some((m) => m.includes('src/core must stay pure')),
    io.join('; '),
  );
  const inside = await rulesBroken(
    `import { x } from '../frames/radiotap.ts';\nexport const y = x;\n`,
    'src/core/window/probe.ts',
  );
  assert.deepEqual(inside, [], 'imports within the core are fine');
});

test('adapters and config import nothing from the app', async () => {
  for (const [spec, file] of [
    ['../../app/hub/hub.ts', 'src/adapters/http/probe.ts'],
    ['../app/setup/mqttSettings.ts', 'src/config/probe.ts'],
  ] as const) {
    const broken = await rulesBroken(`import { x } from '${spec}';\nexport const y = x;\n`, file);
    assert.ok(
      broken.some((m) => m.includes('import nothing from src/app')),
      `${file}: ${broken}`,
    );
  }
  const fine = await rulesBroken(
    `import { x } from '../storage/store.ts';\nexport const y = x;\n`,
    'src/adapters/http/probe.ts',
  );
  assert.deepEqual(fine, []);
});
