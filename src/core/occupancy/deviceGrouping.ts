/**
 * Device grouping: which sightings (hashed addresses) belong to one physical device.
 *
 * Phones change their Wi-Fi MAC for almost every probe burst, and lately their sequence number
 * too, but not the way they describe their radio: the probe-request IE fingerprint stays. So:
 *
 * 1. An address seen before stays with its device unless the device has been silent for longer
 *    than `memorySeconds`; then it starts afresh, so nothing older than that ever influences
 *    grouping (a day counts the same alone or after any earlier days).
 * 2. A stable address (not randomized, and heard for longer than `briefSeconds`) is a device by
 *    itself and never takes other addresses.
 * 3. Any other address joins a device that is still around (heard within `linkGapSeconds`) and
 *    shares a fingerprint with it:
 *    - preferably the one whose sequence numbers it continues (first seq shortly after the last);
 *    - never one that has shown a sequence chain recently without this address continuing it:
 *      that device keeps its counter, so this is another device of the same model;
 *    - otherwise the one with the closest RSSI on the same sensor (RSSI continuity per sensor).
 * 4. An address whose fingerprint no device shows joins one that probes for the same
 *    `ssidLinkMin` directed SSIDs, or, when exactly one device was heard in the last
 *    `quietLinkSeconds`, that device if its RSSI matches within `quietLinkDb` (a phone that
 *    alternates between two probe formats; only decidable when nothing else is around).
 * 5. BLE private addresses join the device with the same advertised company and name whose
 *    previous address stopped at most `bleRotationSeconds` before this one started.
 *
 * What this does not do, on purpose: split one fingerprint into several devices by RSSI alone.
 * A phone in a pocket moves by more dB than two phones on two desks differ, and on the brno
 * recordings splitting that way made the people estimate worse (mean error 1.3 instead of 1.0).
 * Devices of one model that rotate both MAC and sequence number are therefore one device while
 * they are around together; the people model's fitted weights absorb that on average.
 */

import type { Medium } from '../model.ts';
import type { GroupingParams } from './countingParams.ts';
import type { Sighting } from './sighting.ts';

export interface DeviceGroup {
  id: number;
  medium: Medium;
  /** Hashed addresses of the device. */
  members: Set<string>;
  /** True unless one member is a stable (non-rotating) address. */
  randomized: boolean;
  fingerprints: Set<string>;
  ssids: Set<string>;
  firstSeen: number;
  lastSeen: number;
  /** In time order. */
  sightings: Sighting[];
}

interface GroupState {
  group: DeviceGroup;
  /** Anchored on a stable address: takes no other addresses. */
  anchored: boolean;
  lastSeq: number | undefined;
  lastSeqAt: number;
  /** Consecutive sightings that continued the sequence numbers. */
  seqChain: number;
  /** Last RSSI per sensor. */
  lastRssi: Map<string, number>;
  bleKey: string | undefined;
  /** In the list of devices still around. */
  isActive: boolean;
}

const SEQ_MODULO = 4096;

/** How a sighting found its device: its address was known, it continued the sequence numbers, another rule, or none. */
type Joined = 'known' | 'seq' | 'other' | 'new';

interface Found {
  state: GroupState;
  how: Joined;
}

function bleIdentity(s: Sighting): string {
  return `${s.vendor ?? ''}\u0000${s.name ?? ''}\u0000${s.addressType ?? ''}`;
}

function sharesAny(a: readonly string[], b: ReadonlySet<string>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

function sharedCount(a: readonly string[], b: ReadonlySet<string>): number {
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  return n;
}

/**
 * Groups sightings into devices. Feed sightings in time order (by `firstSeen`); the groups are
 * final for every device silent for `linkGapSeconds`. Pure: no clock, no I/O.
 */
export class DeviceGrouper {
  private readonly states: GroupState[] = [];
  private readonly byDevice = new Map<string, GroupState>();
  private readonly addressFirstSeen = new Map<string, number>();
  /** Devices heard within the link gap. */
  private active: GroupState[] = [];

  constructor(
    private readonly params: GroupingParams,
    private readonly ignore: ReadonlySet<string> = new Set(),
  ) {}

  private get memorySeconds(): number {
    return Math.max(this.params.memorySeconds, this.params.linkGapSeconds);
  }

  /** Adds one sighting; returns its device, or undefined when it is ignored (listed, access point). */
  add(s: Sighting): DeviceGroup | undefined {
    if (s.infrastructure || this.ignore.has(s.deviceId)) return undefined;
    this.prune(s.firstSeen);
    let state = this.byDevice.get(s.deviceId);
    if (state !== undefined && s.firstSeen - state.group.lastSeen > this.memorySeconds) {
      // Back after a silence longer than the grouping's memory: a new stay of the device, grouped afresh.
      // Joining the old group would let what was heard days ago (its fingerprints, sequence
      // numbers, other addresses) decide today's grouping, so a day's count would depend on
      // which earlier days are in the same run.
      this.forget(state);
      state = undefined;
    }
    let how: Joined = 'known';
    if (state === undefined) {
      this.addressFirstSeen.set(s.deviceId, s.firstSeen);
      if (this.isStable(s)) {
        state = this.create(s, true);
        how = 'new';
      } else {
        const found = s.medium === 'wifi' ? this.findWifi(s) : this.findBle(s);
        state = found?.state ?? this.create(s, false);
        how = found?.how ?? 'new';
      }
      this.byDevice.set(s.deviceId, state);
    } else if (!s.randomized && !state.anchored) {
      // A brief address that turns out to stay: its device does not rotate after all.
      const first = this.addressFirstSeen.get(s.deviceId) ?? s.firstSeen;
      if (s.lastSeen - first > this.params.briefSeconds) state.group.randomized = false;
    }
    this.attach(state, s, how);
    return state.group;
  }

  groups(): DeviceGroup[] {
    return this.states.map((s) => s.group);
  }

  /** Drops a device's addresses from the lookups: none of them may join it again. */
  private forget(state: GroupState): void {
    for (const id of state.group.members) {
      if (this.byDevice.get(id) === state) {
        this.byDevice.delete(id);
        this.addressFirstSeen.delete(id);
      }
    }
  }

  private isStable(s: Sighting): boolean {
    if (s.randomized) return false;
    if (s.medium === 'ble') return true;
    return s.lastSeen - s.firstSeen > this.params.briefSeconds;
  }

  private prune(t: number): void {
    const horizon = t - this.params.linkGapSeconds;
    if (this.active.some((g) => g.group.lastSeen < horizon)) {
      this.active = this.active.filter((g) => {
        g.isActive = g.group.lastSeen >= horizon;
        return g.isActive;
      });
    }
  }

  private create(s: Sighting, anchored: boolean): GroupState {
    const state: GroupState = {
      group: {
        id: this.states.length,
        medium: s.medium,
        members: new Set(),
        randomized: !anchored,
        fingerprints: new Set(),
        ssids: new Set(),
        firstSeen: s.firstSeen,
        lastSeen: s.lastSeen,
        sightings: [],
      },
      anchored,
      lastSeq: undefined,
      lastSeqAt: -Infinity,
      seqChain: 0,
      lastRssi: new Map(),
      bleKey: s.medium === 'ble' ? bleIdentity(s) : undefined,
      isActive: true,
    };
    this.states.push(state);
    this.active.push(state);
    return state;
  }

  private attach(state: GroupState, s: Sighting, how: Joined): void {
    const g = state.group;
    if (!state.isActive) {
      // Pruned a moment ago but heard again within the link gap: around again.
      state.isActive = true;
      this.active.push(state);
    }
    g.members.add(s.deviceId);
    for (const f of s.fingerprints) g.fingerprints.add(f);
    for (const x of s.ssids) g.ssids.add(x);
    if (s.firstSeen < g.firstSeen) g.firstSeen = s.firstSeen;
    if (s.lastSeen > g.lastSeen) g.lastSeen = s.lastSeen;
    g.sightings.push(s);
    if (s.seqLast !== undefined) {
      // An address's own frames continue its numbers trivially: only a new address counts.
      if (how === 'seq') state.seqChain++;
      else if (how !== 'known') state.seqChain = 0;
      state.lastSeq = s.seqLast;
      state.lastSeqAt = s.lastSeen;
    }
    if (s.rssiMax !== undefined) state.lastRssi.set(s.sensorId, s.rssiMax);
  }

  /** The sequence gap from a device's last number to this sighting's first, if it continues it. */
  private seqContinues(state: GroupState, s: Sighting): number | undefined {
    if (s.seqFirst === undefined || state.lastSeq === undefined) return undefined;
    const gap = Math.max(0, s.firstSeen - state.lastSeqAt);
    if (gap > this.params.seqMaxGapSeconds) return undefined;
    const d = (s.seqFirst - state.lastSeq + SEQ_MODULO) % SEQ_MODULO;
    return d > 0 && d <= this.params.seqSlack + this.params.seqPerSecond * gap ? d : undefined;
  }

  private rssiDistance(state: GroupState, s: Sighting): number {
    if (s.rssiMax === undefined) return 0;
    const last = state.lastRssi.get(s.sensorId);
    return last === undefined ? 0 : Math.abs(s.rssiMax - last);
  }

  private findWifi(s: Sighting): Found | undefined {
    const p = this.params;
    let bySeq: GroupState | undefined;
    let bestSeq = Infinity;
    let byRssi: GroupState | undefined;
    let bestCost = Infinity;
    let sameFingerprint = false;
    for (const state of this.active) {
      if (state.anchored || state.group.medium !== 'wifi') continue;
      if (!sharesAny(s.fingerprints, state.group.fingerprints)) continue;
      sameFingerprint = true;
      const d = this.seqContinues(state, s);
      if (d !== undefined && d < bestSeq) {
        bestSeq = d;
        bySeq = state;
      }
      if (
        d === undefined &&
        state.seqChain >= p.seqChainLength &&
        s.firstSeen - state.lastSeqAt <= p.seqChainSeconds
      ) {
        continue; // that device keeps its counter and would have continued it
      }
      const gapMinutes = Math.max(0, s.firstSeen - state.group.lastSeen) / 60;
      const cost = this.rssiDistance(state, s) + gapMinutes;
      if (cost < bestCost) {
        bestCost = cost;
        byRssi = state;
      }
    }
    if (bySeq !== undefined) return { state: bySeq, how: 'seq' };
    if (byRssi !== undefined) return { state: byRssi, how: 'other' };
    if (sameFingerprint) return undefined;
    return this.findByNetworks(s) ?? this.findQuiet(s);
  }

  private findByNetworks(s: Sighting): Found | undefined {
    if (s.ssids.length < this.params.ssidLinkMin) return undefined;
    let best: GroupState | undefined;
    let bestShared = this.params.ssidLinkMin - 1;
    for (const state of this.active) {
      if (state.anchored || state.group.medium !== 'wifi') continue;
      const shared = sharedCount(s.ssids, state.group.ssids);
      if (shared > bestShared) {
        bestShared = shared;
        best = state;
      }
    }
    return best === undefined ? undefined : { state: best, how: 'other' };
  }

  private findQuiet(s: Sighting): Found | undefined {
    const since = s.firstSeen - this.params.quietLinkSeconds;
    let only: GroupState | undefined;
    for (const state of this.active) {
      if (state.group.lastSeen < since || state.group.medium !== 'wifi') continue;
      if (only !== undefined) return undefined; // more than one device around: undecidable
      only = state;
    }
    if (only === undefined || only.anchored) return undefined;
    if (s.rssiMax === undefined) return undefined;
    const last = only.lastRssi.get(s.sensorId);
    if (last === undefined || Math.abs(s.rssiMax - last) > this.params.quietLinkDb) return undefined;
    return { state: only, how: 'other' };
  }

  private findBle(s: Sighting): Found | undefined {
    const key = bleIdentity(s);
    let best: GroupState | undefined;
    let bestGap = Infinity;
    for (const state of this.active) {
      if (state.anchored || state.bleKey !== key) continue;
      const gap = s.firstSeen - state.group.lastSeen;
      // A rotation: the previous address stopped before this one started, shortly before.
      if (gap < 0 || gap > this.params.bleRotationSeconds) continue;
      if (gap < bestGap) {
        bestGap = gap;
        best = state;
      }
    }
    return best === undefined ? undefined : { state: best, how: 'other' };
  }
}

/** Groups a whole list of sightings (sorted by first frame) at once. */
export function groupDevices(
  sightings: readonly Sighting[],
  params: GroupingParams,
  ignore: ReadonlySet<string> = new Set(),
): DeviceGroup[] {
  const grouper = new DeviceGrouper(params, ignore);
  for (const s of sightings) grouper.add(s);
  return grouper.groups();
}
