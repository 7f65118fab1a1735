import type { WindowSummary } from '../../core/model.ts';

/** What sensors tell the hub. Over MQTT these become topics; in one process, this bus. */
export interface BusEvents {
  window: WindowSummary;
  status: SensorStatus;
}

export interface SensorStatus {
  sensorId: string;
  /** A scan window is open: the sensor is capturing right now. */
  scanning: boolean;
  /** Wall-clock Unix seconds when the sensor said so. */
  at: number;
  /** False when the sensor is gone (its MQTT last will, or a clean shutdown). */
  online?: boolean;
  /** Windows waiting in the sensor's outbox (MQTT sensors; heartbeats carry it). */
  outboxDepth?: number;
}

type Listener<T> = (payload: T) => void | Promise<void>;

/**
 * A typed in-memory publish/subscribe bus. Each listener's failure is isolated and reported,
 * so one broken consumer cannot stop the others (zigbee2mqtt's eventBus does the same).
 */
export class InProcessBus {
  private readonly listeners: { [K in keyof BusEvents]: Set<Listener<BusEvents[K]>> } = {
    window: new Set(),
    status: new Set(),
  };

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  publish<K extends keyof BusEvents>(event: K, payload: BusEvents[K]): void {
    for (const listener of this.listeners[event]) {
      try {
        const result = listener(payload);
        if (result instanceof Promise) result.catch(this.onListenerError);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  subscribe<K extends keyof BusEvents>(event: K, listener: Listener<BusEvents[K]>): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }
}
