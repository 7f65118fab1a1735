/** Events of one kind from the page's one event stream, handed to the component that shows them. */
export class Feed<T> {
  private readonly listeners = new Set<(value: T) => void>();
  push(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
  listen(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
