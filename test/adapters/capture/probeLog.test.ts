import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { describeSkipped, readProbeLog, readProbeLogStream } from '../../../src/adapters/capture/probeLog.ts';
import type { Observation } from '../../../src/core/model.ts';
import { PROBE_LOG_HEADER } from '../../../src/core/positioning/probeLogLine.ts';
import { fixtures } from '../../helpers/paths.ts';

const LOG = [
  PROBE_LOG_HEADER,
  '1700000000000001,e4956e410ac2,da:a1:19:00:11:22,ff:ff:ff:ff:ff:ff,ff:ff:ff:ff:ff:ff,probe-req,-61,6,café',
  'garbage',
  '',
  '1700000000500000,E4-95-6E-41-0A-C3,da:a1:19:00:11:22,,,probe-req,-70,11,"a, b"',
  '1700000001000000,e4956e410ac2,not-a-mac,,,probe-req,-70,11,',
  '1700000001500000,e4956e410ac2,da:a1:19:00:11:22,,,probe-req,-72,1,last line without newline',
].join('\r\n');

async function* chunks(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield p;
}

async function collect(parts: Uint8Array[]) {
  const seen: Observation[] = [];
  const result = await readProbeLogStream(chunks(...parts), (o) => seen.push(o));
  return { seen, result };
}

describe('probe-log reader', () => {
  const bytes = new TextEncoder().encode(LOG);

  it('reads observations, counts headers, blanks and bad lines, and goes on', async () => {
    const { seen, result } = await collect([bytes]);
    assert.equal(result.fatal, undefined);
    assert.equal(seen.length, 3);
    assert.deepEqual(
      seen.map((o) => [o.sensorId, o.rssi, o.ssid]),
      [
        ['e4:95:6e:41:0a:c2', -61, 'café'],
        ['e4:95:6e:41:0a:c3', -70, 'a, b'],
        ['e4:95:6e:41:0a:c2', -72, 'last line without newline'],
      ],
    );
    assert.deepEqual(result.stats.skipped, { 'too-few-fields': 1, 'bad-source-mac': 1 });
    assert.deepEqual(result.stats.examples, [
      { line: 3, problem: 'too-few-fields' },
      { line: 6, problem: 'bad-source-mac' },
    ]);
    assert.equal(result.stats.headers, 1);
    assert.equal(result.stats.blank, 1);
    assert.equal(result.stats.lines, 7);
    assert.equal(
      describeSkipped(result.stats),
      'skipped 1 too-few-fields, 1 bad-source-mac (first at line 3, 6)',
    );
  });

  it('gives the same result however the bytes are split, even inside a UTF-8 character', async () => {
    const whole = await collect([bytes]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const split = await collect([bytes.subarray(0, cut), bytes.subarray(cut)]);
      assert.deepEqual(split.seen, whole.seen, `split at byte ${cut}`);
      assert.deepEqual(split.result.stats, whole.result.stats, `split at byte ${cut}`);
    }
    const oneByOne = await collect([...bytes].map((b) => Uint8Array.of(b)));
    assert.deepEqual(oneByOne.seen, whole.seen);
  });

  it('reports a stream that breaks off as fatal, keeping what it read', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield bytes.subarray(0, 200); // the header, one line and part of the next
      throw new Error('device unplugged');
    }
    const seen: Observation[] = [];
    const r = await readProbeLogStream(failing(), (o) => seen.push(o));
    assert.match(r.fatal ?? '', /device unplugged/);
    assert.equal(seen.length, 1);
  });

  it('reads a file, and a file named X-Y.log is a known spot', async () => {
    const log = await readProbeLog(join(fixtures, 'positioning', 'boun_spot', '10.36-10.95.log'));
    assert.equal(log.fatal, undefined);
    assert.deepEqual(log.spot, { x: 10.36, y: 10.95 });
    const text = await readFile(join(fixtures, 'positioning', 'boun_spot', '10.36-10.95.log'), 'utf8');
    assert.equal(log.observations.length, text.trim().split('\n').length - 1);
    assert.equal(log.stats.headers, 1);
    assert.ok(log.observations.every((o) => o.medium === 'ble' && o.mac === 'e7:8f:13:56:24:ce'));
    const track = await readProbeLog(join(fixtures, 'positioning', 'boun_straight_04.log'));
    assert.equal(track.spot, undefined);
    assert.equal(track.observations.length, 272);
  });

  it('a missing file is fatal, not a throw', async () => {
    const log = await readProbeLog('/nonexistent/1-2.log');
    assert.match(log.fatal ?? '', /ENOENT/);
    assert.deepEqual(log.observations, []);
  });
});
