import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBleError } from '../../../../src/core/frames/ble/bleError.ts';
import { companyName } from '../../../../src/core/frames/ble/companyName.ts';
import {
  decodeBleRecord,
  decodeLlPacket,
  isRandomizedBle,
  type BleFrame,
} from '../../../../src/core/frames/ble/linkLayer.ts';
import { cc2400RssiToDbm } from '../../../../src/core/frames/ble/ppi.ts';
import { hex } from './helpers.ts';

const ADV_AA = 'd6be898e';
const CRC = 'a1b2c3';

/** An address written MSB first, as the on-air bytes (LSB first) in hex. */
function air(address: string): string {
  return address.split(':').reverse().join('');
}

/** An LE packet: access address, PDU header, length, payload, CRC. */
function ll(header: number, payload: string, aa = ADV_AA): string {
  const p = payload.replace(/\s+/g, '');
  return aa + header.toString(16).padStart(2, '0') + (p.length / 2).toString(16).padStart(2, '0') + p + CRC;
}

function frame(linkType: number, bytes: string): BleFrame {
  const result = decodeBleRecord(linkType, hex(bytes));
  assert.ok(result !== undefined, 'expected a frame');
  assert.ok(!isBleError(result), `unexpected error ${JSON.stringify(result)}`);
  return result;
}

function error(linkType: number, bytes: string): string {
  const result = decodeBleRecord(linkType, hex(bytes));
  assert.ok(result !== undefined && isBleError(result), `expected an error, got ${JSON.stringify(result)}`);
  return result.error;
}

const PUBLIC = '00:1a:7d:da:71:13';
const STATIC = 'c3:11:22:33:44:55';
const RESOLVABLE = '5e:cb:2e:28:bd:bd';
const NON_RESOLVABLE = '1a:2b:3c:4d:5e:6f';
const TX_ADD = 0x40;
const RX_ADD = 0x80;

describe('decodeLlPacket: advertising PDU types (link type 251)', () => {
  it('ADV_IND with a public address and advertising data', () => {
    const f = frame(251, ll(0x00, air(PUBLIC) + '020106 0509 54657374'));
    assert.equal(f.pduType, 'adv-ind');
    assert.equal(f.advertiser, PUBLIC);
    assert.equal(f.addressType, 'public');
    assert.equal(f.ad?.flags, 6);
    assert.equal(f.ad?.localName, 'Test');
    assert.equal(f.rssi, undefined);
    assert.equal(f.channel, undefined);
  });

  it('ADV_DIRECT_IND names the advertiser and the target', () => {
    const f = frame(251, ll(0x01 | TX_ADD | RX_ADD, air(RESOLVABLE) + air(STATIC)));
    assert.equal(f.pduType, 'adv-direct-ind');
    assert.equal(f.advertiser, RESOLVABLE);
    assert.equal(f.addressType, 'resolvable-private');
    assert.equal(f.target, STATIC);
    assert.equal(f.targetAddressType, 'random-static');
    assert.equal(f.ad, undefined);
  });

  it('ADV_NONCONN_IND carrying an iBeacon', () => {
    const ibeacon = '1aff4c000215e2c56db5dffb48d2b060d0f5a71096e000010002c5';
    const f = frame(251, ll(0x02 | TX_ADD, air(NON_RESOLVABLE) + '020106' + ibeacon));
    assert.equal(f.pduType, 'adv-nonconn-ind');
    assert.equal(f.addressType, 'non-resolvable-private');
    assert.equal(f.beacon, 'ibeacon');
    assert.equal(f.ad?.manufacturerData[0]?.companyId, 0x004c);
  });

  it('SCAN_REQ: the transmitter is the scanner (TxAdd), the target the advertiser (RxAdd)', () => {
    const f = frame(251, ll(0x03 | TX_ADD, air(RESOLVABLE) + air(PUBLIC)));
    assert.equal(f.pduType, 'scan-req');
    assert.equal(f.advertiser, RESOLVABLE);
    assert.equal(f.addressType, 'resolvable-private');
    assert.equal(f.target, PUBLIC);
    assert.equal(f.targetAddressType, 'public');
  });

  it('SCAN_RSP with a local name', () => {
    const f = frame(251, ll(0x04 | TX_ADD, air(STATIC) + '0609 4c616d70 31'));
    assert.equal(f.pduType, 'scan-rsp');
    assert.equal(f.addressType, 'random-static');
    assert.equal(f.ad?.localName, 'Lamp1');
  });

  it('CONNECT_IND: InitA, AdvA and the link-layer data', () => {
    const llData = '00'.repeat(22);
    const f = frame(251, ll(0x05 | RX_ADD, air(PUBLIC) + air(STATIC) + llData));
    assert.equal(f.pduType, 'connect-ind');
    assert.equal(f.advertiser, PUBLIC);
    assert.equal(f.target, STATIC);
    assert.equal(f.targetAddressType, 'random-static');
  });

  it('ADV_SCAN_IND', () => {
    const f = frame(251, ll(0x06, air(PUBLIC) + '020102'));
    assert.equal(f.pduType, 'adv-scan-ind');
    assert.equal(f.ad?.flags, 2);
  });

  it('ADV_EXT_IND without AdvA (ADI and AuxPtr only) has no advertiser', () => {
    // ext header length 6: flags (ADI|AuxPtr), ADI (2), AuxPtr (3)
    const f = frame(251, ll(0x07, '06 18 0110 250000'));
    assert.equal(f.pduType, 'adv-ext-ind');
    assert.equal(f.advertiser, undefined);
    assert.equal(f.ad, undefined);
  });

  it('AUX_ADV_IND with AdvA, TxPower and advertising data', () => {
    // ext header length 10: flags (AdvA|ADI|TxPower), AdvA (6), ADI (2), TxPower (1)
    const f = frame(251, ll(0x07 | TX_ADD, '0a 49' + air(STATIC) + '0110 f4' + '0509 41757831'));
    assert.equal(f.pduType, 'adv-ext-ind');
    assert.equal(f.advertiser, STATIC);
    assert.equal(f.addressType, 'random-static');
    assert.equal(f.ad?.localName, 'Aux1');
  });

  it('ADV_EXT_IND with TargetA', () => {
    const f = frame(251, ll(0x07 | TX_ADD | RX_ADD, '0d 03' + air(RESOLVABLE) + air(STATIC)));
    assert.equal(f.advertiser, RESOLVABLE);
    assert.equal(f.target, STATIC);
  });

  it('the reserved random sub-type 10 gives plain random', () => {
    const f = frame(251, ll(0x00 | TX_ADD, air('8a:00:00:00:00:01')));
    assert.equal(f.addressType, 'random');
  });

  it('a data-channel packet is reported as data, without addresses', () => {
    const f = frame(251, ll(0x01, '', '274a6550'));
    assert.deepEqual(f, { pduType: 'data' });
  });

  it('refuses reserved PDU types, short PDUs and lengths past the end', () => {
    assert.equal(error(251, ll(0x09, air(PUBLIC))), 'ble-reserved-pdu-type');
    assert.equal(error(251, ll(0x00, '0102')), 'ble-pdu-truncated');
    assert.equal(error(251, ll(0x01, air(PUBLIC))), 'ble-pdu-truncated');
    assert.equal(error(251, ADV_AA + '0025' + air(PUBLIC)), 'ble-pdu-truncated');
    assert.equal(error(251, 'd6be89'), 'ble-truncated');
    assert.equal(error(251, ll(0x07, '3f 01')), 'ble-pdu-truncated');
    assert.equal(error(251, ll(0x07, '03 01 1122')), 'ble-pdu-truncated');
  });

  it('decodes from an offset', () => {
    const data = hex('ffff' + ll(0x00, air(PUBLIC)));
    const f = decodeLlPacket(data, 2);
    assert.ok(!isBleError(f));
    assert.equal(f.advertiser, PUBLIC);
  });
});

describe('link type 256 (LE link layer with PHDR)', () => {
  const phdr = (rf: string, signal: string, flags: number) =>
    rf +
    signal +
    'c9' +
    '00' +
    ADV_AA +
    (flags & 0xff).toString(16).padStart(2, '0') +
    (flags >> 8).toString(16).padStart(2, '0');

  it('takes RSSI (when flagged valid), channel and CRC status from the header', () => {
    const f = frame(256, phdr('0c', 'c4', 0x0c13) + ll(0x00, air(PUBLIC)));
    assert.equal(f.rssi, -60);
    assert.equal(f.channel, 38);
    assert.equal(f.crcOk, true);
    assert.equal(f.advertiser, PUBLIC);
  });

  it('no RSSI when the signal power is not flagged valid; RF channels map to channel indexes', () => {
    const f = frame(256, phdr('27', 'c4', 0x0001) + ll(0x00, air(PUBLIC)));
    assert.equal(f.rssi, undefined);
    assert.equal(f.channel, 39);
    assert.equal(f.crcOk, undefined);
    assert.equal(frame(256, phdr('00', '00', 0) + ll(0x00, air(PUBLIC))).channel, 37);
    assert.equal(frame(256, phdr('05', '00', 0) + ll(0x01, '', '11223344')).channel, 4);
    assert.equal(frame(256, phdr('0d', '00', 0) + ll(0x01, '', '11223344')).channel, 11);
  });

  it('a failed CRC check is reported', () => {
    assert.equal(frame(256, phdr('00', 'c4', 0x0403) + ll(0x00, air(PUBLIC))).crcOk, false);
  });

  it('LE Coded PHY packets carry a coding indicator after the access address', () => {
    const packet = ll(0x00, air(PUBLIC)).replace(ADV_AA, ADV_AA + '00');
    const f = frame(256, phdr('00', 'b0', 0x8003) + packet);
    assert.equal(f.advertiser, PUBLIC);
    assert.equal(f.rssi, -80);
  });

  it('refuses a record shorter than the header', () => assert.equal(error(256, '0011'), 'le-phdr-truncated'));
});

describe('link type 272 (nRF Sniffer for Bluetooth LE)', () => {
  function nordic(
    version: number,
    id: number,
    flags: number,
    channel: number,
    rssiAbs: number,
    packet: string,
  ): string {
    const payload =
      '0a' +
      [flags, channel, rssiAbs].map((b) => b.toString(16).padStart(2, '0')).join('') +
      '0000' +
      '70010000' +
      packet;
    const plen = payload.length / 2;
    const header =
      version === 1
        ? '06' + plen.toString(16).padStart(2, '0') + '01'
        : (plen & 0xff).toString(16).padStart(2, '0') +
          (plen >> 8).toString(16).padStart(2, '0') +
          '0' +
          version;
    return '8e' + header + 'cfd3' + id.toString(16).padStart(2, '0') + payload;
  }

  it('header version 2: RSSI is the negated byte, channel and CRC flag as given', () => {
    const f = frame(272, nordic(2, 0x06, 0x01, 38, 53, ll(0x00 | TX_ADD, air(RESOLVABLE) + '020106')));
    assert.equal(f.pduType, 'adv-ind');
    assert.equal(f.rssi, -53);
    assert.equal(f.channel, 38);
    assert.equal(f.crcOk, true);
    assert.equal(f.addressType, 'resolvable-private');
  });

  it('header version 1', () => {
    const f = frame(272, nordic(1, 0x06, 0x00, 37, 90, ll(0x02, air(PUBLIC))));
    assert.equal(f.rssi, -90);
    assert.equal(f.channel, 37);
    assert.equal(f.crcOk, false);
  });

  it('header version 3: advertising PDU id and LE Coded PHY', () => {
    const packet = ll(0x00, air(PUBLIC)).replace(ADV_AA, ADV_AA + '01');
    const f = frame(272, nordic(3, 0x02, 0x21, 39, 70, packet));
    assert.equal(f.pduType, 'adv-ind');
    assert.equal(f.advertiser, PUBLIC);
    assert.equal(f.channel, 39);
    assert.equal(f.rssi, -70);
  });

  it('sniffer events that are not received packets give undefined', () => {
    assert.equal(decodeBleRecord(272, hex(nordic(2, 0x0e, 0, 0, 0, ''))), undefined);
    assert.equal(decodeBleRecord(272, hex(nordic(2, 0x02, 0, 0, 0, ''))), undefined);
  });

  it('refuses the legacy format, unknown versions and short records', () => {
    assert.equal(error(272, '00beef0000000000'), 'nordic-unsupported-version');
    assert.equal(
      error(272, nordic(2, 6, 1, 37, 50, ll(0, air(PUBLIC))).replace(/^8e(....)02/, '8e$107')),
      'nordic-unsupported-version',
    );
    assert.equal(error(272, '8e2a00'), 'nordic-truncated');
    assert.equal(error(272, nordic(2, 6, 1, 37, 50, ll(0, air(PUBLIC))).slice(0, -8)), 'nordic-truncated');
  });
});

describe('link type 192 (PPI)', () => {
  const ppiBtle = (mhz: number, rssiMax: string) =>
    '0000' +
    '1800' +
    '93000000' +
    '3675' +
    '0c00' +
    '00' +
    (mhz & 0xff).toString(16) +
    (mhz >> 8).toString(16).padStart(2, '0') +
    '00' +
    '6b36e300' +
    rssiMax +
    'dcee3c';

  it('decodes Ubertooth BLE: channel from the frequency, RSSI from the CC2400 model', () => {
    const f = frame(192, ppiBtle(2426, 'e8') + ll(0x00, air(PUBLIC) + '020105'));
    assert.equal(f.pduType, 'adv-ind');
    assert.equal(f.advertiser, PUBLIC);
    assert.equal(f.channel, 38);
    assert.equal(f.rssi, -77);
  });

  it('refuses other PPI payloads clearly', () => {
    const wifi = hex('0000' + '0800' + '69000000' + '80000000');
    const result = decodeBleRecord(192, wifi);
    assert.ok(result !== undefined && isBleError(result));
    assert.equal(result.error, 'unsupported-link-type-192');
    assert.match(result.message, /PPI \(link type 192\)/);
  });

  it('refuses a header that runs past the record', () =>
    assert.equal(error(192, '00003000930000003675'), 'ppi-truncated'));

  it('CC2400 model', () => {
    assert.equal(cc2400RssiToDbm(-60), -120);
    assert.equal(cc2400RssiToDbm(-46), -108);
    assert.equal(cc2400RssiToDbm(34), -5);
    assert.equal(cc2400RssiToDbm(40), 0);
  });
});

describe('decodeBleRecord dispatch and helpers', () => {
  it('returns undefined for link types that are not BLE', () => {
    assert.equal(decodeBleRecord(105, hex('0800')), undefined);
    assert.equal(decodeBleRecord(127, hex('0000')), undefined);
  });

  it('isRandomizedBle: anything but public and random static', () => {
    assert.equal(isRandomizedBle('public'), false);
    assert.equal(isRandomizedBle('random-static'), false);
    assert.equal(isRandomizedBle('resolvable-private'), true);
    assert.equal(isRandomizedBle('non-resolvable-private'), true);
    assert.equal(isRandomizedBle('random'), true);
    assert.equal(isRandomizedBle(undefined), false);
  });

  it('companyName looks up the generated SIG table', () => {
    assert.equal(companyName(0x004c), 'Apple, Inc.');
    assert.equal(companyName(0x0006), 'Microsoft');
    assert.equal(companyName(0x0059), 'Nordic Semiconductor ASA');
    assert.equal(companyName(0xfffe), undefined);
    assert.equal(companyName(-1), undefined);
    assert.equal(companyName(1.5), undefined);
  });
});
