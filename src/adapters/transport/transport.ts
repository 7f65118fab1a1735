import type { WindowSummary } from '../../core/model.ts';

/**
 * The two ends of a transport, whatever carries the windows (the in-process bus, MQTT). A
 * sensor owns a `WindowPublisher`, the hub a `WindowSubscriber`; one contract suite runs against
 * every implementation.
 *
 * Delivery is at least once: a window may arrive twice (the store is idempotent by sensor and
 * window start), never zero times while the publisher's outbox holds it.
 */

/** What a sensor says of itself besides its windows. */
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
  /** Times the sensor's BLE discovery watchdog restarted discovery since the sensor started. */
  bleRestarts?: number;
}

/** A sensor's status as the hub learns it: `online` is false once the sensor said goodbye or died. */
export interface TransportStatus extends SensorStatus {
  online: boolean;
}

export interface PublisherCounters {
  /** Windows handed to `publishWindow`. */
  windows: number;
  /** Windows the hub has confirmed it stored (or refused for good). */
  acknowledged: number;
  /** Windows waiting in the outbox, sent or not, for the hub's acknowledgement. */
  outboxDepth: number;
  outboxBytes: number;
  /** Windows dropped unsent because the outbox was over its bounds (oldest first). */
  outboxDropped: number;
  /** Windows refused because their encoding is over the message size limit. */
  oversized: number;
  statuses: number;
  /** Connections made to the broker; above 1 means it went away and came back. */
  connects: number;
  /** Positioning windows sent at QoS 0, and those dropped because the broker was away. */
  transient?: number;
  transientDropped?: number;
  /** Windows sent again because the hub had not acknowledged them (MQTT). */
  resent?: number;
  /** Windows the hub refused or set aside for good (each also logged). */
  refusedByHub?: number;
  /** Windows the disk would not take, held in memory until acknowledged. */
  outboxMemoryOnly?: number;
}

export interface WindowPublisher {
  /** Opens the outbox and starts connecting; resolves without waiting for the broker. */
  start(): Promise<void>;
  /**
   * Queues one window: it is in the outbox (on disk, for MQTT) when this resolves, and goes out
   * as soon as the transport can carry it. Rejects only for a window that can never be sent.
   */
  publishWindow(summary: WindowSummary): Promise<void>;
  /** Tells the hub whether the sensor is scanning; MQTT keeps the latest one retained. */
  publishStatus(status: SensorStatus): Promise<void>;
  /** Resolves once every window queued so far is acknowledged, or rejects after `timeoutMs`. */
  drained(timeoutMs?: number): Promise<void>;
  /** Says goodbye (status offline) and closes; unacknowledged windows stay in the outbox. */
  stop(): Promise<void>;
  readonly counters: Readonly<PublisherCounters>;
}

export interface SubscriberCounters {
  windows: number;
  statuses: number;
  /** Messages refused, by reason ('bad-json', 'oversized', 'schema-version', 'invalid', 'sensor-mismatch', ...). */
  rejected: Record<string, number>;
  /** Handlers that threw or rejected; the message is then redelivered where the transport can. */
  handlerFailures: number;
  connects: number;
  /** Acknowledgements sent back to sensors (MQTT). */
  acknowledgements?: number;
}

/** What became of a window at the hub; the sensor hears it with the acknowledgement. */
export interface WindowOutcome {
  status: 'stored' | 'duplicate' | 'refused' | 'dead-letter';
  reason?: string;
}

/**
 * A handler that returns a promise holds the acknowledgement until it settles: a rejection
 * leaves the window with its sensor (sent again later); a resolution acknowledges it, with the
 * outcome when the handler gives one.
 */
export type WindowHandler = (summary: WindowSummary) => void | WindowOutcome | Promise<void | WindowOutcome>;
export type StatusHandler = (status: TransportStatus) => void | Promise<void>;

export interface WindowSubscriber {
  onWindow(handler: WindowHandler): () => void;
  onStatus(handler: StatusHandler): () => void;
  /** Resolves once the subscriber receives (MQTT: connected and subscribed). */
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly counters: Readonly<SubscriberCounters>;
}
