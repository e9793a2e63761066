import type { AedesOptions } from 'aedes';
import { EmbeddedBroker } from '../../server/broker/embedded-broker.js';

export interface TestEmbeddedBroker {
  broker: EmbeddedBroker;
  url: string;
  wsUrl: string;
  port: number;
  wsPort: number;
  stop(): Promise<void>;
}

/** The embedded broker (aedes) on loopback, TCP and WebSocket, both on port 0. */
export async function startEmbedded(aedes: AedesOptions = {}): Promise<TestEmbeddedBroker> {
  const broker = new EmbeddedBroker({ host: '127.0.0.1', mqttPort: 0, wsPort: 0, aedes });
  await broker.start();
  return {
    broker,
    url: `mqtt://127.0.0.1:${broker.mqttPort}`,
    wsUrl: `ws://127.0.0.1:${broker.wsPort}${broker.wsPath}`,
    port: broker.mqttPort,
    wsPort: broker.wsPort,
    stop: () => broker.stop(),
  };
}
