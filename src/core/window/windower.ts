import type { BleAddressType, DeviceWindow, Medium, Observation, WindowSummary } from '../model.ts';
import { isLocallyAdministered } from '../identity/mac.ts';
import type { DeviceVendorQuery } from '../identity/vendor.ts';
import { redactAddresses } from './addressRedaction.ts';
import { RssiAccumulator } from './rssiAccumulator.ts';
import { windowStartOf } from './windowBounds.ts';

export interface WindowerOptions {
  windowSeconds: number;
  /**
   * How long after a window's end its observations may still arrive: channel hopping and
   * several files or sources interleave slightly out of order. Later ones are counted as late.
   */
  latenessSeconds?: number;
  /** The keyed hash: the only way a MAC leaves the windower. */
  hashMac: (mac: string) => string;
  /** Called once per device and window, with the raw address still in sensor memory. */
  vendorOf: (device: VendorQuery) => string | null;
  onWindow: (summary: WindowSummary) => void;
  /** Marks the summaries as short positioning windows. */
  purpose?: 'positioning';
}

export type VendorQuery = DeviceVendorQuery;

export interface WindowerCounters {
  observations: number;
  late: number;
  windowsEmitted: number;
}

/**
 * A device lists a handful of SSIDs and fingerprints; a hostile one may send thousands, which
 * would swell its window past what the transport carries. Beyond this many, values are dropped.
 */
const MAX_DISTINCT_PER_DEVICE = 32;

/** Appends when absent. These lists hold a handful of values, where an array beats a Set. */
function addDistinct<T>(list: T[], value: T): void {
  if (list.length < MAX_DISTINCT_PER_DEVICE && !list.includes(value)) list.push(value);
}

class DeviceAccumulator {
  frames = 0;
  readonly rssi = new RssiAccumulator();
  readonly ssids: string[] = [];
  /** Most devices send one kind of frame: kept as a pair, a record only for the others. */
  private firstType: string;
  private firstTypeCount = 0;
  private otherTypes: Record<string, number> | undefined;
  readonly fingerprints: string[] = [];
  readonly channels: number[] = [];
  firstSeen: number;
  lastSeen: number;
  seqFirst: number | undefined;
  seqLast: number | undefined;
  addressType: BleAddressType | undefined;
  name: string | undefined;
  companyId: number | undefined;

  constructor(
    readonly medium: Medium,
    t: number,
    frameType: string,
  ) {
    this.firstSeen = t;
    this.lastSeen = t;
    this.firstType = frameType;
  }

  get frameTypes(): Record<string, number> {
    const types: Record<string, number> = { [this.firstType]: this.firstTypeCount };
    if (this.otherTypes !== undefined)
      for (const [type, n] of Object.entries(this.otherTypes)) types[type] = n;
    return types;
  }

  add(o: Observation): void {
    this.frames++;
    if (o.rssi !== undefined) this.rssi.add(o.rssi);
    if (o.ssid !== undefined && o.ssid !== '') addDistinct(this.ssids, o.ssid);
    if (o.frameType === this.firstType) this.firstTypeCount++;
    else {
      this.otherTypes ??= {};
      this.otherTypes[o.frameType] = (this.otherTypes[o.frameType] ?? 0) + 1;
    }
    if (o.ieFingerprint !== undefined) addDistinct(this.fingerprints, o.ieFingerprint);
    if (o.channel !== undefined) addDistinct(this.channels, o.channel);
    if (o.t < this.firstSeen) this.firstSeen = o.t;
    if (o.t > this.lastSeen) this.lastSeen = o.t;
    if (o.seq !== undefined) {
      this.seqFirst ??= o.seq;
      this.seqLast = o.seq;
    }
    if (o.addressType !== undefined) this.addressType = o.addressType;
    if (o.name !== undefined) this.name = o.name;
    if (o.companyId !== undefined) this.companyId = o.companyId;
  }
}

interface DeviceIdentity {
  deviceId: string;
  randomized: boolean;
  vendor: string | null;
  /**
   * The device's last few SSIDs and names with their redacted form, flat (text, redacted, ...):
   * a device sends the same ones window after window, and looking them up beats searching them.
   */
  redacted: string[];
}

/**
 * Texts remembered per device; one with more, or longer ones, just has them searched again. The
 * bound keeps a flood of devices with long made-up SSIDs from holding much memory.
 */
const REDACTED_PER_DEVICE = 2;
const LONGEST_REMEMBERED = 64;

function redactedText(identity: DeviceIdentity, text: string, mac: string): string {
  const memo = identity.redacted;
  for (let i = 0; i < memo.length; i += 2) if (memo[i] === text) return memo[i + 1]!;
  const out = redactAddresses(text, mac);
  if (memo.length < 2 * REDACTED_PER_DEVICE && text.length <= LONGEST_REMEMBERED) memo.push(text, out);
  return out;
}

/**
 * Devices are heard in window after window; hashing and the registry lookup are the costliest
 * per-device work, so their results are kept for this many addresses (in sensor memory only,
 * like every raw MAC) before the cache starts afresh.
 */
const IDENTITY_CACHE_SIZE = 50_000;

interface OpenWindow {
  start: number;
  frames: number;
  framesWithRssi: number;
  devices: Map<string, DeviceAccumulator>;
}

interface SensorState {
  open: Map<number, OpenWindow>;
  /** The window the last observation went to: nearly every next one goes there too. */
  current: OpenWindow | undefined;
  /** Windows starting before this are closed; their stragglers are late. */
  closedBefore: number;
  /** End of the earliest open window: nothing closes before time passes it. */
  nextDue: number;
}

/** A BLE address the device rotates for privacy; public and static random addresses stay put. */
export function isRandomizedAddress(medium: Medium, mac: string, addressType?: BleAddressType): boolean {
  if (medium === 'wifi') return isLocallyAdministered(mac);
  return addressType === 'resolvable-private' || addressType === 'non-resolvable-private';
}

/**
 * Groups observations into clock-aligned windows per sensor and device, and turns each into a
 * `WindowSummary` whose devices are known only by their keyed hash: "the list of RSSIs per
 * user, then mean and std at the end of the scan" of the original tracker, without the list.
 */
export class Windower {
  readonly counters: WindowerCounters = { observations: 0, late: 0, windowsEmitted: 0 };
  private readonly sensors = new Map<string, SensorState>();
  private readonly windowSeconds: number;
  private readonly latenessSeconds: number;
  private readonly identities = new Map<string, DeviceIdentity>();

  constructor(private readonly options: WindowerOptions) {
    if (!(options.windowSeconds > 0)) throw new RangeError('windowSeconds must be positive');
    this.windowSeconds = options.windowSeconds;
    this.latenessSeconds = options.latenessSeconds ?? 5;
  }

  add(o: Observation): void {
    this.counters.observations++;
    const sensor = this.sensorState(o.sensorId);
    const window = this.openWindow(sensor, o.t);
    if (window === undefined) {
      this.counters.late++;
      return;
    }
    window.frames++;
    if (o.rssi !== undefined) window.framesWithRssi++;
    let device = window.devices.get(o.mac);
    if (device === undefined) {
      device = new DeviceAccumulator(o.medium, o.t, o.frameType);
      window.devices.set(o.mac, device);
    }
    device.add(o);
    if (o.t - this.latenessSeconds >= sensor.nextDue) {
      this.closeSensorWindows(o.sensorId, sensor, o.t - this.latenessSeconds);
    }
  }

  /**
   * A sensor that is scanning at time `t` has a window then, even if it hears nothing: an empty
   * window says "nobody around", where a missing one says "not listening".
   */
  touch(sensorId: string, t: number): void {
    this.openWindow(this.sensorState(sensorId), t);
  }

  private sensorState(sensorId: string): SensorState {
    let sensor = this.sensors.get(sensorId);
    if (sensor === undefined) {
      sensor = { open: new Map(), current: undefined, closedBefore: -Infinity, nextDue: Infinity };
      this.sensors.set(sensorId, sensor);
    }
    return sensor;
  }

  private openWindow(sensor: SensorState, t: number): OpenWindow | undefined {
    const current = sensor.current;
    if (current !== undefined && t >= current.start && t < current.start + this.windowSeconds) return current;
    const start = windowStartOf(t, this.windowSeconds);
    if (start < sensor.closedBefore || !Number.isFinite(start)) return undefined;
    let window = sensor.open.get(start);
    if (window === undefined) {
      window = { start, frames: 0, framesWithRssi: 0, devices: new Map() };
      sensor.open.set(start, window);
      sensor.nextDue = Math.min(sensor.nextDue, start + this.windowSeconds);
    }
    sensor.current = window;
    return window;
  }

  /** Closes every window of every sensor that ended at or before `t` minus the lateness allowance. */
  advanceTo(t: number): void {
    for (const [id, sensor] of this.sensors) this.closeSensorWindows(id, sensor, t - this.latenessSeconds);
  }

  /** Closes all open windows: the end of a replay or a clean shutdown. */
  flush(): void {
    for (const [id, sensor] of this.sensors) this.closeSensorWindows(id, sensor, Infinity);
  }

  private closeSensorWindows(sensorId: string, sensor: SensorState, until: number): void {
    const due = [...sensor.open.values()]
      .filter((w) => w.start + this.windowSeconds <= until)
      .sort((a, b) => a.start - b.start);
    for (const window of due) {
      sensor.open.delete(window.start);
      if (sensor.current === window) sensor.current = undefined;
      sensor.closedBefore = Math.max(sensor.closedBefore, window.start + this.windowSeconds);
      this.counters.windowsEmitted++;
      this.options.onWindow(this.summarize(sensorId, window));
    }
    let nextDue = Infinity;
    for (const start of sensor.open.keys()) nextDue = Math.min(nextDue, start + this.windowSeconds);
    sensor.nextDue = nextDue;
  }

  private identify(mac: string, acc: DeviceAccumulator): DeviceIdentity {
    // BLE identity depends on more than the address (type, advertised company): not cached.
    const cacheable = acc.medium === 'wifi';
    const cached = cacheable ? this.identities.get(mac) : undefined;
    if (cached !== undefined) return cached;
    const randomized = isRandomizedAddress(acc.medium, mac, acc.addressType);
    const query: VendorQuery = { mac, medium: acc.medium, randomized };
    if (acc.companyId !== undefined) query.companyId = acc.companyId;
    if (acc.addressType !== undefined) query.addressType = acc.addressType;
    const identity = {
      deviceId: this.options.hashMac(mac),
      randomized,
      vendor: this.options.vendorOf(query),
      redacted: [],
    };
    if (cacheable) {
      if (this.identities.size >= IDENTITY_CACHE_SIZE) this.identities.clear();
      this.identities.set(mac, identity);
    }
    return identity;
  }

  private summarize(sensorId: string, window: OpenWindow): WindowSummary {
    const devices: DeviceWindow[] = [];
    for (const [mac, acc] of window.devices) {
      const identity = this.identify(mac, acc);
      const { deviceId, randomized, vendor } = identity;
      const device: DeviceWindow = {
        deviceId,
        medium: acc.medium,
        randomized,
        vendor,
        frames: acc.frames,
        rssi: acc.rssi.stats(),
        // SSIDs and names are the only attacker-chosen texts a window carries: every address
        // spelled in them goes here, while the raw MAC is still in sensor memory.
        ssids:
          acc.ssids.length === 0 ? acc.ssids : acc.ssids.map((ssid) => redactedText(identity, ssid, mac)),
        frameTypes: acc.frameTypes,
        ieFingerprints: acc.fingerprints,
        channels: acc.channels,
        firstSeen: acc.firstSeen,
        lastSeen: acc.lastSeen,
      };
      if (acc.seqFirst !== undefined) device.seqFirst = acc.seqFirst;
      if (acc.seqLast !== undefined) device.seqLast = acc.seqLast;
      if (acc.addressType !== undefined) device.addressType = acc.addressType;
      if (acc.name !== undefined) device.name = redactedText(identity, acc.name, mac);
      devices.push(device);
    }
    return {
      schema: 1,
      ...(this.options.purpose === undefined ? {} : { purpose: this.options.purpose }),
      sensorId,
      windowStart: window.start,
      windowEnd: window.start + this.windowSeconds,
      frames: window.frames,
      framesWithRssi: window.framesWithRssi,
      devices,
    };
  }
}
