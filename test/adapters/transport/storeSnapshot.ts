import type { Store } from '../../../src/adapters/storage/store.ts';

/**
 * What the hub stored, in a form two stores can be compared by: the windows and both device
 * tables. Arrival order may differ between them (several sensors, redeliveries), and with it
 * the order of a device's SSIDs and the last bits of merged RSSI statistics.
 */
export async function storeSnapshot(store: Store, options: { sensors?: boolean } = {}) {
  const windows = (await store.windows(-Infinity, Infinity)).map((w) => {
    const { sensors, ...rest } = w;
    return options.sensors === false ? rest : { ...rest, sensors };
  });
  const devices = [];
  for (const medium of ['wifi', 'ble'] as const) {
    const { rows } = await store.devices({ medium, sort: 'deviceId', descending: false, limit: 1_000_000 });
    devices.push(
      ...rows.map((r) => ({
        ...r,
        ssids: [...r.ssids].sort(),
        rssiMean: r.rssiMean?.toFixed(6),
        rssiStd: r.rssiStd?.toFixed(6),
      })),
    );
  }
  return { windows, devices };
}
