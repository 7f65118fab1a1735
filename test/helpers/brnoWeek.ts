import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { replay } from '../../src/app/batch/replay.ts';
import type { WindowSummary } from '../../src/core/model.ts';
import { fixtures } from './paths.ts';

/** Monday 2023-08-21 to Monday 2023-08-28 in Brno; Friday 2023-08-25 the sensor was off. */
export const BRNO_WEEK = {
  timeZone: 'Europe/Prague',
  monday: '2023-08-21',
  nextMonday: '2023-08-28',
  missing: '2023-08-25',
  /** 2023-08-21 00:00 in Prague. */
  mondayStart: 1_692_568_800,
  dir: join(fixtures, 'history'),
};

/** The week's fixture minutes (06:30-06:50 UTC of each day) as the lab's sensor sends them. */
export async function brnoWeekWindows(): Promise<WindowSummary[]> {
  const windows: WindowSummary[] = [];
  const files = readdirSync(BRNO_WEEK.dir)
    .filter((f) => f.endsWith('.pcap'))
    .sort();
  await replay({
    inputs: files.map((f) => ({ path: join(BRNO_WEEK.dir, f) })),
    windowSeconds: 60,
    sensorId: 'brno-lab',
    siteKey: new Uint8Array(32).fill(9),
    onWindow: (w) => windows.push(w),
  });
  return windows;
}
