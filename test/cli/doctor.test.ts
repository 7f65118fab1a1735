/**
 * `airtrace doctor`, every check passing and every check failing, each failure with its fix and
 * exit status 1. See doctorRig.ts for what is real and what stands in.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { connectAsync } from 'mqtt';
import { nodeVersionCheck } from '../../src/app/doctor/hostChecks.ts';
import { fileCapsAllowCapture } from '../../src/app/doctor/captureChecks.ts';
import { siteKeyFingerprint } from '../../src/app/doctor/siteKeyChecks.ts';
import { SqliteStore } from '../../src/adapters/storage/sqlite/sqliteStore.ts';
import { FakeBluez } from '../helpers/fakeBluez/fakeBluez.ts';
import { SKIP_NO_DBUS_DAEMON, startPrivateBus, type PrivateBus } from '../helpers/fakeBluez/privateBus.ts';
import { hasCommand } from '../helpers/paths.ts';
import { MosquittoProcess, SKIP_NO_MOSQUITTO, freePort } from '../adapters/transport/mosquittoProcess.ts';
import { POSTGRES_URL, SKIP_NO_POSTGRES } from '../adapters/storage/postgresSchemas.ts';
import { check, runDoctorCli, standIns } from './doctorRig.ts';

const SKIP =
  SKIP_NO_MOSQUITTO ||
  SKIP_NO_DBUS_DAEMON ||
  (hasCommand('mosquitto_passwd') ? false : 'needs mosquitto_passwd') ||
  (hasCommand('dumpcap') ? false : 'needs dumpcap (apt-get install tshark)');
const KEY = 'c3'.repeat(32);

let bus: PrivateBus;
let fake: FakeBluez;
let broker: MosquittoProcess;
let work: string;

before(async () => {
  if (SKIP) return;
  work = mkdtempSync(join(tmpdir(), 'airtrace-doctor-'));
  chmodSync(work, 0o755);
  const passwd = join(work, 'passwd');
  spawnSync('mosquitto_passwd', ['-b', '-c', passwd, 'pi', 'secret']);
  broker = new MosquittoProcess(await freePort(), join(work, 'mosquitto'), [
    'allow_anonymous false',
    `password_file ${passwd}`,
  ]);
  await broker.start();
  bus = await startPrivateBus();
  fake = await FakeBluez.start(bus.address, { now: () => Date.now() / 1000 });
});

after(async () => {
  if (SKIP) return;
  fake.stop();
  await bus.stop();
  await broker.stop();
});

interface Setup {
  site: string;
  dir: string;
  configPath: string;
}

/** A machine's config and data folder; `overrides` changes any part of the config. */
function machine(overrides: Record<string, unknown> = {}, keyFileMode: number | null = 0o600): Setup {
  const dir = mkdtempSync(join(work, 'machine-'));
  chmodSync(dir, 0o755);
  const site = `doctor-${randomBytes(4).toString('hex')}`;
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { mode: 0o755 });
  if (keyFileMode !== null) {
    writeFileSync(join(dataDir, 'site.key'), `${KEY}\n`);
    chmodSync(join(dataDir, 'site.key'), keyFileMode);
  }
  const config = {
    site: { id: site },
    dataDir,
    sensor: { id: 'pi-1', wifi: { interface: 'wlan0mon' }, bluetooth: { enabled: true, adapter: 'hci0' } },
    hub: { db: join(dir, 'hub.db') },
    mqtt: { url: broker.url, username: 'pi', password: 'secret' },
    ...overrides,
  };
  const configPath = join(dir, 'airtrace.json');
  writeFileSync(configPath, JSON.stringify(config));
  chmodSync(configPath, 0o600);
  return { site, dir, configPath };
}

function env(path: string): NodeJS.ProcessEnv {
  return { PATH: path, DBUS_SYSTEM_BUS_ADDRESS: bus.address, HOME: work };
}

test('every check passes: exit 0, each with what it found', { skip: SKIP }, async () => {
  fake.setPowered(true);
  const m = machine();
  await new SqliteStore(join(m.dir, 'hub.db')).close(); // an existing database, written once
  // Another machine of the site already left its fingerprint: the same key.
  const other = await connectAsync(broker.url, { username: 'pi', password: 'secret' });
  await other.publishAsync(
    `airtrace/${m.site}/keys/sensor/pi-2`,
    JSON.stringify({ fingerprint: siteKeyFingerprint(Buffer.from(KEY, 'hex')) }),
    { qos: 1, retain: true },
  );
  await other.endAsync();
  const run = await runDoctorCli(
    ['-c', m.configPath, '--json', '--min-free-mb', '1'],
    env(`${standIns({ monitor: true, ntpSynchronized: true })}:${process.env['PATH']}`),
  );
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.ok(run.report?.ok);
  const statuses = Object.fromEntries(run.report!.checks.map((c) => [c.id, c.status]));
  assert.deepEqual(statuses, {
    node: 'pass',
    dumpcap: 'pass',
    interface: 'pass',
    bluez: 'pass',
    broker: 'pass',
    'site-key-shared': 'pass',
    database: 'pass',
    'site-key': 'pass',
    clock: 'pass',
    disk: 'pass',
  });
  assert.match(check(run, 'interface').detail, /wlan0mon \(phy1\) supports monitor mode/);
  assert.match(check(run, 'broker').detail, /as pi$/);
  assert.match(check(run, 'site-key-shared').detail, /as on 1 other machine/);
  assert.match(check(run, 'site-key').detail, /mode 0600/);
  assert.ok(!run.stdout.includes('00:c0:ca'), 'the adapter address iw printed is not reported');
  assert.ok(!run.stdout.includes(KEY) && !run.stdout.includes('secret'), 'neither the key nor the password');
});

test('every check fails, each with a fix, and the exit status is 1', { skip: SKIP }, async () => {
  fake.setPowered(false);
  // A database path under a regular file, the wrong password, a key file others can read, an
  // interface whose radio cannot do monitor mode, a clock not synchronised, too little disk.
  const m = machine({ mqtt: { url: broker.url, username: 'pi', password: 'wrong' } }, 0o644);
  writeFileSync(join(m.dir, 'not-a-folder'), '');
  const config = JSON.parse((await import('node:fs')).readFileSync(m.configPath, 'utf8')) as Record<
    string,
    unknown
  >;
  writeFileSync(m.configPath, JSON.stringify({ ...config, hub: { db: join(m.dir, 'not-a-folder/hub.db') } }));
  const stand = standIns({ monitor: false, ntpSynchronized: false });
  const run = await runDoctorCli(
    ['-c', m.configPath, '--json', '--min-free-mb', '100000000'],
    env(stand), // no dumpcap on this PATH
  );
  assert.equal(run.code, 1);
  assert.equal(run.report?.ok, false);
  const expected: Record<string, RegExp> = {
    dumpcap: /dumpcap is not on PATH/,
    interface: /does not list monitor/,
    bluez: /adapter hci0 is powered off/,
    broker: /refused the login/,
    database: /not a writable folder/,
    'site-key': /mode 0644/,
    clock: /NTPSynchronized=no/,
    disk: /wanted: 100000000 MB/,
  };
  for (const [id, detail] of Object.entries(expected)) {
    const c = check(run, id);
    assert.equal(c.status, 'fail', `${id}: ${c.detail}`);
    assert.match(c.detail, detail, id);
    assert.ok(c.fix !== undefined && c.fix.length > 20, `${id} has a fix`);
  }
  assert.equal(check(run, 'site-key-shared').status, 'skip', 'no broker to compare through');

  // The same, as a person reads it.
  const text = await runDoctorCli(['-c', m.configPath, '--min-free-mb', '100000000'], env(stand));
  assert.equal(text.code, 1);
  assert.match(
    text.stdout,
    /^✗ dumpcap installed and allowed to capture: dumpcap is not on PATH\n {4}fix: install it/m,
  );
  assert.match(text.stdout, /10 checks for a one-machine install \(run\): \d passed, 8 failed, \d skipped/);
});

test('the other ways a check fails', { skip: SKIP }, async () => {
  fake.setPowered(true);
  const stand = standIns({ monitor: true, ntpSynchronized: true });
  // Another key on another machine of the site; the interface missing; the broker away; the
  // key in a config others can read; a file that is no database; no timedatectl at all.
  const m = machine(
    {
      site: { id: 'x', key: 'd4'.repeat(32) },
      sensor: { id: 'pi-9', wifi: { interface: 'wlan7' }, bluetooth: { enabled: true, adapter: 'hci0' } },
    },
    null,
  );
  const cfg = JSON.parse((await import('node:fs')).readFileSync(m.configPath, 'utf8')) as Record<
    string,
    unknown
  >;
  writeFileSync(m.configPath, JSON.stringify({ ...cfg, site: { id: m.site, key: 'd4'.repeat(32) } }));
  chmodSync(m.configPath, 0o644);
  const other = await connectAsync(broker.url, { username: 'pi', password: 'secret' });
  await other.publishAsync(
    `airtrace/${m.site}/keys/hub/hub`,
    JSON.stringify({ fingerprint: siteKeyFingerprint(Buffer.from(KEY, 'hex')) }),
    { qos: 1, retain: true },
  );
  await other.endAsync();
  const first = await runDoctorCli(
    ['-c', m.configPath, '--json', '--role', 'sensor'],
    env(`${stand}:${process.env['PATH']}`),
  );
  assert.equal(first.code, 1);
  assert.match(check(first, 'interface').detail, /no interface wlan7 \(iw sees wlan0mon\)/);
  assert.match(check(first, 'site-key').detail, /others can read it/);
  assert.equal(check(first, 'site-key').status, 'fail');

  chmodSync(m.configPath, 0o600);
  const shared = await runDoctorCli(
    ['-c', m.configPath, '--json', '--role', 'sensor'],
    env(`${stand}:${process.env['PATH']}`),
  );
  const c = check(shared, 'site-key-shared');
  assert.equal(c.status, 'fail');
  assert.match(c.detail, /1 of 1 other machine\(s\) have another key: hub\/hub/);
  assert.equal(check(shared, 'database').status, 'skip', 'a sensor has no database');

  const notDb = join(m.dir, 'hub.db');
  writeFileSync(notDb, 'this is no database, just text long enough to have a header'.repeat(20));
  const away = await runDoctorCli(
    ['-c', m.configPath, '--json', '--mqtt', `mqtt://127.0.0.1:${await freePort()}`, '--db', notDb],
    env('/nonexistent'),
  );
  assert.match(check(away, 'broker').detail, /cannot connect to .*ECONNREFUSED/);
  assert.match(check(away, 'database').detail, /SQLITE_NOTADB/);
  assert.match(check(away, 'database').fix!, /not a SQLite database/);
  assert.match(check(away, 'clock').detail, /could not tell/);
  assert.match(check(away, 'interface').detail, /`iw` is not installed/);

  fake.stop();
  const noBluez = await runDoctorCli(['-c', m.configPath, '--json'], env(`${stand}:${process.env['PATH']}`));
  assert.equal(check(noBluez, 'bluez').status, 'fail');
  assert.match(check(noBluez, 'bluez').fix!, /systemctl start bluetooth/);
  fake = await FakeBluez.start(bus.address, { now: () => Date.now() / 1000 });
});

test(
  'dumpcap without capture rights, for a user without them: it fails; with file capabilities it passes',
  {
    skip:
      SKIP ||
      (process.getuid?.() === 0 && hasCommand('setcap')
        ? false
        : 'needs root and setcap to make another user'),
  },
  async () => {
    const m = machine();
    chmodSync(m.configPath, 0o644);
    const bin = mkdtempSync(join(tmpdir(), 'airtrace-dumpcap-'));
    chmodSync(bin, 0o755);
    copyFileSync(
      spawnSync('sh', ['-c', 'command -v dumpcap'], { encoding: 'utf8' }).stdout.trim(),
      join(bin, 'dumpcap'),
    );
    chmodSync(join(bin, 'dumpcap'), 0o755);
    const nobody = { uid: 65534, cwd: '/' };
    const without = await runDoctorCli(['-c', m.configPath, '--json'], env(`${bin}:/usr/bin:/bin`), nobody);
    assert.equal(check(without, 'dumpcap').status, 'fail', without.stdout + without.stderr);
    assert.match(
      check(without, 'dumpcap').detail,
      /no capture capabilities and this user \(uid 65534\) has none/,
    );
    assert.match(check(without, 'dumpcap').fix!, /setcap cap_net_raw,cap_net_admin\+eip/);

    const setcap = spawnSync('setcap', ['cap_net_raw,cap_net_admin+eip', join(bin, 'dumpcap')], {
      encoding: 'utf8',
    });
    if (setcap.status !== 0) return; // a file system without capabilities: the failing half stands
    const withCaps = await runDoctorCli(['-c', m.configPath, '--json'], env(`${bin}:/usr/bin:/bin`), nobody);
    assert.equal(check(withCaps, 'dumpcap').status, 'pass', check(withCaps, 'dumpcap').detail);
    assert.match(check(withCaps, 'dumpcap').detail, /file capabilities: cap_net_admin,cap_net_raw=eip/);
  },
);

test(
  'PostgreSQL: a database the login may write passes; one it cannot reach fails',
  { skip: SKIP || SKIP_NO_POSTGRES },
  async () => {
    const m = machine();
    const ok = await runDoctorCli(
      ['-c', m.configPath, '--json', '--role', 'hub', '--db', POSTGRES_URL],
      env('/nonexistent'),
    );
    assert.equal(check(ok, 'database').status, 'pass', check(ok, 'database').detail);
    assert.equal(check(ok, 'dumpcap').status, 'skip', 'a hub captures nothing');
    const url = new URL(POSTGRES_URL);
    url.port = String(await freePort());
    const away = await runDoctorCli(
      ['-c', m.configPath, '--json', '--role', 'hub', '--db', url.toString()],
      env('/nonexistent'),
    );
    assert.equal(check(away, 'database').status, 'fail');
    assert.match(check(away, 'database').fix!, /pg_hba\.conf/);
  },
);

test('checks read as they should: Node below 20 fails, file capabilities in both getcap spellings', () => {
  const old = nodeVersionCheck('18.19.0');
  assert.equal(old.status, 'fail');
  assert.match(old.fix!, /nodesource/);
  assert.equal(nodeVersionCheck('20.20.2').status, 'pass');
  assert.equal(fileCapsAllowCapture('/usr/bin/dumpcap cap_net_admin,cap_net_raw=eip'), true);
  assert.equal(fileCapsAllowCapture('/usr/bin/dumpcap = cap_net_admin,cap_net_raw+eip'), true);
  assert.equal(fileCapsAllowCapture('/usr/bin/dumpcap cap_net_raw=eip'), false);
  assert.equal(fileCapsAllowCapture('/usr/bin/dumpcap cap_net_admin,cap_net_raw=i'), false);
  assert.equal(fileCapsAllowCapture(''), false);
});
