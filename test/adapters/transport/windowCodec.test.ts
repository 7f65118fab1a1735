import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeStatus,
  decodeWindow,
  encodeStatus,
  encodeWindow,
  MAX_MESSAGE_BYTES,
} from '../../../src/adapters/transport/windowCodec.ts';
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
