/**
 * Live scanning against a stand-in org.bluez on a private dbus-daemon (the kernel here has no
 * Bluetooth). The stand-in replays real advertising reports from a btsnoop recording; the clock
 * and timers are injected, so duty cycles and retries run without sleeping.
 *
 * The cases live in scannerCases/, one file per thing checked, and are imported here rather than
 * named *.test.ts: they then run in this one process, so the last test can check everything every
 * scanner of the run emitted for raw addresses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SKIP_NO_DBUS_DAEMON as skip } from '../../../helpers/fakeBluez/privateBus.ts';
import { addressSpellings } from '../../../helpers/fakeBluez/recordedAdvertisements.ts';
import './scannerCases/hearing.ts';
import './scannerCases/dutyCycle.ts';
import './scannerCases/midScanRecovery.ts';
import './scannerCases/startupFailures.ts';
import './scannerCases/watchdog.ts';
import { ADAPTER_ADDRESS, CACHED, recorded, runOutput } from './scannerCases/scannerRig.ts';

const { events: allEvents, lines: allLines, observations: allObservations } = runOutput;

test('no raw Bluetooth address in any event or log line the scanners produced', { skip }, () => {
  assert.ok(allEvents.length > 20 && allLines.length > 10 && allObservations.length > 100);
  const text = JSON.stringify(allEvents) + '\n' + allLines.join('\n');
  const addresses = [...new Set([...recorded.map((ad) => ad.address), CACHED.address, ADAPTER_ADDRESS])];
  for (const address of addresses) {
    for (const form of addressSpellings(address)) assert.ok(!text.includes(form), `${form} leaked`);
  }
  assert.ok(!/\/dev_[0-9A-F_]{17}/i.test(text), 'no device object path either');
  for (const o of allObservations) {
    if (o.name === undefined) continue;
    for (const form of addressSpellings(o.mac)) assert.ok(!o.name.includes(form), 'no address as a name');
  }
});
