import type { WindowSummary } from '../../core/model.ts';
import type { Store } from '../../adapters/storage/store.ts';
import { WindowStorage } from '../hub/windowStorage.ts';
import { runCapturePipeline, type CaptureInput } from './capturePipeline.ts';

export interface ReplayOptions {
  inputs: readonly CaptureInput[];
  /** Where windows go; without one, replay only parses and windows (the benchmark path). */
  store?: Store;
  windowSeconds: number;
  sensorId: string;
  siteKey?: Uint8Array;
  onProgress?: (progress: { path: string; bytes: number; totalBytes: number | undefined }) => void;
  onWindow?: (summary: WindowSummary) => void;
  stdin?: AsyncIterable<Uint8Array>;
}

export interface ReplayReport {
  frames: number;
  framesWithRssi: number;
  wifiDevices: number;
  /** Distinct advertiser addresses (BLE) and inquiry responders (BR/EDR). */
  bluetoothDevices: number;
  windows: number;
  skipped: Record<string, number>;
  /** Inputs that could not be read to the end, with the reason in words. */
  failures: { path: string; message: string }[];
}

/**
 * Capture files in, windows out: the capture pipeline and, with a store, the hub's storage, in
 * one process. Each sensor's inputs are one continuous recording (see `runCapturePipeline`).
 */
export async function replay(options: ReplayOptions): Promise<ReplayReport> {
  const deviceIds = { wifi: new Set<string>(), ble: new Set<string>() };
  const windowStarts = new Set<number>();
  const storage = options.store === undefined ? undefined : new WindowStorage(options.store);
  const report = await runCapturePipeline(options.inputs, {
    windowSeconds: options.windowSeconds,
    sensorId: options.sensorId,
    ...(options.siteKey === undefined ? {} : { siteKey: options.siteKey }),
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    onWindow: (summary) => {
      windowStarts.add(summary.windowStart);
      for (const d of summary.devices) deviceIds[d.medium].add(d.deviceId);
      // The first failure is reported by flush(); each window's own promise need not be.
      storage?.store(summary).catch(() => {});
      options.onWindow?.(summary);
    },
    // Bounded memory: a big capture's windows are written as it goes, not all at the end.
    afterInput: async () => storage?.flush(),
  });
  await storage?.flush();
  return {
    frames: report.frames,
    framesWithRssi: report.framesWithRssi,
    wifiDevices: deviceIds.wifi.size,
    bluetoothDevices: deviceIds.ble.size,
    windows: windowStarts.size,
    skipped: report.skipped,
    failures: report.failures,
  };
}
