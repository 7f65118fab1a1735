import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAdStructures } from '../../../../src/core/frames/ble/adStructures.ts';
import { recogniseBeacon } from '../../../../src/core/frames/ble/beacons.ts';
import { hex } from './helpers.ts';

function label(s: string): string | undefined {
  const data = hex(s);
  return recogniseBeacon(parseAdStructures(data, 0, data.length));
}

const UUID = 'e2c56db5dffb48d2b060d0f5a71096e0';

describe('recogniseBeacon', () => {
  it('names an iBeacon', () => {
    assert.equal(label(`020106 1aff4c000215${UUID}00010002c5`), 'ibeacon');
  });

  it('does not call a short Apple type 2 an iBeacon', () => {
    assert.equal(label('05ff4c000215'), 'apple');
  });

  it('names the Eddystone frames', () => {
    assert.equal(label('0303aafe 1716aafe00e800112233445566778899aabbccddeeff0000'), 'eddystone-uid');
    assert.equal(label('0303aafe 0d16aafe10e803676f6f676c6507'), 'eddystone-url');
    assert.equal(label('0303aafe 1116aafe20000bb818000000000100000010'), 'eddystone-tlm');
    assert.equal(label('0303aafe 0e16aafe30e8000102030405060708'), 'eddystone-eid');
  });

  it('names Apple Continuity messages by their first type', () => {
    assert.equal(label('07ff4c0010023118'), 'apple-nearby-info');
    assert.equal(label('07ff4c000f020000'), 'apple-nearby-action');
    assert.equal(label('07ff4c0012020000'), 'apple-find-my');
    assert.equal(label('07ff4c0007020000'), 'apple-proximity-pairing');
    assert.equal(label('07ff4c0005020000'), 'apple-airdrop');
    assert.equal(label('07ff4c0009020000'), 'apple-airplay-target');
    assert.equal(label('07ff4c000c020000'), 'apple-handoff');
    assert.equal(label('07ff4c0077020000'), 'apple');
  });

  it('names the Microsoft beacons', () => {
    assert.equal(label('1eff0600010920020a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20'), 'microsoft-cdp');
    assert.equal(label('08ff0600030080414243'), 'microsoft-swift-pair');
  });

  it('names AltBeacon, Fast Pair and exposure notifications', () => {
    assert.equal(label(`1bffffffbeac${UUID}00010002c500`), 'altbeacon');
    assert.equal(label('03032cfe 06162cfeaabbcc'), 'google-fast-pair');
    assert.equal(label('0316 6ffd'), 'exposure-notification');
  });

  it('returns undefined for plain advertising data', () => {
    assert.equal(label('020106 0509 54657374'), undefined);
    assert.equal(label('05ff590001ff'), undefined);
  });
});
