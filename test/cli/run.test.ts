import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteRows } from '../helpers/sqliteRows.ts';
import { runCli } from '../helpers/cli.ts';
import { demoCapture, hasCommand, repoRoot } from '../helpers/paths.ts';

const SKIP_NO_DUMPCAP = hasCommand('dumpcap') ? false : 'needs dumpcap (apt-get install tshark)';
const KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

test(
  'airtrace run: dumpcap on a FIFO of real bytes stores the same windows as replay',
  { skip: SKIP_NO_DUMPCAP },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airtrace-run-'));
    const fifo = join(dir, 'wlan0mon');
    execFileSync('mkfifo', [fifo]);
    const config = join(dir, 'airtrace.yaml');
    // The replayed recording is from 2022: the hub takes windows of any age here and keeps them.
    const yaml = `site:\n  name: test lab\n  key: ${KEY}\ndataDir: ${join(dir, 'data')}\nsensor:\n  id: local\nhub:\n  maxWindowAgeDays: 100000\n  retentionDays: 0\n`;
    execFileSync('sh', ['-c', `cat > ${config}`], { input: yaml });
    const runDb = join(dir, 'run.db');
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, 'bin/airtrace.js'),
        'run',
        '-c',
        config,
        '-i',
        fifo,
        '--no-monitor-mode',
        '--db',
        runDb,
        '--port',
        '0',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    try {
      const out = createWriteStream(fifo);
      out.end(readFileSync(demoCapture));
      await once(out, 'close');
      const deadline = Date.now() + 20_000;
      while (!/reached the end of its input/.test(stderr) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      assert.match(stdout, /airtrace dashboard: http:\/\/127\.0\.0\.1:\d+\//);
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
    }
    const replayDb = join(dir, 'replay.db');
    const replay = await runCli(['replay', '--db', replayDb, '--site-key', KEY, demoCapture]);
    assert.equal(replay.code, 0, replay.stderr);
    const rows = sqliteRows;
    // The sensor also reports the windows in which it listened and heard nothing (here: at wall-clock
    // time before the FIFO delivered its recorded frames): empty, never invented devices.
    const windowsSql =
      'SELECT window_start, wifi_devices, frames FROM windows WHERE frames > 0 ORDER BY window_start';
    assert.deepEqual(
      rows(runDb, 'SELECT DISTINCT wifi_devices FROM windows WHERE frames = 0'),
      rows(runDb, 'SELECT 0 AS wifi_devices WHERE EXISTS (SELECT 1 FROM windows WHERE frames = 0)'),
    );
    const devicesSql =
      'SELECT device_id, minutes_spent, rssi_count, round(rssi_mean, 9) AS mean FROM wifi ORDER BY device_id';
    assert.equal(rows(runDb, windowsSql).length, 233);
    assert.deepEqual(rows(runDb, windowsSql), rows(replayDb, windowsSql));
    assert.deepEqual(rows(runDb, devicesSql), rows(replayDb, devicesSql));
  },
);

test('a config file with mistakes is refused with every problem listed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-config-'));
  const config = join(dir, 'bad.yaml');
  execFileSync('sh', ['-c', `cat > ${config}`], {
    input: 'sensor:\n  wifi:\n    interfce: wlan0\n  scan:\n    scanSeconds: -1\nhub:\n  ratio: 3\n',
  });
  const result = await runCli(['run', '-c', config]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /3 problems/);
  assert.match(result.stderr, /sensor\.wifi\.interfce: unknown setting/);
  assert.match(result.stderr, /sensor\.scan\.scanSeconds/);
  assert.match(result.stderr, /hub\.ratio: .*\(a share between 0 and 1/);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
});
