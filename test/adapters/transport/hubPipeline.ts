import type { Store } from '../../../src/adapters/storage/store.ts';
import type { WindowSubscriber } from '../../../src/adapters/transport/transport.ts';
import { WindowStorage } from '../../../src/app/hub/windowStorage.ts';

/** The hub's write path behind a subscriber: a window is acknowledged once it is stored. */
export function ingestInto(subscriber: WindowSubscriber, store: Store): WindowStorage {
  const storage = new WindowStorage(store);
  subscriber.onWindow((summary) => storage.store(summary));
  return storage;
}
