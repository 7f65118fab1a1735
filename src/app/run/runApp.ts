import type { AirtraceConfig } from '../../config/config.ts';
import type { Store } from '../../adapters/storage/store.ts';
import { InProcessTransport } from '../../adapters/transport/inProcessTransport.ts';
import { startHubApp, type RunningHub } from '../hub/hubApp.ts';
import { Sensor, type SensorOptions } from '../sensor/sensor.ts';
import { sensorOptionsFromConfig } from '../sensor/sensorOptionsFromConfig.ts';

export interface RunningAll {
  url: string;
  hub: RunningHub;
  sensor: Sensor;
  stop(): Promise<void>;
}

/** `airtrace run`: the original Pi in one process: a sensor feeding a hub over the in-process transport. */
export async function startRunApp(
  config: AirtraceConfig,
  store: Store,
  log: (line: string) => void,
  overrides: Pick<SensorOptions, 'spawn' | 'runCommand' | 'clock'> = {},
): Promise<RunningAll> {
  const transport = new InProcessTransport(overrides.clock);
  const hub = await startHubApp({
    config,
    store,
    subscriber: transport.subscriber,
    log,
    ...(overrides.clock === undefined ? {} : { clock: overrides.clock }),
  });
  const publisher = transport.publisher(config.sensor.id);
  await publisher.start();
  const sensor = new Sensor({ ...sensorOptionsFromConfig(config, publisher, log), ...overrides });
  sensor.start();
  return {
    url: hub.url,
    hub,
    sensor,
    async stop() {
      await sensor.stop();
      await publisher
        .drained(5000)
        .catch(() => log(`stopping with ${publisher.counters.outboxDepth} windows not stored`));
      await publisher.stop();
      await hub.stop();
    },
  };
}
