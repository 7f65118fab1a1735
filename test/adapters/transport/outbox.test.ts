import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileOutbox } from '../../../src/adapters/transport/outbox.ts';

const freshDir = () => join(mkdtempSync(join(tmpdir(), 'airtrace-outbox-')), 'outbox');
const payloads = (outbox: FileOutbox) => [...outbox.pending()].map((e) => e.payload);

test('outbox: what was not acknowledged is there again after a restart, in order', () => {
  const dir = freshDir();
  const a = new FileOutbox({ dir });
  a.open();
  const entries = ['w1', 'w2', 'w3', 'w4'].map((p) => a.append('t/window', p));
  assert.deepEqual(
    entries.map((e) => e.seq),
    [1, 2, 3, 4],
  );
  assert.equal(a.ack(2), true);
  assert.equal(a.ack(2), false);
  assert.equal(a.depth, 3);
  assert.equal(a.bytes, 6);
  a.close();

  const b = new FileOutbox({ dir });
  b.open();
  assert.deepEqual(payloads(b), ['w1', 'w3', 'w4']);
  assert.equal([...b.pending()][0]!.topic, 't/window');
  // Numbering goes on: a new entry never takes the number of one still on disk.
  assert.equal(b.append('t/window', 'w5').seq, 5);
  for (const e of [...b.pending()]) b.ack(e.seq);
  assert.equal(b.depth, 0);
  assert.deepEqual(readdirSync(dir), [], 'a fully acknowledged outbox leaves no files');
  b.close();
});

test('outbox: a record cut short by a crash is dropped and counted, the ones before it kept', () => {
  const dir = freshDir();
  const a = new FileOutbox({ dir });
  a.open();
  a.append('t', 'first');
  a.append('t', 'second');
  a.close();
  const [segment] = readdirSync(dir).filter((n) => n.endsWith('.log'));
  appendFileSync(join(dir, segment!), '{"seq":3,"at":1,"topic":"t","payl');

  const b = new FileOutbox({ dir });
  b.open();
  assert.deepEqual(payloads(b), ['first', 'second']);
  assert.equal(b.counters.tornTails, 1);
  assert.ok(readFileSync(join(dir, segment!), 'utf8').endsWith('}\n'), 'the torn tail is cut off');
  assert.equal(b.append('t', 'third').seq, 3);
  b.close();
  const c = new FileOutbox({ dir });
  c.open();
  assert.deepEqual(payloads(c), ['first', 'second', 'third']);
  assert.equal(c.counters.tornTails, 0);
  c.close();
});

test('outbox: a garbled record in the middle is skipped and counted', () => {
  const dir = freshDir();
  const a = new FileOutbox({ dir });
  a.open();
  a.append('t', 'one');
  a.close();
  const [segment] = readdirSync(dir).filter((n) => n.endsWith('.log'));
  appendFileSync(join(dir, segment!), 'not json\n{"seq":2,"at":1,"topic":"t","payload":"two"}\n');
  const b = new FileOutbox({ dir });
  b.open();
  assert.deepEqual(payloads(b), ['one', 'two']);
  assert.equal(b.counters.corruptRecords, 1);
  b.close();
});

test('outbox: segments roll over and go away once all their entries are acknowledged', () => {
  const dir = freshDir();
  const a = new FileOutbox({ dir, segmentBytes: 200 });
  a.open();
  for (let i = 0; i < 20; i++) a.append('t', `payload-${i}`.padEnd(60, '.'));
  const segments = () => readdirSync(dir).filter((n) => n.endsWith('.log')).length;
  const before = segments();
  assert.ok(before >= 5, `${before} segments`);
  for (let seq = 1; seq <= 10; seq++) a.ack(seq);
  assert.ok(segments() < before);
  a.close();
  const b = new FileOutbox({ dir, segmentBytes: 200 });
  b.open();
  assert.deepEqual(
    [...b.pending()].map((e) => e.seq),
    Array.from({ length: 10 }, (_, i) => 11 + i),
  );
  b.close();
});

test('outbox: over its byte or age bound it drops the oldest, counts them and keeps the newest', () => {
  const dir = freshDir();
  let now = 1000;
  const a = new FileOutbox({ dir, maxBytes: 25, maxAgeSeconds: 100, now: () => now });
  a.open();
  for (const p of ['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc']) a.append('t', p);
  assert.deepEqual(payloads(a), ['bbbbbbbbbb', 'cccccccccc']);
  assert.equal(a.counters.dropped, 1);
  a.append('t', 'x'.repeat(40)); // bigger than the bound on its own: kept anyway
  assert.deepEqual(payloads(a), ['x'.repeat(40)]);
  assert.equal(a.counters.dropped, 3);
  now = 1050;
  a.append('t', 'd');
  now = 1120;
  a.append('t', 'e');
  assert.deepEqual(payloads(a), ['d', 'e']);
  a.close();
  // Age also counts on opening: what waited too long while the sensor was off is dropped.
  now = 1500;
  const b = new FileOutbox({ dir, maxAgeSeconds: 100, now: () => now });
  b.open();
  assert.deepEqual(payloads(b), ['e']);
  assert.equal(b.counters.dropped, 1);
  b.close();
  const c = new FileOutbox({ dir, maxAgeSeconds: 100, now: () => now });
  c.open();
  assert.deepEqual(payloads(c), ['e'], 'drops are recorded like acknowledgements');
  c.close();
});

test('outbox: appending before open is a programming error', () => {
  assert.throws(() => new FileOutbox({ dir: freshDir() }).append('t', 'x'), /not open/);
});
