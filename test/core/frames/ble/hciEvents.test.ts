import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeHciEvent } from '../../../../src/core/frames/ble/hciEvents.ts';
import { hex } from './helpers.ts';

/** An HCI event: code, parameter length, parameters. */
function event(code: number, params: string): Uint8Array {
  const p = params.replace(/\s+/g, '');
  return hex(code.toString(16).padStart(2, '0') + (p.length / 2).toString(16).padStart(2, '0') + p);
}

const A1 = '131271da7d1a'; // 1a:7d:da:71:12:13 on the air
const A2 = '5544332211c3'; // c3:11:22:33:44:55, random static
const RPA = 'bdbd282ecb5e'; // 5e:cb:2e:28:bd:bd, resolvable

describe('decodeHciEvent: LE Advertising Report', () => {
  const expected = [
    {
      eventType: 'adv-ind',
      address: '1a:7d:da:71:12:13',
      addressType: 'public',
      rssi: -60,
      flags: 6,
      name: undefined,
    },
    {
      eventType: 'scan-rsp',
      address: 'c3:11:22:33:44:55',
      addressType: 'random-static',
      rssi: undefined,
      flags: undefined,
      name: 'ABC',
    },
  ];
  const summary = (event: Uint8Array) =>
    decodeHciEvent(event).map((r) => ({
      eventType: r.eventType,
      address: r.address,
      addressType: r.addressType,
      rssi: r.rssi,
      flags: r.ad?.flags,
      name: r.ad?.localName,
    }));

  it('reads two reports laid out one after the other (controllers, Linux, Wireshark)', () => {
    const e = event(0x3e, '02 02' + '00 00' + A1 + '03 020106 c4' + '04 01' + A2 + '05 0409414243 7f');
    assert.deepEqual(summary(e), expected);
  });

  it('reads two reports in the array layout the specification draws', () => {
    const e = event(0x3e, '02 02' + '00 04' + '00 01' + A1 + A2 + '03 05' + '020106 0409414243' + 'c4 7f');
    assert.deepEqual(summary(e), expected);
  });

  it('one report: resolvable private address and a beacon label', () => {
    const e = event(0x3e, '02 01' + '03 01' + RPA + '08 07ff4c0010023118' + 'b5');
    const [r] = decodeHciEvent(e);
    assert.equal(r?.addressType, 'resolvable-private');
    assert.equal(r?.eventType, 'adv-nonconn-ind');
    assert.equal(r?.rssi, -75);
    assert.equal(r?.beacon, 'apple-nearby-info');
  });

  it('a report that does not fit gives nothing rather than garbage', () => {
    assert.deepEqual(decodeHciEvent(event(0x3e, '02 02' + '00 00' + A1 + '03 020106 c4')), []);
    assert.deepEqual(decodeHciEvent(hex('3e0f0201000013')), []);
  });
});

describe('decodeHciEvent: other LE reports', () => {
  it('LE Extended Advertising Report', () => {
    const report = (type: string, addrType: string, addr: string, data: string) =>
      type +
      addrType +
      addr +
      '01 03 00 f4 b5 0000 00 000000000000' +
      (data.length / 2).toString(16).padStart(2, '0') +
      data;
    const e = event(
      0x3e,
      '0d 03' +
        report('0000', '01', RPA, '0201060409414243') +
        report('1300', '00', A1, '020106') +
        report('0000', 'ff', '000000000000', ''),
    );
    const reports = decodeHciEvent(e);
    assert.equal(reports.length, 3);
    assert.equal(reports[0]?.eventType, 'ext-adv');
    assert.equal(reports[0]?.address, '5e:cb:2e:28:bd:bd');
    assert.equal(reports[0]?.addressType, 'resolvable-private');
    assert.equal(reports[0]?.rssi, -75);
    assert.equal(reports[0]?.txPower, -12);
    assert.equal(reports[0]?.ad?.localName, 'ABC');
    assert.equal(reports[1]?.eventType, 'adv-ind');
    assert.equal(reports[1]?.addressType, 'public');
    assert.equal(reports[2]?.address, undefined);
  });

  it('LE Directed Advertising Report', () => {
    const e = event(0x3e, '0b 01' + '01 01' + RPA + '01' + A2 + 'c0');
    assert.deepEqual(decodeHciEvent(e), [
      {
        eventType: 'adv-direct-ind',
        address: '5e:cb:2e:28:bd:bd',
        addressType: 'resolvable-private',
        rssi: -64,
      },
    ]);
  });

  it('HCI identity address types 2 and 3', () => {
    const e = event(0x3e, '02 02' + '00 02' + A1 + '00 c4' + '00 03' + A2 + '00 c4');
    assert.deepEqual(
      decodeHciEvent(e).map((r) => r.addressType),
      ['public', 'random-static'],
    );
  });
});

describe('decodeHciEvent: BR/EDR inquiry', () => {
  it('Inquiry Result with RSSI', () => {
    const e = event(0x22, '01' + A1 + '01 00 0c025a 1234 c8');
    assert.deepEqual(decodeHciEvent(e), [
      {
        eventType: 'inquiry-result',
        address: '1a:7d:da:71:12:13',
        addressType: 'bredr',
        classOfDevice: 0x5a020c,
        rssi: -56,
      },
    ]);
  });

  it('Inquiry Result with RSSI in the 15-byte form (with page scan mode)', () => {
    const e = event(0x22, '02' + A1 + '01 00 00 0c025a 1234 c8' + A2 + '01 00 00 04010c 1234 b0');
    assert.deepEqual(
      decodeHciEvent(e).map((r) => [r.address, r.classOfDevice, r.rssi]),
      [
        ['1a:7d:da:71:12:13', 0x5a020c, -56],
        ['c3:11:22:33:44:55', 0x0c0104, -80],
      ],
    );
  });

  it('Inquiry Result without RSSI', () => {
    const e = event(0x02, '01' + A1 + '01 00 00 0c025a 1234');
    assert.deepEqual(decodeHciEvent(e), [
      {
        eventType: 'inquiry-result',
        address: '1a:7d:da:71:12:13',
        addressType: 'bredr',
        classOfDevice: 0x5a020c,
      },
    ]);
  });

  it('Extended Inquiry Result with its EIR data', () => {
    const eir = ('0609 50686f6e65' + '020a04').replace(/ /g, '');
    const e = event(0x2f, '01' + A1 + '01 00 0c025a 1234 7f' + eir + '00'.repeat(240 - eir.length / 2));
    const [r] = decodeHciEvent(e);
    assert.equal(r?.eventType, 'extended-inquiry-result');
    assert.equal(r?.rssi, undefined);
    assert.equal(r?.ad?.localName, 'Phone');
    assert.equal(r?.ad?.txPower, 4);
    assert.equal(r?.ad?.truncated, false);
  });
});

describe('decodeHciEvent: anything else', () => {
  it('returns [] for other events and short input', () => {
    assert.deepEqual(decodeHciEvent(hex('0e0401030c00')), []);
    assert.deepEqual(decodeHciEvent(hex('3e0103')), []);
    assert.deepEqual(decodeHciEvent(hex('3e')), []);
    assert.deepEqual(decodeHciEvent(new Uint8Array(0)), []);
  });
});
