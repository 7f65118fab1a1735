import type { Medium, WindowSummary } from '../../core/model.ts';
import type { WindowCounts } from '../../core/history/windowRollup.ts';

/** One stored window as a database from before rollups holds it: its row, its claims, its sightings. */
export interface RawWindow {
  windowStart: number;
  windowEnd: number;
  counts: WindowCounts;
  claims: readonly { sensorId: string; frames: number }[];
  sightings: readonly {
    sensorId: string;
    deviceId: string;
    medium: Medium;
    randomized: boolean;
    rssiMax: number | null;
    firstSeen: number;
  }[];
}

/**
 * A stored window as if it were being written now, all its sensors at once: what the rollups of
 * a database that predates them are rebuilt from, window by window, when it is first opened.
 * Sensors whose claims are gone (retention) still count with what their sightings say.
 */
export function rebuiltWrite(raw: RawWindow): {
  fresh: WindowSummary[];
  before: undefined;
  after: WindowCounts;
} {
  const parts = new Map<string, WindowSummary>();
  const part = (sensorId: string, frames: number) => {
    let p = parts.get(sensorId);
    if (p === undefined) {
      p = {
        schema: 1,
        sensorId,
        windowStart: raw.windowStart,
        windowEnd: raw.windowEnd,
        frames,
        framesWithRssi: 0,
        devices: [],
      };
      parts.set(sensorId, p);
    }
    return p;
  };
  for (const c of raw.claims) part(c.sensorId, c.frames);
  for (const s of raw.sightings) {
    part(s.sensorId, 0).devices.push({
      deviceId: s.deviceId,
      medium: s.medium,
      randomized: s.randomized,
      vendor: null,
      frames: 0,
      rssi: s.rssiMax === null ? null : { count: 1, mean: s.rssiMax, std: 0, min: s.rssiMax, max: s.rssiMax },
      ssids: [],
      frameTypes: {},
      ieFingerprints: [],
      channels: [],
      firstSeen: s.firstSeen,
      lastSeen: s.firstSeen,
    });
  }
  return { fresh: [...parts.values()], before: undefined, after: raw.counts };
}
