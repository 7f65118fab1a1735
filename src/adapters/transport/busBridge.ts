import type { WindowSummary } from '../../core/model.ts';
import type { InProcessBus } from './inProcessBus.ts';
import type { WindowSubscriber } from './transport.ts';

/**
 * Puts what a remote transport receives onto the hub's bus, so the hub works the same with
 * sensors in its own process or across MQTT. `settled` (the hub's `(w) => hub.ingest.stored(w)`)
 * holds each window's acknowledgement until that window is stored: a hub killed between
 * receiving and storing gets the window again from the broker.
 */
export function forwardToBus(
  subscriber: WindowSubscriber,
  bus: InProcessBus,
  settled: (summary: WindowSummary) => Promise<void> = async () => {},
): () => void {
  const offWindow = subscriber.onWindow(async (summary) => {
    bus.publish('window', summary);
    await settled(summary);
  });
  const offStatus = subscriber.onStatus((status) => bus.publish('status', status));
  return () => {
    offWindow();
    offStatus();
  };
}
