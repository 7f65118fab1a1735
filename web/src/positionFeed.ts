import type { ApiPosition } from './api.ts';

/** Position events from the page's one event stream, handed to the floor plan. */
export class PositionFeed {
  private readonly listeners = new Set<(p: ApiPosition) => void>();
  push(p: ApiPosition): void {
    for (const listener of this.listeners) listener(p);
  }
  listen(listener: (p: ApiPosition) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
