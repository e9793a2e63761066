import type { AedesPublishPacket } from 'aedes';
import type { EmbeddedBroker } from '../../server/broker/embedded-broker.js';
import type { Spy } from '../deploy/access-matrix.js';
import { until } from './wait.js';

/** The spy goes through aedes' in-process API, which no access hook sees. */
export function aedesSpy(broker: EmbeddedBroker): Spy {
  const aedes = broker.broker;
  return {
    async watch(topic) {
      const seen: string[] = [];
      const deliver = (packet: AedesPublishPacket, done: () => void) => {
        if (packet.topic === topic) seen.push(Buffer.from(packet.payload).toString('utf8'));
        done();
      };
      await new Promise<void>((resolve) => aedes.subscribe(topic, deliver, resolve));
      return {
        seen,
        waitFor: (payload, timeoutMs = 5_000) => until(() => seen.includes(payload), `the spy to see "${payload}" on ${topic}`, { timeout: timeoutMs, interval: 5 }),
        stop: () => new Promise<void>((resolve) => aedes.unsubscribe(topic, deliver, resolve)),
      };
    },
    publish(topic, payload) {
      return new Promise<void>((resolve, reject) =>
        aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false }, (error) =>
          error ? reject(error) : resolve(),
        ),
      );
    },
  };
}
