import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/adapters/storage/sqlite/sqliteStore.ts';
import { createCalendar } from '../../src/core/history/calendar.ts';
import { defaultCountingParams } from '../../src/core/occupancy/countingParams.ts';
import { BRNO_WEEK, brnoWeekWindows } from '../helpers/brnoWeek.ts';
import { runCli } from '../helpers/cli.ts';
import { startHubRig } from '../helpers/hubRig.ts';

const HOSTILE_NAME = '<script>alert("site")</script> & "lab"';
const HOSTILE_SENSOR = '"><svg onload=alert(1)>';

/** A database of the brno week (with the model's estimates), one window from a sensor with a hostile id. */
async function weekDatabase(dir: string): Promise<string> {
  const path = join(dir, 'hub.db');
  const store = new SqliteStore(path, { timeZone: BRNO_WEEK.timeZone });
  const rig = await startHubRig({
    store,
    siteName: 'lab',
    windowSeconds: 60,
    ratio: 0.7,
    exportDir: dir,
    counting: defaultCountingParams(),
  });
  const windows = await brnoWeekWindows();
  const monday = windows.filter(
    (w) => w.windowStart >= createCalendar(BRNO_WEEK.timeZone).dayOf('2023-08-28')!,
  );
  await rig.send(...windows, { ...monday[0]!, sensorId: HOSTILE_SENSOR });
  await rig.stop();
  await store.close();
  return path;
}

test('airtrace report --day writes a one-page HTML summary with SVG plots, every outside text escaped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-report-'));
  const db = await weekDatabase(dir);
  const config = join(dir, 'site.json');
  writeFileSync(
    config,
    JSON.stringify({ site: { name: HOSTILE_NAME }, hub: { db, history: { timeZone: 'UTC' } } }),
  );
  const out = join(dir, 'monday.html');
  const run = await runCli(['report', '--day', '2023-08-28', '-c', config, '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), out);
  const page = readFileSync(out, 'utf8');
  assert.equal((page.match(/<svg /g) ?? []).length, 4, 'four plots');
  assert.ok(!/<script/i.test(page), 'no script at all');
  assert.ok(!page.includes(HOSTILE_SENSOR), 'the sensor id never raw');
  assert.ok(page.includes('&quot;&gt;&lt;svg onload=alert(1)&gt;'), 'the sensor id shown escaped');
  assert.ok(page.includes('&lt;script&gt;alert(&quot;site&quot;)&lt;/script&gt; &amp; &quot;lab&quot;'));
  assert.match(page, /Content-Security-Policy" content="default-src 'none'/);
  // The database keeps the zone it was written in, whatever the config says now.
  assert.ok(
    page.includes('<p class="sub">2023-08-28, Europe/Prague</p>'),
    'the zone the history was kept in',
  );
  // Headline figures are the day's rollup.
  const store = new SqliteStore(db);
  const [day] = await store
    .rollups('day', 0, 2e9)
    .then((rows) => rows.filter((r) => r.start === 1_693_173_600));
  await store.close();
  assert.ok(day !== undefined && day.people !== null);
  assert.ok(
    page.includes(
      `<div class="value">${Math.round(day.people.personMinutes)}</div><div class="label">person-minutes</div>`,
    ),
  );
  assert.ok(page.includes(`<div class="value">${day.wifiDevices} / ${day.bleDevices}</div>`));
  assert.match(page, /2023-08-28 against 2023-08-21/);
  // Years after the recording, with 30 days of retention configured: its windows are still there, so by the minute.
  assert.match(page, /People by the minute/);

  // Friday the 25th: no sensor listened. Said so, nothing drawn as zero.
  const friday = await runCli([
    'report',
    '--day',
    BRNO_WEEK.missing,
    '--db',
    db,
    '--out',
    join(dir, 'friday.html'),
  ]);
  assert.equal(friday.code, 0);
  assert.match(friday.stderr, /no sensor listened on 2023-08-25/);
  assert.match(readFileSync(join(dir, 'friday.html'), 'utf8'), /No sensor listened on this day/);

  const bad = await runCli(['report', '--day', '2023-02-30', '--db', db, '--out', join(dir, 'bad.html')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /2023-02-30 is not a date/);
  const missing = await runCli(['report', '--day', '2023-08-28', '--db', join(dir, 'nope.db')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no database at/);
  assert.equal(existsSync(join(dir, 'nope.db')), false, 'a typo does not create an empty database');
  const help = await runCli(['report', '--help']);
  assert.match(help.stdout, /--day <YYYY-MM-DD>/);
});
