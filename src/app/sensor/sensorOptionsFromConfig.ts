import type { AirtraceConfig } from '../../config/config.ts';
import type { WindowPublisher } from '../../adapters/transport/transport.ts';
import { siteKeyFromConfigOrKeyFile } from '../setup/siteKeyFromConfig.ts';
import type { SensorOptions } from './sensor.ts';

/** The sensor as configured (capture, Bluetooth, duty cycle, positioning), publishing to `publisher`. */
export function sensorOptionsFromConfig(
  config: AirtraceConfig,
  publisher: WindowPublisher,
  log: (line: string) => void,
): SensorOptions {
  return {
    sensorId: config.sensor.id,
    windowSeconds: config.windowSeconds,
    siteKey: siteKeyFromConfigOrKeyFile(config),
    wifi: config.sensor.wifi,
    bluetooth: config.sensor.bluetooth.enabled
      ? { adapter: config.sensor.bluetooth.adapter, watchdogSeconds: config.sensor.bluetooth.watchdogSeconds }
      : null,
    scan: config.sensor.scan,
    ...(config.positioning.enabled ? { positioningWindowSeconds: config.positioning.windowSeconds } : {}),
    publisher,
    log,
  };
}
