/** Random, truncated and bit-flipped input into every BLE parser: nothing may throw. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseAdStructures } from '../../../../src/core/frames/ble/adStructures.ts';
import { isBleError } from '../../../../src/core/frames/ble/bleError.ts';
import { BtsnoopStreamReader } from '../../../../src/core/frames/ble/btsnoop.ts';
import { decodeHciEvent } from '../../../../src/core/frames/ble/hciEvents.ts';
import { decodeBleRecord } from '../../../../src/core/frames/ble/linkLayer.ts';
import {
  BTSNOOP_FIXTURE,
  NRF_FIXTURE,
  PHDR_FIXTURE,
  PPI_FIXTURE,
  readBtsnoop,
  readCapture,
} from './helpers.ts';

const RUNS = { numRuns: 2000 };
const bytes = (maxLength = 300) => fc.uint8Array({ maxLength });

/** A real input, cut at a random length, with a few random bits flipped. */
function mutated(samples: Uint8Array[]) {
  return fc
    .record({
      index: fc.nat(samples.length - 1),
      cut: fc.double({ min: 0, max: 1, noNaN: true }),
      flips: fc.array(fc.record({ at: fc.nat(), bit: fc.nat(7) }), { maxLength: 4 }),
    })
    .map(({ index, cut, flips }) => {
      const original = samples[index]!;
      const out = original.slice(0, Math.round(original.length * cut));
      for (const f of flips) if (out.length > 0) out[f.at % out.length]! ^= 1 << f.bit;
      return out;
    });
}

function checkRecordResult(linkType: number, data: Uint8Array): void {
  const result = decodeBleRecord(linkType, data);
  if (result === undefined) return;
  if (isBleError(result)) {
    assert.equal(typeof result.error, 'string');
    assert.equal(typeof result.message, 'string');
    return;
  }
  assert.equal(typeof result.pduType, 'string');
  if (result.advertiser !== undefined) assert.match(result.advertiser, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
}

const events = readBtsnoop(BTSNOOP_FIXTURE)
  .map((r) => r.hciEvent)
  .filter((e): e is Uint8Array => e !== undefined);
const captures = [NRF_FIXTURE, PHDR_FIXTURE, PPI_FIXTURE].map((path) => readCapture(path));

describe('fuzz: AD structures', () => {
  it('random bytes, offsets and ends', () => {
    fc.assert(
      fc.property(
        bytes(),
        fc.integer({ min: -5, max: 320 }),
        fc.integer({ min: -5, max: 320 }),
        (data, offset, end) => {
          const ad = parseAdStructures(data, offset, end);
          assert.equal(typeof ad.truncated, 'boolean');
        },
      ),
      RUNS,
    );
  });
});

describe('fuzz: HCI events', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(bytes(), (e) => void decodeHciEvent(e)),
      RUNS,
    );
  });

  it('random parameters behind a reporting event header', () => {
    const header = fc.constantFrom([0x3e, 0x02], [0x3e, 0x0b], [0x3e, 0x0d], [0x22], [0x2f], [0x02]);
    fc.assert(
      fc.property(header, bytes(255), fc.boolean(), (h, rest, honestLength) => {
        const params = [...h.slice(1), ...rest].slice(0, 255);
        const length = honestLength ? params.length : (rest[0] ?? 0);
        const e = new Uint8Array([h[0]!, length, ...params]);
        for (const r of decodeHciEvent(e)) {
          if (r.address !== undefined) assert.match(r.address, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
          if (r.rssi !== undefined) assert.ok(r.rssi >= -128 && r.rssi <= 126);
        }
      }),
      RUNS,
    );
  });

  it('truncated and bit-flipped real events', () => {
    fc.assert(
      fc.property(mutated(events), (e) => void decodeHciEvent(e)),
      RUNS,
    );
  });
});

describe('fuzz: link-layer records', () => {
  it('random bytes under every BLE link type', () => {
    fc.assert(
      fc.property(fc.constantFrom(251, 256, 272, 192, 1, 105), bytes(), (linkType, data) =>
        checkRecordResult(linkType, data),
      ),
      RUNS,
    );
  });

  for (const [i, name] of ['nRF Sniffer (272)', 'LE PHDR (256)', 'PPI (192)'].entries()) {
    it(`truncated and bit-flipped real ${name} records`, () => {
      const records = captures[i]!;
      const linkType = records[0]!.linkType;
      fc.assert(
        fc.property(mutated(records.map((r) => r.data)), (data) => checkRecordResult(linkType, data)),
        RUNS,
      );
    });
  }
});

describe('fuzz: btsnoop stream reader', () => {
  const real = new Uint8Array(readFileSync(BTSNOOP_FIXTURE));
  const header = real.subarray(0, 16);

  function feed(data: Uint8Array, sizes: number[]): { records: number; fatal: number } {
    let records = 0;
    let fatal = 0;
    const reader = new BtsnoopStreamReader({
      onRecord: (r) => {
        records++;
        if (r.hciEvent) decodeHciEvent(r.hciEvent);
      },
      onProblem: (p) => {
        if (p.fatal) fatal++;
      },
    });
    let p = 0;
    for (let i = 0; p < data.length; i++) {
      const n = Math.max(1, sizes.length ? sizes[i % sizes.length]! : data.length);
      reader.push(data.subarray(p, p + n));
      p += n;
    }
    reader.end();
    assert.ok(fatal <= 1);
    assert.ok(reader.bytesConsumed <= data.length);
    return { records, fatal };
  }

  it('random bytes, with and without a valid file header, in random chunks', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        bytes(600),
        fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 8 }),
        (withHeader, rest, sizes) => {
          feed(withHeader ? new Uint8Array([...header, ...rest]) : rest, sizes);
        },
      ),
      RUNS,
    );
  });

  it('the real log, truncated and bit-flipped, in random chunks', () => {
    fc.assert(
      fc.property(
        mutated([real]),
        fc.array(fc.integer({ min: 1, max: 5000 }), { maxLength: 6 }),
        (data, sizes) => {
          feed(data, sizes);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the real log in random chunks gives all 2,572 records', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 6 }), (sizes) => {
        assert.deepEqual(feed(real, sizes), { records: 2572, fatal: 0 });
      }),
      { numRuns: 50 },
    );
  });
});
