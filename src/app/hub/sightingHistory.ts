import type { WindowSummary } from '../../core/model.ts';
import { DATA_BREAK_SECONDS } from '../../core/occupancy/countWindows.ts';
import type { Span } from '../../core/occupancy/presence.ts';
import { type Sighting, sightingFromDeviceWindow, sortSightings } from '../../core/occupancy/sighting.ts';

interface Bucket {
  /** Each sensor's sightings of this window start; a redelivered part replaces its first copy. */
  parts: Map<string, Sighting[]>;
  /** All parts in time order, made when first asked for. */
  sorted: Sighting[] | undefined;
}

/**
 * The sensor windows the hub's people estimator keeps, as sightings bucketed by window start.
 * A sighting's first frame lies inside its window, so buckets in start order, each sorted, are
 * all sightings in time order: nothing is sorted twice. Device ids are interned, so a device heard
 * every minute for hours holds one copy of its 32-character id, not one per window.
 */
export class SightingHistory {
  private readonly buckets = new Map<number, Bucket>();
  /** Bucket starts, ascending. */
  private starts: number[] = [];
  private readonly ids = new Map<string, string>();
  private held = 0;

  constructor(private readonly windowSeconds: number) {}

  /** Sightings held. */
  get size(): number {
    return this.held;
  }

  add(summary: WindowSummary): void {
    let bucket = this.buckets.get(summary.windowStart);
    if (bucket === undefined) {
      bucket = { parts: new Map(), sorted: undefined };
      this.buckets.set(summary.windowStart, bucket);
      this.insertStart(summary.windowStart);
    }
    const sightings = summary.devices.map((d) => {
      const s = sightingFromDeviceWindow(summary.sensorId, d);
      s.deviceId = this.intern(s.deviceId);
      return s;
    });
    this.held += sightings.length - (bucket.parts.get(summary.sensorId)?.length ?? 0);
    bucket.parts.set(summary.sensorId, sightings);
    bucket.sorted = undefined;
  }

  /** Window starts held from `from` on, ascending. */
  startsFrom(from: number): number[] {
    return this.starts.slice(this.indexOf(from));
  }

  /** Every sighting of the windows that start at `from` or later, sorted by first frame. */
  sightingsFrom(from: number): Sighting[] {
    const out: Sighting[] = [];
    for (let i = this.indexOf(from); i < this.starts.length; i++) {
      const bucket = this.buckets.get(this.starts[i]!)!;
      bucket.sorted ??= sortSightings([...bucket.parts.values()].flat());
      for (const s of bucket.sorted) out.push(s);
    }
    return out;
  }

  /**
   * When data was being collected, as `airtrace count` sees a capture: the windows held, with
   * silences of up to DATA_BREAK_SECONDS between them bridged (a minute without a frame from a
   * replayed capture is a quiet room, not a sensor away), so both count the same windows alike.
   */
  coverage(): Span[] {
    const runs: Span[] = [];
    for (const start of this.starts) {
      const last = runs.at(-1);
      const end = start + this.windowSeconds;
      if (last !== undefined && start - last.end <= DATA_BREAK_SECONDS) last.end = Math.max(last.end, end);
      else runs.push({ start, end });
    }
    return runs;
  }

  /** Forgets the windows that start before `t`. */
  dropBefore(t: number): void {
    const cut = this.indexOf(t);
    if (cut === 0) return;
    for (const start of this.starts.slice(0, cut)) {
      for (const part of this.buckets.get(start)!.parts.values()) this.held -= part.length;
      this.buckets.delete(start);
    }
    this.starts = this.starts.slice(cut);
    if (this.ids.size > 4 * this.held + 1024) this.reintern();
  }

  private intern(id: string): string {
    const known = this.ids.get(id);
    if (known !== undefined) return known;
    this.ids.set(id, id);
    return id;
  }

  /** Keeps the interning table to the ids still held (randomized addresses come and go by the thousand). */
  private reintern(): void {
    this.ids.clear();
    for (const bucket of this.buckets.values())
      for (const part of bucket.parts.values()) for (const s of part) this.ids.set(s.deviceId, s.deviceId);
  }

  /** Index of the first start >= t. */
  private indexOf(t: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insertStart(start: number): void {
    const i = this.indexOf(start);
    this.starts.splice(i, 0, start);
  }
}
