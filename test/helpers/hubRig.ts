import { Hub, type HubOptions } from '../../src/app/hub/hub.ts';
import type { WindowSummary } from '../../src/core/model.ts';
import {
  InProcessTransport,
  type InProcessWindowPublisher,
} from '../../src/adapters/transport/inProcessTransport.ts';
import type { SensorStatus } from '../../src/adapters/transport/transport.ts';

/** A hub on the in-process transport, as `airtrace run` wires it, with sensors a test can speak for. */
export interface HubRig {
  hub: Hub;
  transport: InProcessTransport;
  /** Hands windows to the hub as their sensors would; resolves once each is settled (stored or refused). */
  send(...windows: WindowSummary[]): Promise<void>;
  /** Hands windows over without waiting for them. */
  sendNoWait(...windows: WindowSummary[]): void;
  status(status: SensorStatus): Promise<void>;
  stop(): Promise<void>;
}

export async function startHubRig(options: Omit<HubOptions, 'subscriber'>): Promise<HubRig> {
  const transport = new InProcessTransport(options.clock);
  const hub = new Hub({ ...options, subscriber: transport.subscriber });
  await hub.start();
  const publishers = new Map<string, InProcessWindowPublisher>();
  const publisher = async (sensorId: string) => {
    let p = publishers.get(sensorId);
    if (p === undefined) {
      p = transport.publisher(sensorId);
      publishers.set(sensorId, p);
      await p.start();
    }
    return p;
  };
  let queued: Promise<unknown> = Promise.resolve();
  const sendNoWait = (...windows: WindowSummary[]) => {
    for (const w of windows) queued = queued.then(async () => (await publisher(w.sensorId)).publishWindow(w));
  };
  return {
    hub,
    transport,
    sendNoWait,
    async send(...windows) {
      sendNoWait(...windows);
      await queued;
      await Promise.all([...publishers.values()].map((p) => p.drained(30_000)));
    },
    async status(status) {
      await (await publisher(status.sensorId)).publishStatus(status);
    },
    async stop() {
      for (const p of publishers.values()) await p.stop();
      await hub.stop();
    },
  };
}
