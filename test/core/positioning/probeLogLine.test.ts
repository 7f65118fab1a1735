import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  PROBE_LOG_HEADER,
  formatProbeLogLine,
  normaliseFrameType,
  normaliseSensorId,
  parseProbeLogLine,
  parseSpotName,
} from '../../../src/core/positioning/probeLogLine.ts';

function observation(line: string) {
  const r = parseProbeLogLine(line);
  assert.equal(r.kind, 'observation', JSON.stringify(r));
  return r.kind === 'observation' ? r.observation : assert.fail();
}

describe('parseProbeLogLine', () => {
  it('reads a Wi-Fi probe request', () => {
    const o = observation(
      '1581249601408682,E4:95:6E:41:0A:C2,DA-A1-19-00-11-22,ff:ff:ff:ff:ff:ff,ff:ff:ff:ff:ff:ff,ProbeRequest,-67,6,Home WiFi',
    );
    assert.deepEqual(o, {
      t: 1581249601.408682,
      sensorId: 'e4:95:6e:41:0a:c2',
      medium: 'wifi',
      mac: 'da:a1:19:00:11:22',
      frameType: 'probe-req',
      rssi: -67,
      channel: 6,
      freqMhz: 2437,
      ssid: 'Home WiFi',
    });
  });

  it('reads a BLE advertisement with no channel and no SSID', () => {
    const o = observation('1581249601409991,b827ebfd7811,e7:8f:13:56:24:ce,,,adv-ind,-77,,');
    assert.equal(o.medium, 'ble');
    assert.equal(o.sensorId, 'b8:27:eb:fd:78:11');
    assert.equal(o.channel, undefined);
    assert.equal(o.freqMhz, undefined);
    assert.equal(o.ssid, undefined);
    const adv = observation('1,b827ebfd7811,e7:8f:13:56:24:ce,,,ADV_IND,-77,37,');
    assert.equal(adv.freqMhz, 2402);
  });

  it('keeps commas in the SSID, quoted or not', () => {
    assert.equal(
      observation('1,aa:bb:cc:dd:ee:ff,02:00:00:00:00:01,,,probe-req,-50,1,cafe, bar, and more').ssid,
      'cafe, bar, and more',
    );
    assert.equal(
      observation('1,aa:bb:cc:dd:ee:ff,02:00:00:00:00:01,,,probe-req,-50,1,"say ""hi"", ok"').ssid,
      'say "hi", ok',
    );
  });

  it('takes CRLF line ends, a byte-order mark and spaces around fields', () => {
    const o = observation(
      '\uFEFF 1000000 , aa:bb:cc:dd:ee:ff , 02:00:00:00:00:01 ,,, probe-req , -50 , 11 ,x\r\n',
    );
    assert.equal(o.t, 1);
    assert.equal(o.channel, 11);
    assert.equal(o.ssid, 'x');
  });

  it('keeps a frame without RSSI (presence still counts it)', () => {
    assert.equal(observation('1,aa:bb:cc:dd:ee:ff,02:00:00:00:00:01,,,probe-req,,6,').rssi, undefined);
  });

  it('recognises the header and blank lines', () => {
    assert.deepEqual(parseProbeLogLine(PROBE_LOG_HEADER), { kind: 'header' });
    assert.deepEqual(parseProbeLogLine('timestamp(us),probemac'), { kind: 'header' });
    assert.deepEqual(parseProbeLogLine('   \r'), { kind: 'blank' });
  });

  it('names what is wrong with a bad line', () => {
    const bad = (line: string) => {
      const r = parseProbeLogLine(line);
      return r.kind === 'bad' ? r.problem : r.kind;
    };
    assert.equal(bad('1,2,3'), 'too-few-fields');
    assert.equal(bad('-5,aa:bb:cc:dd:ee:ff,02:00:00:00:00:01,,,probe-req,-50,6,'), 'bad-timestamp');
    assert.equal(bad('1e6,aa:bb:cc:dd:ee:ff,02:00:00:00:00:01,,,probe-req,-50,6,'), 'bad-timestamp');
    assert.equal(bad('1, ,02:00:00:00:00:01,,,probe-req,-50,6,'), 'bad-probe');
    assert.equal(bad('1,aa:bb:cc:dd:ee:ff,02:00:00:00:01,,,probe-req,-50,6,'), 'bad-source-mac');
    assert.equal(bad('1,aa:bb:cc:dd:ee:ff,02:00:00:00:00:01,,,probe-req,loud,6,'), 'bad-rssi');
    assert.equal(bad('1,aa:bb:cc:dd:ee:ff,02:00:00:00:00:01,,,probe-req,-140,6,'), 'bad-rssi');
    assert.equal(bad('1,aa:bb:cc:dd:ee:ff,02:00:00:00:00:01,,,probe-req,40,6,'), 'non-negative-rssi');
    assert.equal(bad('1,aa:bb:cc:dd:ee:ff,02:00:00:00:00:01,,,probe-req,17,6,'), 'non-negative-rssi');
    assert.equal(bad('1,aa:bb:cc:dd:ee:ff,02:00:00:00:00:01,,,probe-req,0,6,'), 'non-negative-rssi');
    assert.equal(observation('1,aa:bb:cc:dd:ee:ff,02:00:00:00:00:01,,,probe-req,-1,6,').rssi, -1);
    assert.equal(bad('1,aa:bb:cc:dd:ee:ff,02:00:00:00:00:01,,,probe-req,-50,6.5,'), 'bad-channel');
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = parseProbeLogLine(s);
        assert.ok(['observation', 'header', 'blank', 'bad'].includes(r.kind));
      }),
    );
  });

  it('formatProbeLogLine round-trips through the parser', () => {
    const hex = fc.integer({ min: 0, max: 255 }).map((b) => b.toString(16).padStart(2, '0'));
    const mac = fc.array(hex, { minLength: 6, maxLength: 6 }).map((a) => a.join(':'));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 52 }),
        mac,
        mac,
        fc.option(fc.integer({ min: -120, max: -1 }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 13 }), { nil: undefined }),
        fc.option(
          fc.string({ minLength: 1, maxLength: 32 }).filter((s) => !/[\r\n]/.test(s) && s.trim() === s),
          { nil: undefined },
        ),
        (us, probe, source, rssi, channel, ssid) => {
          const line = formatProbeLogLine({
            timestampUs: us,
            probe,
            source,
            frameType: 'probe-req',
            rssi,
            channel,
            ssid,
          });
          const o = observation(line);
          assert.equal(o.t, us / 1e6);
          assert.equal(o.sensorId, probe);
          assert.equal(o.mac, source);
          assert.equal(o.rssi, rssi);
          assert.equal(o.channel, channel);
          assert.equal(o.ssid, ssid);
        },
      ),
    );
  });
});

describe('names', () => {
  it('sensor ids compare case- and separator-insensitively', () => {
    assert.equal(normaliseSensorId('E4956E410AC2'), normaliseSensorId('e4-95-6e-41-0a-c2'));
    assert.equal(normaliseSensorId('e4956e410ac2'), 'e4:95:6e:41:0a:c2');
    assert.equal(normaliseSensorId(' Lobby-Pi '), 'lobby-pi');
  });

  it('frame types get short stable names', () => {
    assert.equal(normaliseFrameType('Probe Request'), 'probe-req');
    assert.equal(normaliseFrameType('probe_req'), 'probe-req');
    assert.equal(normaliseFrameType('0x0004'), 'probe-req');
    assert.equal(normaliseFrameType('4'), 'probe-req');
    assert.equal(normaliseFrameType('8'), 'beacon');
    assert.equal(normaliseFrameType('QoS Data'), 'qos-data');
    assert.equal(normaliseFrameType('ADV_NONCONN_IND'), 'adv-nonconn-ind');
    assert.equal(normaliseFrameType(''), 'unknown');
    assert.equal(normaliseFrameType('Weird Thing'), 'weird-thing');
  });

  it('a recording at a spot is named X-Y.log', () => {
    assert.deepEqual(parseSpotName('3.5-2.log'), { x: 3.5, y: 2 });
    assert.deepEqual(parseSpotName('/data/run1/10.36-10.95.log'), { x: 10.36, y: 10.95 });
    assert.deepEqual(parseSpotName('-1.5--2.log'), { x: -1.5, y: -2 });
    assert.equal(parseSpotName('track.log'), undefined);
    assert.equal(parseSpotName('3-4.csv'), undefined);
  });
});
