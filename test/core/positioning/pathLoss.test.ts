import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DOCUMENT_DEFAULTS,
  distanceSigma,
  documentDistance,
  documentToReference,
  expectedRssi,
  referenceDistance,
  referenceToDocument,
  toReference,
} from '../../../src/core/positioning/pathLoss.ts';
import {
  DEFAULT_FREQUENCY_MHZ,
  channelFrequencyMhz,
  frameFrequencyMhz,
} from '../../../src/core/positioning/frequency.ts';

const close = (a: number, b: number, rel = 1e-9) =>
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${a} != ${b}`);

describe('path loss', () => {
  it("evaluates the document's formula exactly", () => {
    // d = 10^((P0 - Fm - Pr - 10 n log10(f) + 30 n - 32.44) / (10 n)), by hand for one case.
    const p = { p0: 20, fadeMargin: 14, n: 3 };
    const exponent = (20 - 14 - -70 - 30 * Math.log10(2437) + 90 - 32.44) / 30;
    close(documentDistance(-70, p, 2437), 10 ** exponent);
  });

  it('with n = 2 and no fade margin, is the free-space loss in metres', () => {
    // FSPL(dB) = 20 log10(d_km) + 20 log10(f_MHz) + 32.44; 100 m at 2412 MHz loses about 80.1 dB.
    const fspl = 20 * Math.log10(0.1) + 20 * Math.log10(2412) + 32.44;
    close(documentDistance(0 - fspl, { p0: 0, fadeMargin: 0, n: 2 }, 2412), 100);
  });

  it('evaluates the reference-distance form exactly', () => {
    close(referenceDistance(-59, { rssiAt1m: -59, n: 2 }), 1);
    close(referenceDistance(-79, { rssiAt1m: -59, n: 2 }), 10);
    close(referenceDistance(-74, { rssiAt1m: -59, n: 1.5 }), 10);
  });

  it('the two forms are one model: RSSI@1m = P0 - Fm - 10 n log10(f) + 30 n - 32.44', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -30, max: 30, noNaN: true }),
        fc.double({ min: 0, max: 30, noNaN: true }),
        fc.double({ min: 1, max: 6, noNaN: true }),
        fc.double({ min: 2400, max: 5900, noNaN: true }),
        fc.double({ min: -110, max: -20, noNaN: true }),
        (p0, fadeMargin, n, f, pr) => {
          const doc = { p0, fadeMargin, n };
          const ref = documentToReference(doc, f);
          close(ref.rssiAt1m, p0 - fadeMargin - 10 * n * Math.log10(f) + 30 * n - 32.44);
          close(referenceDistance(pr, ref), documentDistance(pr, doc, f), 1e-9);
          const back = referenceToDocument(ref, f, fadeMargin);
          close(back.p0, p0, 1e-9);
        },
      ),
    );
  });

  it('a frequency only shifts RSSI@1m: 5 GHz loses 10 n log10(5180/2412) dB more at every distance', () => {
    const a = documentToReference(DOCUMENT_DEFAULTS, 2412);
    const b = documentToReference(DOCUMENT_DEFAULTS, 5180);
    close(a.rssiAt1m - b.rssiAt1m, 10 * DOCUMENT_DEFAULTS.n * Math.log10(5180 / 2412));
    assert.equal(a.n, b.n);
  });

  it('expectedRssi inverts referenceDistance', () => {
    const m = { rssiAt1m: -62, n: 1.7 };
    for (const d of [0.5, 1, 3.3, 12, 40]) close(referenceDistance(expectedRssi(m, d), m), d);
  });

  it('toReference handles both forms', () => {
    assert.deepEqual(toReference({ model: 'reference', rssiAt1m: -60, n: 2 }, 2412), { rssiAt1m: -60, n: 2 });
    close(
      toReference({ model: 'document', ...DOCUMENT_DEFAULTS }, 2440).rssiAt1m,
      documentToReference(DOCUMENT_DEFAULTS, 2440).rssiAt1m,
    );
  });

  it('the range uncertainty grows in proportion to the range', () => {
    close(distanceSigma(10, 2, 4) / distanceSigma(5, 2, 4), 2);
  });
});

describe('frequency', () => {
  it('numbers Wi-Fi channels', () => {
    assert.equal(channelFrequencyMhz(1, 'wifi'), 2412);
    assert.equal(channelFrequencyMhz(6, 'wifi'), 2437);
    assert.equal(channelFrequencyMhz(13, 'wifi'), 2472);
    assert.equal(channelFrequencyMhz(14, 'wifi'), 2484);
    assert.equal(channelFrequencyMhz(36, 'wifi'), 5180);
    assert.equal(channelFrequencyMhz(165, 'wifi'), 5825);
    assert.equal(channelFrequencyMhz(0, 'wifi'), undefined);
    assert.equal(channelFrequencyMhz(6.5, 'wifi'), undefined);
  });

  it('numbers BLE channels, advertising ones apart', () => {
    assert.equal(channelFrequencyMhz(37, 'ble'), 2402);
    assert.equal(channelFrequencyMhz(38, 'ble'), 2426);
    assert.equal(channelFrequencyMhz(39, 'ble'), 2480);
    assert.equal(channelFrequencyMhz(0, 'ble'), 2404);
    assert.equal(channelFrequencyMhz(10, 'ble'), 2424);
    assert.equal(channelFrequencyMhz(11, 'ble'), 2428);
    assert.equal(channelFrequencyMhz(36, 'ble'), 2478);
    assert.equal(channelFrequencyMhz(40, 'ble'), undefined);
  });

  it("takes a frame's own frequency, then its channel's, then the band default", () => {
    assert.equal(frameFrequencyMhz({ medium: 'wifi', channel: 1, freqMhz: 2417 }), 2417);
    assert.equal(frameFrequencyMhz({ medium: 'wifi', channel: 11 }), 2462);
    assert.equal(frameFrequencyMhz({ medium: 'ble' }), DEFAULT_FREQUENCY_MHZ.ble);
    assert.equal(frameFrequencyMhz({ medium: 'wifi', channel: 999 }), DEFAULT_FREQUENCY_MHZ.wifi);
  });
});
