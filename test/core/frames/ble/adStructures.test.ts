import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAdStructures } from '../../../../src/core/frames/ble/adStructures.ts';
import { displayText } from '../../../../src/core/frames/ble/displayText.ts';
import { hex } from './helpers.ts';

function parse(s: string) {
  const data = hex(s);
  return parseAdStructures(data, 0, data.length);
}

describe('parseAdStructures', () => {
  it('reads flags, names, TX power and appearance', () => {
    const ad = parse('020106 0509 54657374 0308 5465 020af4 031941 02');
    assert.equal(ad.flags, 0x06);
    assert.equal(ad.localName, 'Test');
    assert.equal(ad.shortName, 'Te');
    assert.equal(ad.txPower, -12);
    assert.equal(ad.appearance, 0x0241);
    assert.equal(ad.truncated, false);
  });

  it('reads manufacturer data with its little-endian company id', () => {
    const ad = parse('0aff4c001005311874 7605');
    assert.equal(ad.manufacturerData.length, 1);
    assert.equal(ad.manufacturerData[0]!.companyId, 0x004c);
    assert.deepEqual([...ad.manufacturerData[0]!.data], [0x10, 0x05, 0x31, 0x18, 0x74, 0x76, 0x05]);
  });

  it('reads 16-, 32- and 128-bit service UUID lists', () => {
    const ad = parse('05030f180a18 050478563412 11' + '07' + 'fb349b5f80000080001000000f180000');
    assert.deepEqual(ad.serviceUuids16, ['180f', '180a']);
    assert.deepEqual(ad.serviceUuids32, ['12345678']);
    assert.deepEqual(ad.serviceUuids128, ['0000180f-0000-1000-8000-00805f9b34fb']);
  });

  it('reads service data for 16-, 32- and 128-bit UUIDs', () => {
    const ad = parse('0516aafe1020 0620785634129a 13' + '21' + 'fb349b5f80000080001000000f180000' + 'abcd');
    assert.deepEqual(
      ad.serviceData.map((s) => [s.uuid, [...s.data]]),
      [
        ['feaa', [0x10, 0x20]],
        ['12345678', [0x9a]],
        ['0000180f-0000-1000-8000-00805f9b34fb', [0xab, 0xcd]],
      ],
    );
  });

  it('stops at a zero length byte (EIR padding)', () => {
    const ad = parse('020106 00 0509ffffffff');
    assert.equal(ad.flags, 6);
    assert.equal(ad.localName, undefined);
    assert.equal(ad.truncated, false);
  });

  it('flags a structure that runs past the end and keeps what came before', () => {
    const ad = parse('020106 0909414243');
    assert.equal(ad.flags, 6);
    assert.equal(ad.localName, undefined);
    assert.equal(ad.truncated, true);
  });

  it('flags values too short for their type', () => {
    assert.equal(parse('02ff4c').truncated, true);
    assert.equal(parse('0101').truncated, true);
    assert.equal(parse('0403aabbcc').truncated, true);
    assert.equal(parse('0216aa').truncated, true);
  });

  it('honours offset and end', () => {
    const data = hex('ffff 020106 0209ff');
    const ad = parseAdStructures(data, 2, 5);
    assert.equal(ad.flags, 6);
    assert.equal(ad.localName, undefined);
    assert.equal(parseAdStructures(data, 2, 1000).localName, '\\xff');
  });
});

describe('displayText', () => {
  const text = (s: string) => {
    const b = hex(s);
    return displayText(b, 0, b.length);
  };
  it('keeps valid UTF-8', () => assert.equal(text('4ac3a972c3b46d65'), 'Jérôme'));
  it('escapes invalid UTF-8 byte by byte', () => assert.equal(text('41ff42c3'), 'A\\xffB\\xc3'));
  it('escapes control characters even in valid UTF-8', () => assert.equal(text('410a42'), 'A\\x0aB'));
  it('drops trailing NUL padding', () => assert.equal(text('4142000000'), 'AB'));
});
