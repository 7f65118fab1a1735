/**
 * The JSON shapes of the HTTP API: the dashboard and anyone else read these. Errors always have
 * the shape `ApiError` with a matching HTTP status.
 */

export interface ApiError {
  error: { code: string; message: string };
}

/** One window as the page plots it. `estimate` is `devices / ratio`, rounded to one decimal. */
export interface ApiWindow {
  windowStart: number;
  windowEnd: number;
  wifi: number;
  bluetooth: number;
  both: number;
  /** Distinct devices over both media (a device heard on both counts once). */
  devices: number;
  randomized: number;
  estimate: number;
}

export interface ApiSensor {
  id: string;
  status: 'online' | 'offline';
  lastWindowStart: number | null;
}

export interface ApiSummary {
  site: { name: string; sensors: ApiSensor[]; projectUrl: string };
  /** A scan window is open on at least one sensor right now. */
  scanning: boolean;
  windowSeconds: number;
  /** Detectable people per person: estimate = devices / ratio. */
  ratio: number;
  current: ApiWindow | null;
  totals: {
    wifi: number;
    bluetooth: number;
    devices: number;
    estimate: number;
    windows: number;
    averageMinutesSpent: number;
  };
  data: { savedAt: number | null; path: string | null };
}

export interface ApiWindows {
  from: number;
  to: number;
  windows: ApiWindow[];
}

export interface ApiDevice {
  deviceId: string;
  firstSeen: number;
  lastSeen: number;
  rssiMean: number | null;
  rssiStd: number | null;
  manufacturer: string | null;
  randomized: boolean;
  /** SSIDs probed for (Wi-Fi) or names advertised (Bluetooth): attacker-controlled text. */
  ssids: string[];
  minutesSpent: number;
}

export interface ApiDevices {
  total: number;
  rows: ApiDevice[];
}

export interface ApiSaved {
  path: string;
  savedAt: number;
  download: string;
}

/** Server-Sent Events on GET /api/events: `event: <name>` with JSON `data`. */
export interface ApiEvents {
  window: ApiWindow;
  status: { scanning: boolean; sensorId: string };
  saved: { savedAt: number; path: string };
  reset: { at: number };
}
