import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { fixtures, SKIP_NO_TSHARK } from '../helpers/paths.ts';

const btsnoop = join(fixtures, 'ble/horizon74_btsnoop_hci.log');
const nrf = join(fixtures, 'ble/iPhone_11-1_btle_sniffer_05-07-2020-122940.pcapng');
const work = mkdtempSync(join(tmpdir(), 'airtrace-ble-'));

async function replayJson(args: string[]) {
  const result = await runCli(['replay', '--json', ...args]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

test('btsnoop: 412 LE advertising reports with RSSI from 36 devices', async () => {
  const report = await replayJson([btsnoop]);
  assert.equal(report['frames'], 2572);
  assert.equal(report['framesWithRssi'], 412);
  assert.equal(report['bluetoothDevices'], 36);
  assert.equal(report['wifiDevices'], 0);
  assert.deepEqual(report['skipped'], {});
});

test(
  'nRF sniffer: every advertising PDU with its RSSI; advertisers as tshark counts them',
  { skip: SKIP_NO_TSHARK },
  async () => {
    const report = await replayJson([nrf]);
    const out = execFileSync(
      'tshark',
      ['-r', nrf, '-T', 'fields', '-e', 'btle.advertising_address', '-e', 'nordic_ble.rssi'],
      {
        encoding: 'utf8',
      },
    );
    const lines = out.trim().split('\n');
    assert.equal(report['frames'], lines.length);
    assert.equal(report['framesWithRssi'], lines.filter((l) => l.split('\t')[1] !== '').length);
    assert.equal(report['bluetoothDevices'], new Set(lines.map((l) => l.split('\t')[0])).size);
  },
);

test('the crackle captures (PHDR and PPI) parse', async () => {
  const report = await replayJson([
    join(fixtures, 'ble/le_secure_connections.pcapng'),
    join(fixtures, 'ble/pairing_and_ltk_exchange.pcap'),
  ]);
  assert.equal(report['frames'], 303 + 713);
  assert.ok((report['bluetoothDevices'] as number) >= 1);
});

test('no raw Bluetooth address in the database or the printed table', async () => {
  const db = join(work, 'ble.db');
  const result = await runCli(['replay', '--db', db, btsnoop, nrf]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Bluetooth/);
  const addresses = new Set<string>();
  const tsharkOut = SKIP_NO_TSHARK
    ? ''
    : execFileSync('tshark', ['-r', btsnoop, '-T', 'fields', '-e', 'bthci_evt.bd_addr'], {
        encoding: 'utf8',
      }) +
      execFileSync('tshark', ['-r', nrf, '-T', 'fields', '-e', 'btle.advertising_address'], {
        encoding: 'utf8',
      });
  for (const field of tsharkOut.split(/[\n,]/))
    if (/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(field)) addresses.add(field);
  // One advertiser of the nRF capture, so the check has teeth without tshark too.
  addresses.add('50:c9:02:bf:5f:fc');
  const haystack = Buffer.concat(
    readdirSync(work)
      .filter((f) => f.startsWith('ble.db'))
      .map((f) => readFileSync(join(work, f))),
  );
  const text = haystack.toString('latin1').toLowerCase() + result.stdout.toLowerCase();
  for (const address of addresses) {
    assert.ok(!text.includes(address), `found ${address}`);
    assert.ok(!text.includes(address.replace(/:/g, '')), `found ${address} without separators`);
    const bytes = Buffer.from(address.replace(/:/g, ''), 'hex');
    assert.equal(haystack.indexOf(bytes), -1, `found the bytes of ${address}`);
    assert.equal(haystack.indexOf(Buffer.from(bytes).reverse()), -1, `found the on-air bytes of ${address}`);
  }
});
