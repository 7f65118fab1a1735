import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { WindowSummary } from '../../../src/core/model.ts';
import { loadCaptures } from '../../../src/app/batch/count.ts';
import { replay } from '../../../src/app/batch/replay.ts';
import { fixtures } from '../../helpers/paths.ts';

const key = new Uint8Array(32).fill(9);
const day1 = join(fixtures, 'occupancy/brno_2022-10-19_1400-1420.pcap');
const day2 = join(fixtures, 'occupancy/brno_2022-11-01_1330-1400.pcap');
const ble = join(fixtures, 'ble/horizon74_btsnoop_hci.log');

/** Every (sensor, window, device) a reading produced, as comparable text. */
function sightingKeys(
  rows: readonly { sensorId: string; windowStart: number; deviceId: string; medium: string }[],
) {
  return rows.map((r) => `${r.sensorId} ${r.windowStart} ${r.medium} ${r.deviceId}`).sort();
}

test('count and replay read the same bytes into the same windows and devices, in any input order', async () => {
  // Out of time order, Wi-Fi and Bluetooth, and a file given twice (an overlapping recording).
  const inputs = [day2, ble, day1, day1];
  const windows: WindowSummary[] = [];
  const replayed = await replay({
    inputs: inputs.map((path) => ({ path })),
    windowSeconds: 60,
    sensorId: 'local',
    siteKey: key,
    onWindow: (w) => windows.push(w),
  });
  const counted = await loadCaptures(inputs, { siteKey: key });

  assert.equal(counted.frames, replayed.frames);
  assert.deepEqual(counted.skipped, replayed.skipped);
  assert.equal(replayed.skipped['late'], undefined, 'no frame was cut as late');
  const fromReplay = sightingKeys(
    windows.flatMap((w) =>
      w.devices.map((d) => ({
        sensorId: w.sensorId,
        windowStart: w.windowStart,
        deviceId: d.deviceId,
        medium: d.medium,
      })),
    ),
  );
  const fromCount = sightingKeys(
    counted.sightings.map((s) => ({
      sensorId: s.sensorId,
      windowStart: Math.floor(s.firstSeen / 60) * 60,
      deviceId: s.deviceId,
      medium: s.medium,
    })),
  );
  assert.ok(fromReplay.length > 1000, `${fromReplay.length} sightings`);
  assert.deepEqual(fromCount, fromReplay);
  assert.equal(
    new Set(counted.sightings.filter((s) => s.medium === 'wifi').map((s) => s.deviceId)).size,
    replayed.wifiDevices,
  );
  assert.equal(
    new Set(counted.sightings.filter((s) => s.medium === 'ble').map((s) => s.deviceId)).size,
    replayed.bluetoothDevices,
  );
  // The copy of day 1 overlaps the first: it is heard as a second sensor, not dropped as late.
  assert.deepEqual([...new Set(windows.map((w) => w.sensorId))].sort(), ['local', 'local#2']);
});
