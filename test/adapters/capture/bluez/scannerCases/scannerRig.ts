/**
 * The rig every live-scanner case shares: a private dbus-daemon, the stand-in org.bluez on it, a
 * manual clock, and a BluezScanner wired to all three. Everything the scanners of a run emit is
 * also kept in `runOutput`, for bluezScanner.test.ts to check for addresses at the end.
 */
import { after, type TestContext } from 'node:test';
import { describeBluezEvent } from '../../../../../src/adapters/capture/bluez/bluezEventText.ts';
import {
  BluezScanner,
  type BluezEvent,
  type BluezScannerOptions,
} from '../../../../../src/adapters/capture/bluez/bluezScanner.ts';
import type { Observation } from '../../../../../src/core/model.ts';
import { FakeBluez } from '../../../../helpers/fakeBluez/fakeBluez.ts';
import { startPrivateBus, type PrivateBus } from '../../../../helpers/fakeBluez/privateBus.ts';
import {
  recordedAdvertisements,
  type RecordedAdvertisement,
} from '../../../../helpers/fakeBluez/recordedAdvertisements.ts';
import { ManualClock } from '../../../../helpers/manualClock.ts';

/** On a minute boundary, so a 10/60 duty cycle starts scanning right away. */
export const T0 = 1_700_000_040;
export const ADAPTER_ADDRESS = '00:1a:7d:da:71:13';
export const CACHED = {
  address: 'c0:ff:ee:12:34:56',
  addressType: 'public' as const,
  name: 'paired-headset',
};
export const recorded = recordedAdvertisements();

/** Everything the scanners of this test process emitted, checked for addresses at the end. */
export const runOutput = {
  events: [] as BluezEvent[],
  lines: [] as string[],
  observations: [] as Observation[],
};

const buses: PrivateBus[] = [];

after(async () => {
  for (const bus of buses) await bus.stop();
});

/** Generous: the stand-in BlueZ answers over a real D-Bus, which a loaded 2-core CI machine can slow to seconds. */
export async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export interface Rig {
  bus: PrivateBus;
  clock: ManualClock;
  fake: FakeBluez;
  scanner: BluezScanner;
  observations: Observation[];
  events: BluezEvent[];
  /** Events of one type. */
  of<T extends BluezEvent['type']>(type: T): Extract<BluezEvent, { type: T }>[];
}

export interface RigOptions extends Partial<BluezScannerOptions> {
  /** false: the stand-in BlueZ leaves the bus before the scanner starts. */
  fake?: boolean;
  policy?: 'open' | 'deny-bluez';
}

/** A scanner on its own private bus, stopped (with the stand-in) when the test ends. */
export async function rig(t: TestContext, options: RigOptions = {}): Promise<Rig> {
  const bus = await startPrivateBus({ policy: options.policy ?? 'open' });
  buses.push(bus);
  const clock = new ManualClock(T0);
  const fake = await FakeBluez.start(bus.address, { now: clock.now, adapterAddress: ADAPTER_ADDRESS });
  if (options.fake === false) fake.stop();
  const observations: Observation[] = [];
  const events: BluezEvent[] = [];
  const scanner = new BluezScanner({
    adapter: 'hci0',
    sensorId: 'pi-1',
    busAddress: bus.address,
    clock,
    initialBackoffMs: 1000,
    ...options,
    onObservation: (o) => {
      observations.push(o);
      runOutput.observations.push(o);
    },
    onEvent: (e) => {
      events.push(e);
      runOutput.events.push(e);
      const line = describeBluezEvent(e);
      if (line !== undefined) runOutput.lines.push(line);
    },
  });
  t.after(async () => {
    await scanner.stop();
    if (options.fake !== false) fake.stop();
  });
  const of = <T extends BluezEvent['type']>(type: T) =>
    events.filter((e): e is Extract<BluezEvent, { type: T }> => e.type === type);
  return { bus, clock, fake, scanner, observations, events, of };
}

/**
 * Replays recorded reports, one second of the recording at a time, at `base` + their offset on
 * the injected clock; waits until every report BlueZ signalled has become an observation.
 */
export async function replay(
  r: Rig,
  ads: readonly RecordedAdvertisement[],
  base: number,
): Promise<RecordedAdvertisement[]> {
  const signalled: RecordedAdvertisement[] = [];
  for (let second = 0; ; second++) {
    const batch = ads.filter((ad) => Math.floor(ad.offset) === second);
    if (batch.length === 0 && ads.every((ad) => ad.offset < second)) break;
    r.clock.advanceTo(base + second + 0.5);
    for (const ad of batch) {
      const changed = r.fake.hear(ad);
      if (changed !== undefined && changed.length > 0) signalled.push(ad);
    }
    const expected = r.observations.length + batch.filter((ad) => signalled.includes(ad)).length;
    await until(() => r.observations.length >= expected, `observations of second ${second}`);
  }
  return signalled;
}
