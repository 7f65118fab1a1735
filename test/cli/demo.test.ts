import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { repoRoot } from '../helpers/paths.ts';

test('demo refuses a non-loopback bind without a token, in one line', async () => {
  const result = await runCli(['demo', '--host', '0.0.0.0', '--port', '0']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /refusing to listen on 0\.0\.0\.0 without a token/);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
});

test('demo prints its URL, serves the API with the replayed data and stops on SIGTERM', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'airtrace-demo-cli-')), 'demo.db');
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'bin/airtrace.js'), 'demo', '--port', '0', '--db', db, '--speed', '6000'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  try {
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        const match = /airtrace dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      child.on('exit', (code) => reject(new Error(`demo exited ${code} before printing its URL`)));
    });
    // The URL comes first; the recording's history loads behind it.
    let summary = { totals: { wifi: 0, bluetooth: 0 } };
    for (const deadline = Date.now() + 30_000; summary.totals.wifi < 2000 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 200));
      summary = (await (await fetch(`${url}api/summary`)).json()) as typeof summary;
    }
    assert.ok(summary.totals.wifi > 2000, `wifi devices: ${summary.totals.wifi}`);
    assert.equal(summary.totals.bluetooth, 36, 'the real BLE scan adds its 36 advertisers');
    const health = (await (await fetch(`${url}healthz`)).json()) as { status: string };
    assert.equal(health.status, 'ok');
  } finally {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  }
});
