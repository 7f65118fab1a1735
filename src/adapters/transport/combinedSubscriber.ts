import type { StatusHandler, SubscriberCounters, WindowHandler, WindowSubscriber } from './transport.ts';

/**
 * Several window sources as one: the hub takes one `WindowSubscriber`, and a site may feed it
 * from airtrace sensors over MQTT and from ESPresense nodes at once. Handlers are registered on
 * every part, so each part keeps its own delivery rules (acknowledgements, redelivery); start
 * and stop reach every part, and the counters are their sums.
 */
export class CombinedSubscriber implements WindowSubscriber {
  private readonly parts: readonly WindowSubscriber[];

  constructor(parts: readonly WindowSubscriber[]) {
    if (parts.length === 0) throw new RangeError('a combined subscriber needs at least one part');
    this.parts = [...parts];
  }

  onWindow(handler: WindowHandler): () => void {
    const offs = this.parts.map((part) => part.onWindow(handler));
    return () => offs.forEach((off) => off());
  }

  onStatus(handler: StatusHandler): () => void {
    const offs = this.parts.map((part) => part.onStatus(handler));
    return () => offs.forEach((off) => off());
  }

  /** Starts every part; if one fails, the ones already started are stopped again. */
  async start(): Promise<void> {
    const results = await Promise.allSettled(this.parts.map((part) => part.start()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed === undefined) return;
    await Promise.allSettled(
      this.parts.map((part, i) => (results[i]!.status === 'fulfilled' ? part.stop() : undefined)),
    );
    throw failed.reason;
  }

  async stop(): Promise<void> {
    const results = await Promise.allSettled(this.parts.map((part) => part.stop()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  get counters(): SubscriberCounters {
    const sum: SubscriberCounters = {
      windows: 0,
      statuses: 0,
      rejected: {},
      handlerFailures: 0,
      connects: 0,
    };
    for (const part of this.parts) {
      const c = part.counters;
      sum.windows += c.windows;
      sum.statuses += c.statuses;
      sum.handlerFailures += c.handlerFailures;
      sum.connects += c.connects;
      for (const [reason, n] of Object.entries(c.rejected))
        sum.rejected[reason] = (sum.rejected[reason] ?? 0) + n;
      if (c.acknowledgements !== undefined)
        sum.acknowledgements = (sum.acknowledgements ?? 0) + c.acknowledgements;
    }
    return sum;
  }
}

/** One subscriber as it is, several combined. */
export function combineSubscribers(parts: readonly WindowSubscriber[]): WindowSubscriber {
  return parts.length === 1 ? parts[0]! : new CombinedSubscriber(parts);
}
