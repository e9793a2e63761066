import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded } from '../harness/embedded.js';
import { type MosquittoBroker, startMosquitto } from '../harness/mosquitto.js';
import { closeClient, collect, connectClient } from '../harness/mqtt.js';
import { canRun } from '../harness/system-deps.js';

interface BrokerUnderTest {
  url: string;
  wsUrl: string;
  stop(): Promise<void>;
}

const brokers: [string, boolean, () => Promise<BrokerUnderTest>][] = [
  ['embedded broker (aedes)', true, () => startEmbedded()],
  [
    'Mosquitto',
    canRun('mosquitto'),
    async () => {
      const m: MosquittoBroker = await startMosquitto();
      return { url: m.url, wsUrl: m.wsUrl, stop: () => m.dispose() };
    },
  ],
];

describe.each(brokers)('%s', (_name, available, start) => {
  let broker: BrokerUnderTest;
  beforeAll(async () => {
    if (available) broker = await start();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it.skipIf(!available)('delivers a message published over TCP to a WebSocket subscriber', async () => {
    const subscriber = await connectClient(broker.wsUrl);
    const publisher = await connectClient(broker.url);
    try {
      const received = collect(subscriber, 'classroom/chat/+', 1);
      // The subscription must be in place before publishing a non-retained message.
      await received.subscribed;
      await publisher.publishAsync('classroom/chat/zoé', 'bonjour à tous', { qos: 1 });
      const [message] = await received;
      expect(message).toEqual({ topic: 'classroom/chat/zoé', payload: 'bonjour à tous', retain: false });
    } finally {
      await Promise.all([closeClient(subscriber), closeClient(publisher)]);
    }
  });

  it.skipIf(!available)('gives a retained message to a subscriber that arrives later', async () => {
    const publisher = await connectClient(broker.url);
    await publisher.publishAsync('pain/cuisson', 'cuisson', { qos: 1, retain: true });
    await closeClient(publisher);
    const late = await connectClient(broker.wsUrl);
    try {
      const [message] = await collect(late, 'pain/cuisson', 1);
      expect(message).toEqual({ topic: 'pain/cuisson', payload: 'cuisson', retain: true });
    } finally {
      await closeClient(late);
    }
  });
});
