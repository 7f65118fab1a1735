import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/cli.ts';
import { demoCapture, fixtures, SKIP_NO_SHARED, SKIP_NO_TSHARK, sharedData } from '../helpers/paths.ts';
import { CaptureStreamReader } from '../../src/core/frames/captureReader.ts';
import { decodeRecord } from '../../src/core/frames/recordDecoder.ts';

const work = mkdtempSync(join(tmpdir(), 'airtrace-replay-'));

interface ReplayJson {
  frames: number;
  framesWithRssi: number;
  wifiDevices: number;
  windows: number;
  skipped: Record<string, number>;
}

async function replayJson(args: string[]): Promise<ReplayJson> {
  const result = await runCli(['replay', '--json', ...args]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as ReplayJson;
}

/** Transmitter addresses of a capture, through our own reader, for checks that must not depend on tshark. */
function transmittersOf(path: string): Set<string> {
  const macs = new Set<string>();
  const reader = new CaptureStreamReader({
    onRecord(r) {
      const outcome = decodeRecord(r, 'test');
      if (outcome.kind === 'observation') macs.add(outcome.observation.mac);
    },
    onProblem() {},
  });
  reader.push(readFileSync(path));
  reader.end();
  return macs;
}

test('brno 2022-10-18: 12,613 frames, all with RSSI, 2,309 transmitters', async () => {
  const report = await replayJson([demoCapture]);
  assert.equal(report.frames, 12613);
  assert.equal(report.framesWithRssi, 12613);
  assert.equal(report.wifiDevices, 2309);
  assert.deepEqual(report.skipped, {});
  // 08:53:42 to 12:45:42 UTC: every minute in between that had a frame is a window.
  assert.ok(report.windows >= 200 && report.windows <= 233, `windows: ${report.windows}`);
});

test('brno 2022-10-18 stored: mean RSSI -75.63 dBm over all frames, minutes = windows seen', async () => {
  const db = join(work, 'brno.db');
  const result = await runCli(['replay', '--db', db, demoCapture]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /12613 frames \(12613 with RSSI\), 2309 Wi-Fi devices/);
  assert.match(result.stdout, /mean RSSI/);
  const sqlite = new Database(db, { readonly: true });
  try {
    const all = sqlite
      .prepare('SELECT SUM(rssi_count) AS n, SUM(rssi_mean * rssi_count) / SUM(rssi_count) AS mean FROM wifi')
      .get() as { n: number; mean: number };
    assert.equal(all.n, 12613);
    assert.equal(all.mean.toFixed(2), '-75.63');
    const perWindow = sqlite.prepare('SELECT SUM(rssi_count) AS n FROM sightings').get() as { n: number };
    assert.equal(perWindow.n, 12613);
    const mismatched = sqlite
      .prepare(
        `SELECT COUNT(*) AS n FROM wifi w
         WHERE w.minutes_spent != (SELECT COUNT(DISTINCT window_start) FROM sightings s WHERE s.device_id = w.device_id)`,
      )
      .get() as { n: number };
    assert.equal(mismatched.n, 0);
    const windows = sqlite
      .prepare('SELECT SUM(wifi_devices) AS devices, COUNT(*) AS n FROM windows')
      .get() as {
      devices: number;
      n: number;
    };
    const sightings = sqlite.prepare('SELECT COUNT(*) AS n FROM sightings').get() as { n: number };
    assert.equal(windows.devices, sightings.n);
  } finally {
    sqlite.close();
  }
  const key = statSync(`${db}.key`);
  assert.equal(key.mode & 0o777, 0o600);
});

test('no raw MAC in the database file, its WAL or the key file, in any spelling', async () => {
  const db = join(work, 'privacy.db');
  const result = await runCli(['replay', '--db', db, demoCapture]);
  assert.equal(result.code, 0, result.stderr);
  const macs = transmittersOf(demoCapture);
  assert.equal(macs.size, 2309);
  const files = readdirSync(work)
    .filter((f) => f.startsWith('privacy.db'))
    .map((f) => readFileSync(join(work, f)));
  const haystack = Buffer.concat(files);
  const text = haystack.toString('latin1').toLowerCase();
  for (const mac of macs) {
    const hex = mac.replace(/:/g, '');
    for (const spelling of [mac, mac.replace(/:/g, '-'), hex]) {
      assert.ok(!text.includes(spelling), `found ${spelling} in the database`);
    }
    assert.equal(haystack.indexOf(Buffer.from(hex, 'hex')), -1, `found the bytes of ${mac} in the database`);
  }
  assert.ok(!result.stdout.toLowerCase().includes([...macs][0]!));
});

test(
  'the same frames and devices from a pcap and its pcapng conversion',
  { skip: SKIP_NO_TSHARK },
  async () => {
    const pcapng = join(work, 'brno.pcapng');
    execFileSync('editcap', ['-F', 'pcapng', demoCapture, pcapng]);
    assert.deepEqual(await replayJson([pcapng]), await replayJson([demoCapture]));
  },
);

test('standard input (-) reads like a file', async () => {
  const fromStdin = await runCli(['replay', '--json', '-'], { stdin: readFileSync(demoCapture) });
  assert.equal(fromStdin.code, 0, fromStdin.stderr);
  assert.deepEqual(JSON.parse(fromStdin.stdout), await replayJson([demoCapture]));
});

test('tshark agrees on frames, RSSI and transmitters', { skip: SKIP_NO_TSHARK }, () => {
  const out = execFileSync(
    'tshark',
    ['-r', demoCapture, '-T', 'fields', '-e', 'wlan.ta', '-e', 'radiotap.dbm_antsignal'],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  const lines = out.trim().split('\n');
  const rssis = lines.map((l) => Number(l.split('\t')[1]!.split(',')[0]));
  const macs = new Set(lines.map((l) => l.split('\t')[0]));
  assert.equal(lines.length, 12613);
  assert.equal((rssis.reduce((a, b) => a + b, 0) / rssis.length).toFixed(2), '-75.63');
  assert.deepEqual([...transmittersOf(demoCapture)].sort(), [...macs].sort());
});

test('the malformed tcpdump capture ends with a clear message and exit status 1', async () => {
  const result = await runCli(['replay', join(fixtures, 'wifi/radiotap-heapoverflow.pcap')]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /radiotap-heapoverflow\.pcap: /);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
});

test('a missing file is reported in one line', async () => {
  const result = await runCli(['replay', join(work, 'nope.pcap')]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /nope\.pcap: ENOENT/);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
});

test(
  'every capture under ../shared/data/wifi ingests without an exception escaping',
  { skip: SKIP_NO_SHARED },
  async () => {
    const dirs = readdirSync(join(sharedData, 'wifi'));
    const files = dirs.flatMap((d) =>
      readdirSync(join(sharedData, 'wifi', d))
        .filter((f) => /\.(pcap|pcapng|cap)$/.test(f))
        .map((f) => join(sharedData, 'wifi', d, f)),
    );
    assert.ok(files.length >= 30);
    const result = await runCli(['replay', '--json', '--no-store', ...files]);
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    const report = JSON.parse(result.stdout) as ReplayJson;
    assert.ok(report.frames > 100000, `frames: ${report.frames}`);
    // Link type 105 files (aircrack) count frames without RSSI.
    assert.ok(report.framesWithRssi < report.frames);
  },
);

test('--help explains the command', async () => {
  const result = await runCli(['replay', '--help']);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /--window <seconds>/);
  assert.match(result.stdout, /JSON output/);
});
