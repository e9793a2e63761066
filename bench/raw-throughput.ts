import { randomUUID } from 'node:crypto';
import { closeClient, connectClient } from '../test/harness/mqtt.js';

export interface ThroughputResult {
  messages: number;
  seconds: number;
  perSecond: number;
}

/**
 * Raw broker pass-through at QoS 1: one publisher, one plain subscriber, the same
 * vote-shaped payloads the tally server receives. This is the ceiling the server's
 * throughput is compared with in the same run.
 */
export async function rawPassThrough(url: string, messages: number, inflight = 500, topic = `bench/raw/${randomUUID()}`): Promise<ThroughputResult> {
  const subscriber = await connectClient(url, { clean: true });
  const publisher = await connectClient(url, { clean: true });
  try {
    await subscriber.subscribeAsync(topic, { qos: 1 });
    let received = 0;
    const done = new Promise<void>((resolve) => {
      subscriber.on('message', () => {
        received += 1;
        if (received === messages) resolve();
      });
    });
    const started = performance.now();
    let sent = 0;
    // Keep a bounded window of unacknowledged publishes, as a real QoS 1 publisher does.
    await new Promise<void>((resolve, reject) => {
      let acked = 0;
      const pump = () => {
        while (sent < messages && sent - acked < inflight) {
          const n = sent;
          sent += 1;
          const payload = JSON.stringify({ id: `v${n}`, option: 'IFT1215', voter: `bench-${n % 300}`, source: 'bench', ts: 1764160000000 + n });
          publisher.publish(topic, payload, { qos: 1 }, (error) => {
            if (error) return reject(error);
            acked += 1;
            if (acked === messages) resolve();
            else pump();
          });
        }
      };
      pump();
    });
    await done;
    const seconds = (performance.now() - started) / 1000;
    return { messages, seconds, perSecond: messages / seconds };
  } finally {
    await Promise.all([closeClient(publisher), closeClient(subscriber)]);
  }
}
