/**
 * A hub in a process of its own, for the test that kills it: MQTT subscriber (persistent
 * session, fixed client id) -> HubIngest -> PostgreSQL. Arguments: one JSON object
 * `{url, site, clientId, postgres, schema, connections?}`. Prints `ready` once subscribed.
 */
import { PostgresStore } from '../../../src/adapters/storage/postgres/postgresStore.ts';
import { MqttWindowSubscriber } from '../../../src/adapters/transport/mqttSubscriber.ts';
import { ingestInto } from './hubPipeline.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  site: string;
  clientId: string;
  postgres: string;
  schema: string;
  connections?: number;
};
const store = await PostgresStore.open(config.postgres, { schema: config.schema });
const subscriber = new MqttWindowSubscriber({
  broker: { url: config.url, reconnectMs: 200 },
  scope: { site: config.site },
  clientId: config.clientId,
  connections: config.connections ?? 1,
  log: (line) => process.stderr.write(`${line}\n`),
});
ingestInto(subscriber, store);
await subscriber.start();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void subscriber
    .stop()
    .then(() => store.close())
    .then(() => process.exit(0));
});
