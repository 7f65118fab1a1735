/**
 * Attacker-controlled text: SSIDs and Bluetooth names are chosen by whoever is nearby. The page
 * shows them as text and never makes an element of them.
 */
import assert from 'node:assert/strict';
import type { ApiSummary } from '../../src/adapters/http/apiTypes.ts';
import type { DeviceWindow, WindowSummary } from '../../src/core/model.ts';
import { eventually, type Topic } from './browserHarness.ts';

const HOSTILE_SSID = '<img src=x onerror=alert(1)>';
const HOSTILE_NAME = '<script>alert(2)</script>';

function hostileDevice(
  medium: DeviceWindow['medium'],
  deviceId: string,
  text: string,
  t: number,
): DeviceWindow {
  return {
    deviceId,
    medium,
    randomized: false,
    vendor: null,
    frames: 1,
    rssi: { count: 1, mean: -50, std: 0, min: -50, max: -50 },
    ssids: [text],
    frameTypes: { [medium === 'wifi' ? 'probe-req' : 'adv-ind']: 1 },
    ieFingerprints: [],
    channels: [1],
    firstSeen: t,
    lastSeen: t,
    ...(medium === 'ble' ? { name: text } : {}),
  };
}

export const escaping: Topic = {
  settled: [
    {
      name: 'a hostile SSID or name is shown as text, never run',
      async run(_t, { page, demo, apiGet, dialogs }) {
        const s = await apiGet<ApiSummary>('/api/summary');
        assert.ok(s.current !== null);
        const start = s.current.windowEnd;
        const part: WindowSummary = {
          schema: 1,
          sensorId: s.site.sensors[0]?.id ?? 'brno-lab',
          windowStart: start,
          windowEnd: start + s.windowSeconds,
          frames: 2,
          framesWithRssi: 2,
          devices: [
            hostileDevice('wifi', 'feedc0de00000000000000000000bad1', HOSTILE_SSID, start + 1),
            hostileDevice('ble', 'feedc0de00000000000000000000bad2', HOSTILE_NAME, start + 2),
          ],
        };
        await demo.store.writeWindow([part]);

        for (const [testid, search, hostile] of [
          ['wifi-table', 'onerror', HOSTILE_SSID],
          ['bluetooth-table', 'script', HOSTILE_NAME],
        ] as const) {
          const table = page.getByTestId(testid);
          await table.getByTestId('search').fill(search);
          await eventually(async () => {
            assert.equal(await table.getByTestId('row').count(), 1, `${testid} finds the hostile device`);
            assert.equal(await table.locator('td[data-col="ssids"]').textContent(), hostile);
          });
          assert.equal(
            await table.locator('tbody img, tbody script').count(),
            0,
            'no element was made from it',
          );
          await table.getByTestId('search').fill('');
        }
        await page.waitForTimeout(300);
        assert.deepEqual(dialogs, [], 'no dialog opened');
      },
    },
  ],
};
