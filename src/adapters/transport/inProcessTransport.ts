import { SubscriberHandlers } from './subscriberHandlers.ts';
import type { WindowSummary } from '../../core/model.ts';
import type { InProcessBus, SensorStatus } from './inProcessBus.ts';
import type {
  PublisherCounters,
  SubscriberCounters,
  TransportStatus,
  WindowPublisher,
  WindowSubscriber,
} from './transport.ts';

/**
 * Both ends of the transport over one `InProcessBus` (sensor and hub in one process). Delivery
 * is synchronous and nothing can be lost on the way, so the outbox stays empty.
 */
export class InProcessWindowPublisher implements WindowPublisher {
  private readonly tally = { windows: 0, statuses: 0 };
  private started = false;

  constructor(
    private readonly bus: InProcessBus,
    private readonly sensorId: string,
    private readonly now: () => number = () => Date.now() / 1000,
  ) {}

  get counters(): PublisherCounters {
    return {
      windows: this.tally.windows,
      acknowledged: this.tally.windows,
      outboxDepth: 0,
      outboxBytes: 0,
      outboxDropped: 0,
      oversized: 0,
      statuses: this.tally.statuses,
      connects: this.started ? 1 : 0,
    };
  }

  async start(): Promise<void> {
    this.started = true;
  }

  async publishWindow(summary: WindowSummary): Promise<void> {
    this.tally.windows++;
    this.bus.publish('window', summary);
  }

  async publishStatus(status: SensorStatus): Promise<void> {
    this.tally.statuses++;
    this.bus.publish('status', status);
  }

  async drained(): Promise<void> {}

  /** Says goodbye as the MQTT publisher does: a status with `online: false`. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    const goodbye: TransportStatus = {
      sensorId: this.sensorId,
      scanning: false,
      at: this.now(),
      online: false,
    };
    this.bus.publish('status', goodbye);
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
  private unsubscribe: (() => void)[] = [];

  constructor(private readonly bus: InProcessBus) {
    super();
  }

  get counters(): SubscriberCounters {
    return { ...this.tally, rejected: { ...this.tally.rejected } };
  }

  async start(): Promise<void> {
    if (this.unsubscribe.length > 0) return;
    this.tally.connects++;
    this.unsubscribe = [
      this.bus.subscribe('window', (summary) => {
        this.tally.windows++;
        return this.deliver(this.windowHandlers, summary);
      }),
      this.bus.subscribe('status', (status) => {
        this.tally.statuses++;
        const online = (status as Partial<TransportStatus>).online ?? true;
        return this.deliver(this.statusHandlers, { ...status, online });
      }),
    ];
  }

  /** Each handler's failure is counted and isolated; there is nothing to redeliver in one process. */
  private async deliver<T>(handlers: Iterable<(value: T) => void | Promise<void>>, value: T): Promise<void> {
    const results = await Promise.allSettled([...handlers].map(async (handler) => handler(value)));
    this.tally.handlerFailures += results.filter((r) => r.status === 'rejected').length;
  }

  async stop(): Promise<void> {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
  }
}
