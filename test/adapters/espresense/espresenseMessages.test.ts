import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MAX_REPORT_BYTES,
  decodeEspresenseReport,
  decodeRoomStatus,
  parseEspresenseTopic,
} from '../../../src/adapters/espresense/espresenseMessages.ts';

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** A report in the shape the firmware's BleFingerprint::fill writes (ESPresense v4). */
const DOCUMENTED =
  '{"id":"apple:1005:9-26","name":"Kate\'s iPhone","idType":-5,"rssi@1m":-65,"rssi":-72,"raw":2.51,' +
  '"distance":2.13,"speed":0.02,"mac":"4c0ffee12345","interval":1203}';

test('topics: device reports and node status under the prefix, nothing else', () => {
  assert.deepEqual(parseEspresenseTopic('espresense', 'espresense/devices/apple:1005:9-26/kitchen'), {
    kind: 'device',
    deviceId: 'apple:1005:9-26',
    room: 'kitchen',
  });
  assert.deepEqual(parseEspresenseTopic('espresense', 'espresense/rooms/kitchen/status'), {
    kind: 'room-status',
    room: 'kitchen',
  });
  for (const other of [
    'espresense/devices/apple:1005:9-26/kitchen/miflora', // a sub-report
    'espresense/devices//kitchen',
    'espresense/rooms/kitchen/telemetry',
    'espresense/rooms/kitchen/max_distance',
    'espresense/settings/x/config',
    'other/devices/x/kitchen',
    'espresensex/devices/x/kitchen',
  ])
    assert.equal(parseEspresenseTopic('espresense', other), undefined, other);
  assert.equal(parseEspresenseTopic('site/esp', 'site/esp/devices/irk:1/hall')?.kind, 'device');
});

test('a documented report keeps the RSSI, distance, calibration, name and maker; the MAC is not read', () => {
  const decoded = decodeEspresenseReport(bytes(DOCUMENTED), 'apple:1005:9-26');
  assert.ok(decoded.ok);
  assert.deepEqual(decoded.report, {
    id: 'apple:1005:9-26',
    rssi: -72,
    distance: 2.13,
    rssiAt1m: -65,
    name: "Kate's iPhone",
    companyId: 0x004c,
  });
  assert.ok(!JSON.stringify(decoded.report).includes('4c0ffee12345'));
});

test('ids name their maker where the firmware says so; md: carries the company', () => {
  const company = (id: string) => {
    const d = decodeEspresenseReport(bytes(JSON.stringify({ id, rssi: -80 })), id);
    return d.ok ? d.report.companyId : 'refused';
  };
  assert.equal(company('msft:cdp:0109'), 0x0006);
  assert.equal(company('sonos:c0ffee123456'), 0x05a7);
  assert.equal(company('md:0499:26'), 0x0499);
  assert.equal(company('iBeacon:e2c56db5-dffb-48d2-b060-d0f5a71096e0-1-2'), undefined);
  assert.equal(company('known:c0ffee123456'), undefined);
});

test('bad reports are refused by reason, never thrown', () => {
  const reason = (payload: string | Buffer, id = 'irk:abc') => {
    const d = decodeEspresenseReport(typeof payload === 'string' ? bytes(payload) : payload, id);
    return d.ok ? 'ok' : d.reason;
  };
  assert.equal(reason('{"id":"irk:abc","rssi":-70}'), 'ok');
  assert.equal(reason('{"rssi":-70}'), 'ok', 'the topic names the device when the payload does not');
  assert.equal(reason('{"id":"irk:other","rssi":-70}'), 'id-mismatch');
  assert.equal(reason('{"id":"irk:abc"}'), 'invalid');
  assert.equal(reason('{"id":"irk:abc","rssi":12}'), 'invalid');
  assert.equal(reason('{"id":"irk:abc","rssi":"-70"}'), 'invalid');
  assert.equal(reason('[1,2]'), 'invalid');
  assert.equal(reason('null'), 'invalid');
  assert.equal(reason('{"id":'), 'bad-json');
  assert.equal(reason(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 'bad-json');
  assert.equal(reason(Buffer.alloc(MAX_REPORT_BYTES + 1, 0x20)), 'oversized');
  // Out-of-range extras are dropped, the report kept.
  const d = decodeEspresenseReport(bytes('{"rssi":-70,"distance":-3,"rssi@1m":40,"name":""}'), 'x');
  assert.ok(d.ok);
  assert.deepEqual(d.report, { id: 'x', rssi: -70 });
});

test('a name that spells the device id out is dropped (it would carry the id, and its address, along)', () => {
  const id = 'known:c0ffee123456';
  const d = decodeEspresenseReport(bytes(JSON.stringify({ id, rssi: -60, name: `tag ${id}` })), id);
  assert.ok(d.ok);
  assert.equal(d.report.name, undefined);
});

test('hostile bytes never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.string({ maxLength: 40 }), (payload, id) => {
      const d = decodeEspresenseReport(payload, id);
      assert.ok(d.ok === true || typeof d.reason === 'string');
      decodeRoomStatus(payload);
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(
      fc.record({ id: fc.anything(), rssi: fc.anything(), distance: fc.anything(), name: fc.anything() }),
      (o) => {
        const d = decodeEspresenseReport(bytes(JSON.stringify(o) ?? 'null'), 'x');
        if (d.ok) assert.ok(d.report.rssi <= 0 && d.report.rssi >= -150);
      },
    ),
    { numRuns: 2000 },
  );
});

test('node status: online and offline, as the firmware and its last will send them', () => {
  assert.equal(decodeRoomStatus(bytes('online')), true);
  assert.equal(decodeRoomStatus(bytes('offline')), false);
  assert.equal(decodeRoomStatus(bytes('maybe')), undefined);
});
