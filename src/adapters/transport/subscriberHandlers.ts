import type { StatusHandler, WindowHandler } from './transport.ts';

/** The handler sets every `WindowSubscriber` keeps; subclasses deliver to them. */
export abstract class SubscriberHandlers {
  protected readonly windowHandlers = new Set<WindowHandler>();
  protected readonly statusHandlers = new Set<StatusHandler>();

  onWindow(handler: WindowHandler): () => void {
    this.windowHandlers.add(handler);
    return () => this.windowHandlers.delete(handler);
  }

  onStatus(handler: StatusHandler): () => void {
    this.statusHandlers.add(handler);
    return () => this.statusHandlers.delete(handler);
  }
}
