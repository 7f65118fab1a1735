import type { AirtraceConfig } from '../../config/config.ts';
import type { Store } from '../../adapters/storage/store.ts';
import { startHubApp, type RunningHub } from '../hub/hubApp.ts';
import { Sensor, type SensorOptions } from '../sensor/sensor.ts';
import { siteKeyFromConfigOrKeyFile } from '../setup/siteKeyFromConfig.ts';

export interface RunningAll {
  url: string;
  hub: RunningHub;
  sensor: Sensor;
  stop(): Promise<void>;
}

/** `airtrace run`: the original Pi in one process: a sensor feeding a hub over the in-process bus. */
export async function startRunApp(
  config: AirtraceConfig,
  store: Store,
  log: (line: string) => void,
  overrides: Pick<SensorOptions, 'spawn' | 'runCommand' | 'now'> = {},
): Promise<RunningAll> {
  const hub = await startHubApp({ config, store, log });
  const wifi = config.sensor.wifi;
  const sensor = new Sensor({
    sensorId: config.sensor.id,
    windowSeconds: config.windowSeconds,
    siteKey: siteKeyFromConfigOrKeyFile(config),
    wifi,
    bluetooth: config.sensor.bluetooth.enabled ? { adapter: config.sensor.bluetooth.adapter } : null,
    scan: config.sensor.scan,
    ...(config.positioning.enabled ? { positioningWindowSeconds: config.positioning.windowSeconds } : {}),
    publisher: {
      publishWindow: (summary) => hub.bus.publish('window', summary),
      publishStatus: (status) => hub.bus.publish('status', status),
    },
    log,
    ...overrides,
  });
  sensor.start();
  return {
    url: hub.url,
    hub,
    sensor,
    async stop() {
      await sensor.stop();
      await hub.stop();
    },
  };
}
