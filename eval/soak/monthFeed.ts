import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Observation, WindowSummary } from '../../src/core/model.ts';
import { readCaptureStream } from '../../src/adapters/capture/captureSource.ts';
import { createSensorWindower } from '../../src/app/sensor/sensorWindower.ts';
import { parseTruthCsv, type TruthRow } from '../../src/core/occupancy/truthSeries.ts';

export interface MonthDay {
  /** The file's date, as the publisher named it (a day in Brno). */
  date: string;
  pcap: string;
  truth: TruthRow[];
}

/** The days of the month folder, in order, each with its truth. */
export function monthDays(dir: string): MonthDay[] {
  return readdirSync(dir)
    .map((f) => /^sc6-61_(\d{4}-\d{2}-\d{2})_anonymized\.pcap$/.exec(f)?.[1])
    .filter((d): d is string => d !== undefined)
    .sort()
    .map((date) => {
      const parsed = parseTruthCsv(readFileSync(join(dir, `sc6-61_${date}_truth.csv`), 'utf8'));
      if (!parsed.ok) throw new Error(`truth of ${date}: ${parsed.errors.join('; ')}`);
      return { date, pcap: join(dir, `sc6-61_${date}_anonymized.pcap`), truth: parsed.rows };
    });
}

/**
 * One day's recording as its sensor would have sent it live: every frame windowed and hashed by
 * the sensor's own windower, and a window for every minute it was listening (an empty one when it
 * heard nothing), from its first frame to its last. Returns the windows and the recording's span.
 */
export async function dayWindows(
  day: MonthDay,
  sensorId: string,
  siteKey: Uint8Array,
): Promise<{ windows: WindowSummary[]; span: { start: number; end: number } }> {
  const windows: WindowSummary[] = [];
  const windower = createSensorWindower({ windowSeconds: 60, siteKey, onWindow: (w) => windows.push(w) });
  let next = -Infinity;
  let first = Infinity;
  let last = -Infinity;
  const result = await readCaptureStream(createReadStream(day.pcap, { highWaterMark: 1 << 18 }), {
    sensorId,
    onObservation: (o: Observation) => {
      if (!Number.isFinite(o.t)) return;
      if (next === -Infinity) next = Math.floor(o.t / 60) * 60;
      // The sensor was scanning: every minute up to this frame has its window.
      for (; next <= o.t; next += 60) windower.touch(sensorId, next);
      first = Math.min(first, o.t);
      last = Math.max(last, o.t);
      windower.add(o);
    },
  });
  if (result.fatal !== undefined) throw new Error(`${day.pcap}: ${result.fatal}`);
  windower.flush();
  windows.sort((a, b) => a.windowStart - b.windowStart);
  return { windows, span: { start: first, end: last } };
}
