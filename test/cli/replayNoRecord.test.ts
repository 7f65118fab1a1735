/**
 * An input that is empty, ends inside its header or holds no record is an error for the batch
 * commands (replay, count): exit status 1 and one line naming the input and the reason, as the
 * README says. Inputs are real capture bytes cut short, not made-up files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { fixtures } from '../helpers/paths.ts';

const work = mkdtempSync(join(tmpdir(), 'airtrace-no-record-'));
const pcap = readFileSync(join(fixtures, 'wifi/brno_2022-10-18_first300.pcap'));
const pcapng = readFileSync(join(fixtures, 'wifi/brno_2022-10-18_first300.pcapng'));
const btsnoop = readFileSync(join(fixtures, 'ble/horizon74_btsnoop_hci.log'));

function cut(name: string, bytes: Uint8Array, length: number): string {
  const path = join(work, name);
  writeFileSync(path, bytes.subarray(0, length));
  return path;
}

const cases: { name: string; path: string; reason: RegExp }[] = [
  {
    name: 'a 13-byte pcap',
    path: cut('13.pcap', pcap, 13),
    reason: /ended after 13 bytes, inside its file header/,
  },
  { name: 'a pcap header alone', path: cut('header.pcap', pcap, 24), reason: /header only \(24 bytes\)/ },
  {
    name: 'a pcap cut inside its first record',
    path: cut('cut.pcap', pcap, 30),
    reason: /ended inside a record/,
  },
  {
    name: 'a pcapng section header alone',
    path: cut('shb.pcapng', pcapng, 28),
    reason: /no record could be read/,
  },
  {
    name: 'a btsnoop header alone',
    path: cut('header.log', btsnoop, 16),
    reason: /header only \(16 bytes\)/,
  },
  { name: 'a 13-byte btsnoop log', path: cut('13.log', btsnoop, 13), reason: /inside its 16-byte header/ },
  { name: 'an empty file', path: cut('empty.pcap', pcap, 0), reason: /the input is empty/ },
];

for (const { name, path, reason } of cases) {
  test(`replay: ${name} exits 1 with one line naming it`, async () => {
    const result = await runCli(['replay', '--json', path]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`${path.replace(/[.]/g, '\\.')}: .*`));
    assert.match(result.stderr, reason);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });
}

test('replay: empty standard input exits 1', async () => {
  const result = await runCli(['replay', '--json', '-'], { stdin: new Uint8Array(0) });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^airtrace: -: the input is empty/m);
});

test('replay: a good input next to an empty one is still read, and the run exits 1', async () => {
  const result = await runCli([
    'replay',
    '--json',
    join(fixtures, 'wifi/brno_2022-10-18_first300.pcap'),
    cases[0]!.path,
  ]);
  assert.equal(result.code, 1);
  assert.equal((JSON.parse(result.stdout) as { frames: number }).frames, 300);
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
});

test('replay: a capture of one whole record exits 0', async () => {
  const firstRecordLength = pcap.readUInt32LE(24 + 8);
  const result = await runCli(['replay', '--json', cut('one.pcap', pcap, 24 + 16 + firstRecordLength)]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal((JSON.parse(result.stdout) as { frames: number }).frames, 1);
});

test('count: a 13-byte pcap and empty standard input exit 1 naming the input', async () => {
  const file = await runCli(['count', cases[0]!.path]);
  assert.equal(file.code, 1);
  assert.match(file.stderr, /13\.pcap: no record could be read/);
  const stdin = await runCli(['count', '-'], { stdin: new Uint8Array(0) });
  assert.equal(stdin.code, 1);
  assert.match(stdin.stderr, /-: the input is empty/);
});
