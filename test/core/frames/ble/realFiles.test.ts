/**
 * Real captures from test/fixtures/ble, checked against fixed figures and, when tshark is
 * installed, frame by frame against tshark.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isBleError } from '../../../../src/core/frames/ble/bleError.ts';
import { decodeHciEvent, type BleReport } from '../../../../src/core/frames/ble/hciEvents.ts';
import { decodeBleRecord, type BleFrame } from '../../../../src/core/frames/ble/linkLayer.ts';
import { rfChannelToIndex } from '../../../../src/core/frames/ble/radioMeta.ts';
import {
  BTSNOOP_FIXTURE,
  NRF_FIXTURE,
  PHDR_FIXTURE,
  PPI_FIXTURE,
  readBtsnoop,
  readCapture,
  SHARED_DATA,
  sharedDataPresent,
  tsharkAvailable,
  tsharkFields,
} from './helpers.ts';

const noTshark = tsharkAvailable() ? false : 'tshark is not installed';

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

/** Decoded frames of a capture, keyed by 1-based frame number; errors fail the test. */
function decodeCapture(path: string): Map<number, BleFrame> {
  const frames = new Map<number, BleFrame>();
  for (const r of readCapture(path)) {
    const f = decodeBleRecord(r.linkType, r.data);
    assert.ok(f !== undefined && !isBleError(f), `frame ${r.frame}: ${JSON.stringify(f)}`);
    frames.set(r.frame, f);
  }
  return frames;
}

const advertising = (frames: Map<number, BleFrame>) =>
  [...frames.entries()].filter(([, f]) => f.pduType !== 'data');
/** The AdvA of a PDU, as tshark's btle.advertising_address names it. */
const advA = (f: BleFrame) =>
  f.pduType === 'scan-req' || f.pduType === 'connect-ind' ? f.target : f.advertiser;
const PDU_CODES: Record<string, string> = {
  'adv-ind': '0x00',
  'adv-direct-ind': '0x01',
  'adv-nonconn-ind': '0x02',
  'scan-req': '0x03',
  'scan-rsp': '0x04',
  'connect-ind': '0x05',
  'adv-scan-ind': '0x06',
  'adv-ext-ind': '0x07',
};

describe('btsnoop: Android HCI snoop log (horizon74)', () => {
  const reports: BleReport[] = [];
  for (const r of readBtsnoop(BTSNOOP_FIXTURE)) {
    const e = r.hciEvent;
    if (e && e[0] === 0x3e && e[2] === 0x02) reports.push(...decodeHciEvent(e));
  }

  it('412 LE advertising reports from 36 devices, each with its RSSI', () => {
    assert.equal(reports.length, 412);
    assert.equal(new Set(reports.map((r) => r.address)).size, 36);
    assert.ok(reports.every((r) => typeof r.rssi === 'number' && r.rssi < 0 && r.rssi > -127));
  });

  it('event and address types', () => {
    assert.deepEqual(
      countBy(reports, (r) => r.eventType),
      {
        'adv-ind': 126,
        'adv-scan-ind': 1,
        'adv-nonconn-ind': 158,
        'scan-rsp': 127,
      },
    );
    assert.equal(reports.filter((r) => r.addressType === 'public').length, 106);
    assert.equal(reports.filter((r) => r.addressType !== 'public').length, 306);
  });

  it('matches tshark report by report', { skip: noTshark }, () => {
    const rows = tsharkFields(BTSNOOP_FIXTURE, 'bthci_evt.le_meta_subevent == 0x02', [
      'bthci_evt.bd_addr',
      'bthci_evt.rssi',
      'bthci_evt.le_advts_event_type',
      'bthci_evt.le_peer_address_type',
    ]);
    const theirs = rows.flatMap((row) => {
      const cols = row.map((c) => c.split(','));
      return cols[0]!.map((addr, i) => [addr, Number(cols[1]![i]), Number(cols[2]![i]), Number(cols[3]![i])]);
    });
    const types = ['adv-ind', 'adv-direct-ind', 'adv-scan-ind', 'adv-nonconn-ind', 'scan-rsp'];
    const ours = reports.map((r) => [
      r.address,
      r.rssi,
      types.indexOf(r.eventType),
      r.addressType === 'public' ? 0 : 1,
    ]);
    assert.equal(theirs.length, 412);
    assert.deepEqual(ours, theirs);
  });
});

describe('nRF Sniffer capture (link type 272, iPhone 11 in an anechoic chamber)', () => {
  const frames = decodeCapture(NRF_FIXTURE);

  it('every record is an advertising PDU with RSSI and a primary advertising channel', () => {
    assert.equal(frames.size, 4529);
    for (const [n, f] of frames) {
      assert.ok(f.pduType !== 'data', `frame ${n}`);
      assert.ok(typeof f.rssi === 'number' && f.rssi <= -40 && f.rssi >= -70, `frame ${n} rssi ${f.rssi}`);
      assert.ok(f.channel === 37 || f.channel === 38 || f.channel === 39, `frame ${n} channel ${f.channel}`);
      assert.equal(f.crcOk, true);
    }
    assert.deepEqual(
      countBy([...frames.values()], (f) => f.pduType),
      { 'adv-ind': 3983, 'adv-nonconn-ind': 546 },
    );
    assert.deepEqual(
      countBy([...frames.values()], (f) => `${f.advertiser} ${f.addressType}`),
      {
        '50:c9:02:bf:5f:fc resolvable-private': 2009,
        '5e:cb:2e:28:bd:bd resolvable-private': 1974,
        'cc:34:99:79:b1:14 random-static': 546,
      },
    );
  });

  it('matches tshark frame by frame (channel, RSSI, address, PDU type)', { skip: noTshark }, () => {
    const rows = tsharkFields(NRF_FIXTURE, 'btle.advertising_header', [
      'frame.number',
      'nordic_ble.channel',
      'nordic_ble.rssi',
      'btle.advertising_address',
      'btle.advertising_header.pdu_type',
    ]);
    assert.equal(rows.length, advertising(frames).length);
    for (const [n, ch, rssi, addr, type] of rows) {
      const f = frames.get(Number(n))!;
      assert.deepEqual(
        [f.channel, f.rssi, advA(f), PDU_CODES[f.pduType]],
        [Number(ch), Number(rssi), addr, type],
        `frame ${n}`,
      );
    }
  });
});

describe('crackle: LE link layer with PHDR (link type 256)', () => {
  const frames = decodeCapture(PHDR_FIXTURE);

  it('44 advertising PDUs and 259 data PDUs, every one with RSSI and channel', () => {
    assert.equal(frames.size, 303);
    assert.deepEqual(
      countBy([...frames.values()], (f) => f.pduType),
      {
        'adv-ind': 40,
        'scan-req': 1,
        'scan-rsp': 2,
        'connect-ind': 1,
        data: 259,
      },
    );
    assert.ok([...frames.values()].every((f) => f.rssi !== undefined && f.channel !== undefined));
  });

  it('matches tshark frame by frame', { skip: noTshark }, () => {
    const rows = tsharkFields(PHDR_FIXTURE, 'btle', [
      'frame.number',
      'btle_rf.channel',
      'btle_rf.signal_dbm',
      'btle.advertising_address',
      'btle.advertising_header.pdu_type',
    ]);
    assert.equal(rows.length, frames.size);
    for (const [n, rf, dbm, addr, type] of rows) {
      const f = frames.get(Number(n))!;
      const ours = [
        f.channel,
        f.rssi,
        f.pduType === 'data' ? '' : advA(f),
        f.pduType === 'data' ? '' : PDU_CODES[f.pduType],
      ];
      assert.deepEqual(ours, [rfChannelToIndex(Number(rf)), Number(dbm), addr, type], `frame ${n}`);
    }
  });
});

describe('crackle: PPI around Ubertooth BLE (link type 192)', () => {
  const frames = decodeCapture(PPI_FIXTURE);

  it('516 advertising PDUs and 197 data PDUs, every one with channel and (modelled) RSSI', () => {
    assert.equal(frames.size, 713);
    assert.deepEqual(
      countBy([...frames.values()], (f) => f.pduType),
      { 'adv-ind': 515, 'connect-ind': 1, data: 197 },
    );
    assert.ok([...frames.values()].every((f) => f.rssi !== undefined && f.channel !== undefined));
    assert.ok(advertising(frames).every(([, f]) => f.channel === 37));
  });

  it('matches tshark (told that PPI inner link type 147 is btle) frame by frame', { skip: noTshark }, () => {
    const rows = tsharkFields(
      PPI_FIXTURE,
      'btle.advertising_header',
      ['frame.number', 'btle.advertising_address', 'btle.advertising_header.pdu_type'],
      ['-o', 'uat:user_dlts:"User 0 (DLT=147)","btle","0","","0",""'],
    );
    assert.equal(rows.length, advertising(frames).length);
    for (const [n, addr, type] of rows) {
      const f = frames.get(Number(n))!;
      assert.deepEqual([advA(f), PDU_CODES[f.pduType]], [addr, type], `frame ${n}`);
    }
  });
});

describe(
  'fixtures are unmodified copies of ../shared/data',
  { skip: sharedDataPresent ? false : '../shared/data is absent' },
  () => {
    const pairs: [string, string][] = [
      [BTSNOOP_FIXTURE, 'ble/btsnoop/horizon74_btsnoop_hci.log'],
      [NRF_FIXTURE, 'ble/nrf-sniffer/iPhone_11-1_btle_sniffer_05-07-2020-122940.pcapng'],
      [PHDR_FIXTURE, 'ble/crackle/le_secure_connections.pcapng'],
      [PPI_FIXTURE, 'ble/crackle/pairing_and_ltk_exchange.pcap'],
    ];
    for (const [fixture, original] of pairs) {
      it(original, () => assert.ok(readFileSync(fixture).equals(readFileSync(SHARED_DATA + original))));
    }
  },
);
