import type { Store } from '../../../src/adapters/storage/store.ts';
import type { WindowSubscriber } from '../../../src/adapters/transport/transport.ts';
import { HubIngest } from '../../../src/app/hub/hubIngest.ts';

/** The hub's write path behind a subscriber: a window is acknowledged once it is stored. */
export function ingestInto(subscriber: WindowSubscriber, store: Store): HubIngest {
  const ingest = new HubIngest(store);
  subscriber.onWindow(async (summary) => {
    ingest.accept(summary);
    await ingest.stored(summary);
  });
  return ingest;
}
