import { createReadStream, statSync } from 'node:fs';
import type { WindowSummary } from '../../core/model.ts';
import { addCounters, emptyCounters, readCaptureStream } from '../../adapters/capture/captureSource.ts';
import type { Store } from '../../adapters/storage/store.ts';
import { HubIngest } from '../hub/hubIngest.ts';
import { createSensorWindower } from '../sensor/sensorWindower.ts';

export interface ReplayInput {
  /** A path, or '-' for standard input. */
  path: string;
}

export interface ReplayOptions {
  inputs: readonly ReplayInput[];
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

function openInput(input: ReplayInput, stdin: AsyncIterable<Uint8Array> | undefined) {
  if (input.path === '-') return { chunks: stdin ?? process.stdin, totalBytes: undefined };
  const totalBytes = statSync(input.path).size;
  return { chunks: createReadStream(input.path, { highWaterMark: 1 << 18 }), totalBytes };
}

/**
 * Capture files in, windows out: the sensor pipeline (read, decode, window, hash) and, with a
 * store, the hub's ingest, in one process. Inputs are read in the order given, as one sensor's
 * continuous recording; frames older than a window already closed are counted as 'late'.
 */
export async function replay(options: ReplayOptions): Promise<ReplayReport> {
  const deviceIds = { wifi: new Set<string>(), ble: new Set<string>() };
  const windowStarts = new Set<number>();
  const ingest = options.store === undefined ? undefined : new HubIngest(options.store);
  const windower = createSensorWindower({
    windowSeconds: options.windowSeconds,
    ...(options.siteKey === undefined ? {} : { siteKey: options.siteKey }),
    onWindow: (summary) => {
      windowStarts.add(summary.windowStart);
      for (const d of summary.devices) deviceIds[d.medium].add(d.deviceId);
      ingest?.accept(summary);
      options.onWindow?.(summary);
    },
  });

  const total = emptyCounters();
  const failures: ReplayReport['failures'] = [];
  for (const input of options.inputs) {
    let opened;
    try {
      opened = openInput(input, options.stdin);
    } catch (error) {
      failures.push({ path: input.path, message: (error as Error).message });
      continue;
    }
    const { chunks, totalBytes } = opened;
    let result;
    try {
      result = await readCaptureStream(chunks, {
        sensorId: options.sensorId,
        requireRecords: true,
        onObservation: (o) => windower.add(o),
        onProgress: (bytes) => options.onProgress?.({ path: input.path, bytes, totalBytes }),
      });
    } catch (error) {
      failures.push({ path: input.path, message: (error as Error).message });
      continue;
    }
    addCounters(total, result.counters);
    if (result.fatal !== undefined) failures.push({ path: input.path, message: result.fatal });
    if (ingest !== undefined) await ingest.flush();
  }
  windower.flush();
  if (ingest !== undefined) await ingest.flush();
  if (windower.counters.late > 0)
    total.skipped['late'] = (total.skipped['late'] ?? 0) + windower.counters.late;

  return {
    frames: total.frames,
    framesWithRssi: total.framesWithRssi,
    wifiDevices: deviceIds.wifi.size,
    bluetoothDevices: deviceIds.ble.size,
    windows: windowStarts.size,
    skipped: total.skipped,
    failures,
  };
}
