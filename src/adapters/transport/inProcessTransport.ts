import type { WindowSummary } from '../../core/model.ts';
import { systemClock, type Clock, type TimerHandle } from '../clock/clock.ts';
import { DrainWaiters } from './drainWaiters.ts';
import { SubscriberHandlers } from './subscriberHandlers.ts';
import type {
  PublisherCounters,
  SensorStatus,
  SubscriberCounters,
  TransportStatus,
  WindowPublisher,
  WindowSubscriber,
} from './transport.ts';

/** A failed hand-over is offered again after this long, doubling up to the maximum. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

/**
 * Both ends of the transport in one process (`airtrace run`, the demo): sensors hand their
 * windows straight to the hub's handlers. As over MQTT, a counting window is acknowledged only
 * when the hub's handler has settled it (stored): one whose handler fails (a store that is
 * briefly away) stays with its publisher and is offered again, so nothing is lost on the way.
 * Positioning windows are best effort, as MQTT's QoS 0: handed over once or dropped.
 */
export class InProcessTransport {
  readonly subscriber: InProcessWindowSubscriber;
  private readonly publishers = new Set<InProcessWindowPublisher>();

  constructor(private readonly clock: Clock = systemClock) {
    this.subscriber = new InProcessWindowSubscriber(() => {
      for (const publisher of this.publishers) publisher.resume();
    });
  }

  publisher(sensorId: string): InProcessWindowPublisher {
    const publisher = new InProcessWindowPublisher(this.subscriber, sensorId, this.clock);
    this.publishers.add(publisher);
    return publisher;
  }
}

export class InProcessWindowPublisher implements WindowPublisher {
  private readonly pending = new Map<number, WindowSummary>();
  private readonly inFlight = new Set<number>();
  private readonly drainWaiters: DrainWaiters;
  private nextSeq = 1;
  private retryTimer: TimerHandle | undefined;
  private retryMs = RETRY_FIRST_MS;
  private started = false;
  private readonly tally = {
    windows: 0,
    acknowledged: 0,
    statuses: 0,
    connects: 0,
    transient: 0,
    transientDropped: 0,
  };

  constructor(
    private readonly hub: InProcessWindowSubscriber,
    private readonly sensorId: string,
    private readonly clock: Clock,
  ) {
    this.drainWaiters = new DrainWaiters(clock);
  }

  get counters(): PublisherCounters {
    return {
      ...this.tally,
      outboxDepth: this.pending.size,
      outboxBytes: 0,
      outboxDropped: 0,
      oversized: 0,
    };
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.tally.connects++;
    this.resume();
  }

  async publishWindow(summary: WindowSummary): Promise<void> {
    if (summary.purpose === 'positioning') {
      if (!this.started || !this.hub.receiving) {
        this.tally.transientDropped++;
        return;
      }
      this.tally.transient++;
      await this.hub.deliverWindow(summary).catch(() => {});
      return;
    }
    this.tally.windows++;
    this.pending.set(this.nextSeq++, summary);
    this.resume();
  }

  async publishStatus(status: SensorStatus): Promise<void> {
    this.tally.statuses++;
    if (this.hub.receiving) await this.hub.deliverStatus({ online: true, ...status });
  }

  /** Offers every pending window the hub does not hold yet. */
  resume(): void {
    if (!this.started || !this.hub.receiving) return;
    for (const [seq, summary] of this.pending) {
      if (this.inFlight.has(seq)) continue;
      this.inFlight.add(seq);
      this.hub.deliverWindow(summary).then(
        () => {
          this.inFlight.delete(seq);
          this.pending.delete(seq);
          this.tally.acknowledged++;
          this.retryMs = RETRY_FIRST_MS;
          this.drainWaiters.wake();
        },
        () => {
          this.inFlight.delete(seq);
          this.scheduleRetry();
        },
      );
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== undefined || !this.started) return;
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.resume();
    }, this.retryMs);
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }

  drained(timeoutMs = 30_000): Promise<void> {
    return this.drainWaiters.wait(
      () => this.pending.size,
      timeoutMs,
      (n) => `${n} windows not yet stored by the hub after ${timeoutMs} ms`,
    );
  }

  /** Says goodbye as the MQTT publisher does (a status with `online: false`); pending windows stay. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.hub.receiving)
      await this.hub.deliverStatus({
        sensorId: this.sensorId,
        scanning: false,
        at: this.clock.now(),
        online: false,
      });
  }
}

export class InProcessWindowSubscriber extends SubscriberHandlers implements WindowSubscriber {
  private readonly tally: SubscriberCounters = {
    windows: 0,
    statuses: 0,
    rejected: {},
    handlerFailures: 0,
    connects: 0,
  };
  private started = false;
  private readonly busy = new Set<Promise<unknown>>();

  constructor(private readonly onStart: () => void) {
    super();
  }

  get counters(): SubscriberCounters {
    return { ...this.tally, rejected: { ...this.tally.rejected } };
  }

  get receiving(): boolean {
    return this.started;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.tally.connects++;
    this.onStart();
  }

  /** Settles when every handler has; rejects when one failed, so the publisher keeps the window. */
  deliverWindow(summary: WindowSummary): Promise<void> {
    this.tally.windows++;
    return this.track(this.deliver(this.windowHandlers, summary));
  }

  deliverStatus(status: TransportStatus): Promise<void> {
    this.tally.statuses++;
    return this.track(this.deliver(this.statusHandlers, status)).catch(() => {});
  }

  private async deliver<T>(handlers: Iterable<(value: T) => unknown>, value: T): Promise<void> {
    const results = await Promise.allSettled([...handlers].map(async (handler) => handler(value)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed === undefined) return;
    this.tally.handlerFailures++;
    throw failed.reason;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    const settled = promise.then(
      () => {},
      () => {},
    );
    this.busy.add(settled);
    void settled.then(() => this.busy.delete(settled));
    return promise;
  }

  /** Waits for the windows in hand; publishers keep the rest until a subscriber starts again. */
  async stop(): Promise<void> {
    this.started = false;
    await Promise.all(this.busy);
  }
}
