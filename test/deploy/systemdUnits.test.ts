/**
 * The service units in deploy/systemd: `systemd-analyze verify` finds nothing to say about them
 * (it exits 0 on mere warnings, so its output must be empty too), and each has what the install
 * promises: its own user, no new privileges, a read-only system with the data folder writable,
 * restarts, a watchdog fed through systemd-notify, and capabilities only where capture needs them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, repoRoot } from '../helpers/paths.ts';

const UNITS = ['airtrace-sensor.service', 'airtrace-hub.service', 'airtrace-run.service'];
const dir = join(repoRoot, 'deploy/systemd');

const SKIP_VERIFY = !hasCommand('systemd-analyze')
  ? 'needs systemd-analyze (apt-get install systemd)'
  : !existsSync('/usr/bin/node')
    ? 'the units run /usr/bin/node (NodeSource on Raspberry Pi OS); verify checks it exists, and this machine has node elsewhere'
    : false;

function verify(path: string): { status: number | null; output: string } {
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', path], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

/** The [Service] settings of a unit, each key with every value it is given. */
function serviceSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      section = line;
      continue;
    }
    if (section !== '[Service]') continue;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    settings.set(key, [...(settings.get(key) ?? []), line.slice(eq + 1)]);
  }
  return settings;
}

for (const unit of UNITS) {
  test(`systemd-analyze verify ${unit}: no error, no warning`, { skip: SKIP_VERIFY }, () => {
    const { status, output } = verify(join(dir, unit));
    assert.equal(output, '');
    assert.equal(status, 0);
  });
}

test('verify catches a broken unit (so the test above can fail)', { skip: SKIP_VERIFY }, () => {
  const broken = join(mkdtempSync(join(tmpdir(), 'airtrace-unit-')), 'airtrace-sensor.service');
  writeFileSync(
    broken,
    readFileSync(join(dir, 'airtrace-sensor.service'), 'utf8')
      .replace(/^Restart=always$/m, 'Restart=sometimes')
      .replace('NoNewPrivileges=yes', 'NoNewPrivilege=yes'),
  );
  const { output } = verify(broken);
  assert.match(output, /restart specifier/);
  assert.match(output, /Unknown key 'NoNewPrivilege'/);
});

test('every unit: its own user, no new privileges, read-only system but the data folder, restarts, watchdog', () => {
  for (const unit of UNITS) {
    const s = serviceSettings(readFileSync(join(dir, unit), 'utf8'));
    const one = (key: string) => s.get(key)?.at(-1);
    assert.equal(one('User'), 'airtrace', unit);
    assert.equal(one('NoNewPrivileges'), 'yes', unit);
    assert.equal(one('ProtectSystem'), 'strict', unit);
    assert.equal(one('StateDirectory'), 'airtrace', unit);
    assert.equal(one('ReadWritePaths'), '/var/lib/airtrace', unit);
    assert.match(
      one('ExecStart')!,
      /^\/usr\/bin\/node \/opt\/airtrace\/bin\/airtrace\.js \w+ --config \/etc\/airtrace\/airtrace\.yaml --data-dir \/var\/lib\/airtrace$/,
      unit,
    );
    assert.equal(one('Restart'), 'always', unit);
    assert.equal(one('Type'), 'notify', unit);
    assert.equal(one('NotifyAccess'), 'all', `${unit}: systemd-notify is a child of the main process`);
    assert.ok(Number(one('WatchdogSec')) >= 10, unit);
    assert.equal(one('UMask'), '0077', `${unit}: the site key and database are the service's alone`);
  }
  for (const unit of ['airtrace-sensor.service', 'airtrace-run.service']) {
    const s = serviceSettings(readFileSync(join(dir, unit), 'utf8'));
    assert.deepEqual(s.get('AmbientCapabilities'), ['CAP_NET_RAW CAP_NET_ADMIN'], unit);
    assert.deepEqual(s.get('CapabilityBoundingSet'), ['CAP_NET_RAW CAP_NET_ADMIN'], unit);
  }
  const hub = serviceSettings(readFileSync(join(dir, 'airtrace-hub.service'), 'utf8'));
  assert.deepEqual(hub.get('AmbientCapabilities'), [''], 'the hub captures nothing and gets no capability');
  assert.deepEqual(hub.get('CapabilityBoundingSet'), ['']);
});
