import type { TransportStatus } from '../../adapters/transport/transport.ts';
import type { SensorView } from '../../adapters/http/hubView.ts';
import type { HubEventBus } from './hubEvents.ts';

interface SensorState {
  id: string;
  scanning: boolean;
  /** False once the sensor said it is gone; true again when it is heard. */
  connected: boolean;
  lastHeardAt: number;
  lastWindowStart: number | null;
  outboxDepth: number | null;
  bleRestarts: number | null;
}

export interface SensorRegistryOptions {
  events: HubEventBus;
  now: () => number;
  windowSeconds: number;
  /** Sensors tracked one by one (list, per-sensor metrics); windows of more are still stored. Default 256. */
  maxSensors?: number;
}

/**
 * What the hub knows of each sensor: scanning, online, its last window and outbox depth. A sensor
 * is listed once it has sent a valid window (a status alone, or a forged id, adds nothing), and
 * at most `maxSensors` are: a flood of made-up ids cannot grow the list or /metrics without bound.
 */
export class SensorRegistry {
  private readonly sensors = new Map<string, SensorState>();
  /** Statuses of sensors not listed yet: the latest one each, so a listed sensor starts right. */
  private readonly unlisted = new Map<string, TransportStatus>();
  /** Sensor ids not tracked because the list was full. */
  untracked = 0;
  /** Frames counted by sensors in the windows received. */
  framesReceived = 0;
  /** Wall-clock time of the last window received, for the ingest lag. */
  lastWindowReceivedAt: number | null = null;
  private offs: (() => void)[] = [];

  constructor(private readonly options: SensorRegistryOptions) {}

  private get maxSensors(): number {
    return this.options.maxSensors ?? 256;
  }

  start(): void {
    const { events, now } = this.options;
    this.offs = [
      events.on('windowReceived', (summary) => {
        this.framesReceived += summary.frames;
        this.lastWindowReceivedAt = now();
        const sensor = this.listed(summary.sensorId);
        if (sensor === undefined) return;
        sensor.lastWindowStart = Math.max(sensor.lastWindowStart ?? -Infinity, summary.windowStart);
        sensor.lastHeardAt = now();
        sensor.connected = true;
      }),
      events.on('positioningReceived', (summary) => {
        const sensor = this.listed(summary.sensorId);
        if (sensor !== undefined) sensor.lastHeardAt = now();
      }),
    ];
  }

  stop(): void {
    for (const off of this.offs) off();
    this.offs = [];
  }

  /** A sensor's status from the transport; true when it concerns a listed sensor. */
  noteStatus(status: TransportStatus): boolean {
    const sensor = this.sensors.get(status.sensorId);
    if (sensor === undefined) {
      if (this.unlisted.has(status.sensorId) || this.unlisted.size < this.maxSensors)
        this.unlisted.set(status.sensorId, status);
      return false;
    }
    this.apply(sensor, status);
    return true;
  }

  get scanning(): boolean {
    for (const s of this.sensors.values()) if (s.scanning) return true;
    return false;
  }

  list(): SensorView[] {
    return [...this.sensors.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((s) => ({
        id: s.id,
        online: this.isOnline(s),
        scanning: s.scanning,
        lastWindowStart: s.lastWindowStart,
        outboxDepth: s.outboxDepth,
        bleRestarts: s.bleRestarts,
      }));
  }

  /** A sensor is online while it has been heard within three windows. */
  private isOnline(sensor: SensorState): boolean {
    return sensor.connected && this.options.now() - sensor.lastHeardAt <= 3 * this.options.windowSeconds;
  }

  private listed(id: string): SensorState | undefined {
    let sensor = this.sensors.get(id);
    if (sensor !== undefined) return sensor;
    if (this.sensors.size >= this.maxSensors) {
      this.untracked++;
      return undefined;
    }
    sensor = {
      id,
      scanning: false,
      connected: true,
      lastHeardAt: this.options.now(),
      lastWindowStart: null,
      outboxDepth: null,
      bleRestarts: null,
    };
    this.sensors.set(id, sensor);
    const status = this.unlisted.get(id);
    this.unlisted.delete(id);
    if (status !== undefined) this.apply(sensor, status);
    return sensor;
  }

  private apply(sensor: SensorState, status: TransportStatus): void {
    sensor.scanning = status.scanning && status.online;
    sensor.connected = status.online;
    sensor.lastHeardAt = this.options.now();
    if (status.outboxDepth !== undefined) sensor.outboxDepth = status.outboxDepth;
    if (status.bleRestarts !== undefined) sensor.bleRestarts = status.bleRestarts;
  }
}
