import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeStatus,
  decodeWindow,
  encodeStatus,
  encodeWindow,
  MAX_JSON_BYTES,
  MAX_MESSAGE_BYTES,
  peekWindowStart,
  wirePayload,
} from '../../../src/adapters/transport/windowCodec.ts';
import { gzipSync } from 'node:zlib';
import { realWindows, syntheticWindow } from './realWindows.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

test('codec: windows of real captures survive encoding unchanged', async () => {
  const windows = await realWindows('sensor-1');
  assert.ok(windows.some((w) => w.devices.some((d) => d.name !== undefined)));
  assert.ok(windows.some((w) => w.devices.some((d) => d.seqFirst !== undefined)));
  for (const w of windows) {
    const encoded = encodeWindow(w);
    assert.equal(JSON.parse(encoded).schema, 1);
    assert.deepEqual(decodeWindow(bytes(encoded)), { ok: true, value: w });
  }
});

test('codec: bad messages come back as reasons, never as exceptions', () => {
  const good = syntheticWindow('s1', 60, 3);
  const envelope = (window: unknown, schema: unknown = 1) => bytes(JSON.stringify({ schema, window }));
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array()],
    ['bad-utf8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
    ['bad-json', bytes('{"schema":1,"window":')],
    ['bad-json', bytes('\u0000\u0001garbage')],
    ['invalid', bytes('[1,2,3]')],
    ['invalid', bytes('null')],
    ['schema-version', envelope(good, 2)],
    ['schema-version', envelope(good, '1')],
    ['invalid', bytes(JSON.stringify(good))], // a bare summary: schema 1, but no envelope
    ['invalid', envelope({ ...good, devices: undefined })],
    ['invalid', envelope({ ...good, frames: -1 })],
    ['invalid', envelope({ ...good, windowEnd: good.windowStart })],
    ['invalid', envelope({ ...good, sensorId: '' })],
    ['invalid', envelope({ ...good, devices: [{ ...good.devices[0], medium: 'zigbee' }] })],
    ['invalid', envelope({ ...good, devices: [{ ...good.devices[0], rssi: { count: 1, mean: 'x' } }] })],
    ['invalid', envelope({ ...good, devices: [{ ...good.devices[0], seqFirst: 4096 }] })],
    ['bad-json', bytes('['.repeat(100_000))],
    ['invalid', bytes(`${'['.repeat(5000)}${']'.repeat(5000)}`)],
  ];
  for (const [reason, message] of cases) {
    const decoded = decodeWindow(message);
    assert.equal(decoded.ok, false, `${reason}: ${new TextDecoder().decode(message.slice(0, 60))}`);
    if (!decoded.ok)
      assert.equal(
        decoded.reason === 'bad-json' && reason === 'invalid' ? 'invalid' : decoded.reason,
        reason,
      );
  }
  const big = bytes(JSON.stringify({ schema: 1, window: good, pad: 'x'.repeat(MAX_MESSAGE_BYTES) }));
  assert.deepEqual(decodeWindow(big), {
    ok: false,
    reason: 'oversized',
    message: `message of ${big.length} bytes is over ${MAX_MESSAGE_BYTES}`,
  });
  assert.equal(decodeWindow(envelope(good), 100).ok, false);
});

test('codec: unknown fields are dropped, so a newer sensor of schema 1 still reaches an older hub', () => {
  const good = syntheticWindow('s1', 60, 1);
  const extra = { ...good, future: true, devices: [{ ...good.devices[0], future: 1 }] };
  assert.deepEqual(decodeWindow(bytes(JSON.stringify({ schema: 1, window: extra }))), {
    ok: true,
    value: good,
  });
});

test('codec: status and the last will', () => {
  assert.deepEqual(decodeStatus(bytes(encodeStatus({ online: true, scanning: true, at: 12.5 }))), {
    ok: true,
    value: { online: true, scanning: true, at: 12.5 },
  });
  assert.deepEqual(decodeStatus(bytes(encodeStatus({ online: false }))), {
    ok: true,
    value: { online: false },
  });
  assert.equal(JSON.parse(encodeStatus({ online: false })).online, false);
  const bad = decodeStatus(bytes('{"schema":1,"online":"yes"}'));
  assert.equal(bad.ok === false && bad.reason, 'invalid');
});

test('codec: a large window travels gzipped and comes back the same; a small one stays plain JSON', () => {
  const big = syntheticWindow('s1', 60, 4000);
  const json = encodeWindow(big);
  assert.ok(json.length > 1024 * 1024, `${json.length} bytes of JSON: over the old 1 MiB limit`);
  const wire = wirePayload(json);
  assert.deepEqual([...wire.subarray(0, 2)], [0x1f, 0x8b], 'the gzip magic is the content flag');
  assert.ok(wire.length < json.length / 2, `${wire.length} bytes on the wire`);
  assert.deepEqual(decodeWindow(wire), { ok: true, value: big });
  const small = wirePayload(encodeWindow(syntheticWindow('s1', 60, 3)));
  assert.equal(small[0], 0x7b, 'plain JSON');
});

test('codec: a gzip bomb or broken gzip is refused, never unpacked without limit', () => {
  const bomb = gzipSync(Buffer.alloc(MAX_JSON_BYTES + 1024, 0x20));
  assert.ok(bomb.length < MAX_MESSAGE_BYTES);
  const decoded = decodeWindow(bomb);
  assert.equal(decoded.ok, false);
  assert.equal(!decoded.ok && decoded.reason, 'bad-gzip');
  const broken = Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not really gzip')]);
  assert.equal(!decodeWindow(broken).ok && (decodeWindow(broken) as { reason: string }).reason, 'bad-gzip');
});

test('codec: every number is checked against its range', () => {
  const good = syntheticWindow('s1', 1_700_000_040, 2);
  const d0 = good.devices[0]!;
  const bad: [string, unknown][] = [
    ['frames past 32 bits', { ...good, frames: 2 ** 31 }],
    ['framesWithRssi over frames', { ...good, framesWithRssi: good.frames + 1 }],
    ['start before 1970', { ...good, windowStart: -60, windowEnd: 0 }],
    ['lastSeen 1e20', { ...good, devices: [{ ...d0, lastSeen: 1e20 }] }],
    ['device outside its window', { ...good, devices: [{ ...d0, firstSeen: good.windowStart - 3600 }] }],
    ['positive dBm', { ...good, devices: [{ ...d0, rssi: { ...d0.rssi!, max: 17 } }] }],
    [
      'mean outside min..max',
      { ...good, devices: [{ ...d0, rssi: { ...d0.rssi!, mean: d0.rssi!.max + 5 } }] },
    ],
    ['channel 4000', { ...good, devices: [{ ...d0, channels: [4000] }] }],
    ['NUL in an SSID', { ...good, devices: [{ ...d0, ssids: ['a\u0000b'] }] }],
    ['a non-printable device id', { ...good, devices: [{ ...d0, deviceId: 'ab cd' }] }],
  ];
  assert.equal(decodeWindow(bytes(encodeWindow(good))).ok, true);
  for (const [what, window] of bad) {
    const decoded = decodeWindow(bytes(JSON.stringify({ schema: 1, window })));
    assert.equal(decoded.ok, false, what);
    assert.equal(!decoded.ok && decoded.reason, 'invalid', what);
  }
  assert.equal(peekWindowStart(bytes(JSON.stringify({ schema: 1, window: bad[0]![1] }))), good.windowStart);
  assert.equal(peekWindowStart(bytes('{not json')), undefined);
});
