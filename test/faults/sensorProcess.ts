/**
 * A sensor in a process of its own, for the fault tests that kill it: the production MQTT
 * publisher with its on-disk outbox. Argument: one JSON object
 * `{url, site, sensorId, sensorIndex, outbox, t0, from, to, intervalMs}`; publishes windows
 * `from` to `to - 1` (see faultWindows.ts), printing `queued <i>` after each, then `queued-all`
 * and, once the hub has acknowledged everything, `drained`. SIGTERM stops it cleanly.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { MqttWindowPublisher } from '../../src/adapters/transport/mqttPublisher.ts';
import { FileOutbox } from '../../src/adapters/transport/outbox.ts';
import { faultWindow } from './faultWindows.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  site: string;
  sensorId: string;
  sensorIndex: number;
  outbox: string;
  t0: number;
  from: number;
  to: number;
  intervalMs: number;
};
const publisher = new MqttWindowPublisher({
  broker: { url: config.url, reconnectMs: 200 },
  scope: { site: config.site },
  sensorId: config.sensorId,
  outbox: new FileOutbox({ dir: config.outbox }),
  resendAfterMs: 5000,
  log: (line) => process.stderr.write(`${line}\n`),
});
await publisher.start();
process.once('SIGTERM', () => {
  void publisher.stop().then(() => process.exit(0));
});
for (let i = config.from; i < config.to; i++) {
  await publisher.publishWindow(faultWindow(config.sensorId, config.sensorIndex, config.t0, i));
  process.stdout.write(`queued ${i}\n`);
  await sleep(config.intervalMs);
}
process.stdout.write('queued-all\n');
for (;;) {
  const done = await publisher.drained(1000).then(
    () => true,
    () => false,
  );
  if (done) break;
}
process.stdout.write(`drained ${JSON.stringify(publisher.counters)}\n`);
