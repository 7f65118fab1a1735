/**
 * The shared domain types. Everything here is plain data: it crosses the in-process bus, MQTT
 * (as JSON) and the store unchanged, so no class instances, no Buffers, no Maps.
 *
 * Times are Unix seconds as floating-point numbers (microsecond precision survives in a double
 * until the year 2255); durations are seconds.
 */

export type Medium = 'wifi' | 'ble';

/** How a BLE advertiser's address was declared; Wi-Fi addresses have none. */
export type BleAddressType =
  'public' | 'random-static' | 'resolvable-private' | 'non-resolvable-private' | 'random';

/**
 * One frame or advertisement heard by one sensor. The raw `mac` lives only in sensor memory:
 * the windower replaces it with a keyed hash before anything leaves the sensor.
 */
export interface Observation {
  t: number;
  sensorId: string;
  medium: Medium;
  /** Transmitter address, normalised to lower-case `aa:bb:cc:dd:ee:ff`. */
  mac: string;
  rssi?: number;
  channel?: number;
  freqMhz?: number;
  /** A short stable name: 'probe-req', 'beacon', 'data', 'qos-data', 'adv-ind', ... */
  frameType: string;
  /** Display form of the SSID or BLE local name: UTF-8 when valid, otherwise `\xNN` escapes. */
  ssid?: string;
  ieFingerprint?: string;
  /** 802.11 sequence number (0..4095). */
  seq?: number;
  addressType?: BleAddressType;
  /** BLE manufacturer company id, when advertised. */
  companyId?: number;
  /** Advertised BLE local name (attacker-controlled text). */
  name?: string;
  txPower?: number;
}

/** RSSI statistics over one window; absent when no frame carried an RSSI. */
export interface RssiStats {
  count: number;
  mean: number;
  /** Population standard deviation, as the original tracker's numpy.std. */
  std: number;
  min: number;
  max: number;
}

/** One device as one sensor heard it during one window, with its identity already hashed. */
export interface DeviceWindow {
  /** HMAC-SHA-256(siteKey, mac), hex, truncated. Never the raw MAC. */
  deviceId: string;
  medium: Medium;
  /** Locally administered Wi-Fi MAC, or a BLE private address. */
  randomized: boolean;
  /** Manufacturer from the IEEE registry or the Bluetooth SIG table; 'randomized' for private addresses. */
  vendor: string | null;
  frames: number;
  rssi: RssiStats | null;
  ssids: string[];
  frameTypes: Record<string, number>;
  ieFingerprints: string[];
  channels: number[];
  firstSeen: number;
  lastSeen: number;
  /** First and last 802.11 sequence numbers in the window, for grouping randomized MACs. */
  seqFirst?: number;
  seqLast?: number;
  addressType?: BleAddressType;
  name?: string;
}

/** Everything one sensor heard during one window: the unit that crosses the transport. */
export interface WindowSummary {
  schema: 1;
  /**
   * 'positioning' for the short windows (a few seconds) that sensors send for live positioning;
   * absent for the counting windows that are stored.
   */
  purpose?: 'positioning';
  sensorId: string;
  windowStart: number;
  windowEnd: number;
  frames: number;
  framesWithRssi: number;
  devices: DeviceWindow[];
}
