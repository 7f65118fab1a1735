import { InProcessBus } from '../../../src/adapters/transport/inProcessBus.ts';
import {
  InProcessWindowPublisher,
  InProcessWindowSubscriber,
} from '../../../src/adapters/transport/inProcessTransport.ts';
import { transportContract } from './transportContract.ts';

transportContract('in-process bus', async () => {
  const bus = new InProcessBus();
  return {
    publisher: (sensorId) => new InProcessWindowPublisher(bus, sensorId),
    subscriber: () => new InProcessWindowSubscriber(bus),
    close: async () => {},
  };
});
