import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FloorArea } from '../../../src/core/positioning/floorArea.ts';
import { summarizeZones } from '../../../src/core/positioning/zoneMetrics.ts';
import { zoneOccupancy } from '../../../src/core/positioning/zoneOccupancy.ts';
import {
  type ZoneState,
  buildZoneModel,
  stepZone,
  zoneAtPoint,
  zoneBorderDistance,
  zoneEvidence,
  zoneEvidenceOf,
} from '../../../src/core/positioning/zoneTracker.ts';

const box = (a: number, b: number, c: number, d: number): [number, number][] => [
  [a, b],
  [c, b],
  [c, d],
  [a, d],
];
const FLOOR: FloorArea = { bounds: [0, 0, 20, 10] };
/** Two rooms side by side, split at x = 10. */
const ROOMS = [
  { name: 'west', polygon: box(0, 0, 10, 10) },
  { name: 'east', polygon: box(10, 0, 20, 10) },
];

function walk(
  model: ReturnType<typeof buildZoneModel>,
  fixes: { t: number; x: number; y: number; sigma: number }[],
) {
  let state: ZoneState | undefined;
  return fixes.map((f) => {
    const step = stepZone(model, state, f);
    state = step.state;
    return step;
  });
}

describe('zone model', () => {
  it('rasterises the zones, finds neighbours, and adds "elsewhere" only where zones leave floor uncovered', () => {
    const covered = buildZoneModel(ROOMS, FLOOR);
    assert.deepEqual(covered.names, ['west', 'east']);
    assert.equal(covered.elsewhere, -1);
    assert.equal(covered.states, 2);
    assert.deepEqual(covered.neighbours, [[1], [0]]);
    const partial = buildZoneModel([{ name: 'desk', polygon: box(2, 2, 4, 4) }], FLOOR);
    assert.equal(partial.elsewhere, 1);
    assert.equal(partial.states, 2);
  });

  it('evidence is the share of the fix uncertainty in each zone', () => {
    const model = buildZoneModel(ROOMS, FLOOR);
    const deep = zoneEvidence(model, { x: 3, y: 5, sigma: 0.5 });
    assert.ok(deep[0]! > 0.999);
    const border = zoneEvidence(model, { x: 10, y: 5, sigma: 1 });
    assert.ok(Math.abs(border[0]! - 0.5) < 0.02, `${border[0]}`);
    const leaning = zoneEvidence(model, { x: 10.5, y: 5, sigma: 1 });
    // Φ(-0.5) ≈ 0.31 of a Gaussian lies west of a border half a sigma away.
    assert.ok(Math.abs(leaning[0]! - 0.31) < 0.03, `${leaning[0]}`);
  });

  it('a device dithering at a doorway keeps one zone; a device that walks through changes once', () => {
    const model = buildZoneModel(ROOMS, FLOOR);
    // At the border for two minutes, fixes jittering ±0.6 m across it.
    const dither = walk(
      model,
      Array.from({ length: 60 }, (_, i) => ({
        t: i * 2,
        x: 10 + (i % 2 === 0 ? 0.6 : -0.6),
        y: 5,
        sigma: 1,
      })),
    );
    const changes = dither.filter((s) => s.changed).length;
    assert.equal(changes, 0, 'no flapping');
    // Raw point-in-zone would change at every fix.
    assert.equal(new Set(dither.map((s) => s.zone)).size, 1);
    // A walk from x = 2 to x = 18 at 0.5 m/s, fixes with 1 m of noise.
    let seed = 7;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
    const steps = walk(
      model,
      Array.from({ length: 17 }, (_, i) => ({ t: i * 2, x: 2 + i + noise(), y: 5 + noise(), sigma: 1 })),
    );
    assert.equal(steps[0]!.zone, 'west');
    assert.equal(steps.at(-1)!.zone, 'east');
    assert.equal(steps.filter((s) => s.changed).length, 1, 'one change for one crossing');
    const when = steps.findIndex((s) => s.zone === 'east');
    assert.ok(when >= 8 && when <= 11, `changed at fix ${when}, the walker crossed at fix 8`);
  });

  it("a method's own zone mass replaces the model's filter, with the same hysteresis", () => {
    const model = buildZoneModel(ROOMS, FLOOR);
    const masses = [0.9, 0.4, 0.35, 0.6, 0.2, 0.1];
    let state: ZoneState | undefined;
    const zones = masses.map((west, i) => {
      const s = stepZone(model, state, { t: i * 2, x: 10, y: 5, sigma: 1, zoneMass: [west, 1 - west] });
      state = s.state;
      return s.zone;
    });
    // 0.4 and 0.35 leave east below 0.75, so west holds until east reaches 0.8.
    assert.deepEqual(zones, ['west', 'west', 'west', 'west', 'east', 'east']);
  });

  it('a fix carries its zone evidence: sigma from the 90% radius, mass when the method has one', () => {
    const e = zoneEvidenceOf(5, { x: 1, y: 2, spread: 1, radius90: 2.146, zoneMass: [0.2, 0.8] });
    assert.ok(Math.abs(e.sigma - 1) < 1e-3);
    assert.deepEqual(e.zoneMass, [0.2, 0.8]);
    assert.ok(Math.abs(zoneEvidenceOf(5, { x: 1, y: 2, spread: 2 }).sigma - Math.SQRT2) < 1e-9);
  });

  it('knows the zone of a point and how far it is from a border (walls are not borders)', () => {
    const model = buildZoneModel(ROOMS, FLOOR);
    assert.equal(zoneAtPoint(ROOMS, { x: 3, y: 3 }), 'west');
    assert.equal(zoneAtPoint(ROOMS, { x: 30, y: 3 }), undefined);
    assert.ok(Math.abs(zoneBorderDistance(model, { x: 8.6, y: 5 }) - 1.4) <= 0.25);
    assert.ok(zoneBorderDistance(model, { x: 1, y: 1 }) > 8.5, 'the walls at x = 0 and y = 0 do not count');
  });
});

describe('zone occupancy', () => {
  it('counts each device once, at its latest zone, and people by their device groups', () => {
    const occ = zoneOccupancy(
      [
        { deviceId: 'a', zone: 'west', t: 100 },
        { deviceId: 'a', zone: 'east', t: 110 },
        { deviceId: 'b', zone: 'east', t: 108 },
        { deviceId: 'c', zone: 'east', t: 109 },
        { deviceId: 'd', zone: undefined, t: 110 },
        { deviceId: 'old', zone: 'west', t: 20 },
        { deviceId: 'x', zone: 'attic', t: 110 },
      ],
      ['west', 'east'],
      { personOf: (id) => (id === 'b' || id === 'c' ? 'phone-and-watch' : undefined) },
    );
    assert.deepEqual(occ.zones, [
      { zone: 'west', devices: 0, people: 0 },
      { zone: 'east', devices: 3, people: 2 },
    ]);
    assert.deepEqual(occ.elsewhere, { devices: 2, people: 2 }, 'no zone, or a zone the site does not have');
  });

  it('leaves out assignments older than maxAgeSeconds before now', () => {
    const a = [{ deviceId: 'a', zone: 'west', t: 100 }];
    assert.equal(zoneOccupancy(a, ['west'], { now: 150 }).zones[0]!.devices, 1);
    assert.equal(zoneOccupancy(a, ['west'], { now: 200 }).zones[0]!.devices, 0);
    assert.equal(zoneOccupancy(a, ['west'], { now: 200, maxAgeSeconds: 120 }).zones[0]!.devices, 1);
    assert.deepEqual(zoneOccupancy([], ['west']).zones, [{ zone: 'west', devices: 0, people: 0 }]);
  });
});

describe('zone metrics', () => {
  it('wrong-zone rate, changes per minute against the true ones, and away from borders', () => {
    const line = (assigned: string[], truth: string[], border: number[]) =>
      assigned.map((a, i) => ({ t: i * 2, assigned: a, truth: truth[i], borderDistance: border[i]! }));
    const s = summarizeZones(
      [
        line(['w', 'e', 'w', 'e', 'e', 'e'], ['w', 'w', 'w', 'e', 'e', 'e'], [3, 0.2, 0.5, 2, 3, 4]),
        line(['e', 'e', 'e'], ['e', 'e', 'e'], [5, 5, 5]),
      ],
      2,
    );
    assert.equal(s.n, 9);
    assert.equal(s.wrongRate, 1 / 9);
    assert.equal(s.wrongRateAwayFromBorders, 0, 'the one wrong window is 0.2 m from the border');
    assert.equal(s.changes, 3);
    assert.equal(s.trueChanges, 1);
    assert.equal(s.excessChanges, 2);
    assert.ok(Math.abs(s.minutes - 18 / 60) < 1e-12, '12 s + 6 s');
    assert.ok(Math.abs(s.excessChangesPerMinute! - 2 / 0.3) < 1e-9);
    assert.equal(summarizeZones([], 2).wrongRate, null);
  });
});
