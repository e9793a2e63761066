import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { topicMatches as matches } from '../../shared/topic-filter.js';

/** Connects an MQTT.js client and resolves once CONNACK arrived. */
export async function connectClient(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
    client.once('close', () => reject(new Error(`connection to ${url} closed before CONNACK`)));
  });
  return client;
}

export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

/** The messages `collect()` waits for, and its subscription: await `subscribed` before publishing. */
export type Collecting = Promise<Received[]> & { readonly subscribed: Promise<void> };

/**
 * Subscribes and resolves with the first `count` messages matching `filter`, never
 * before the SUBACK (a message seen through an earlier subscription of the same
 * client does not make it resolve before this one is in place). Counting starts at
 * the SUBSCRIBE: a broker may deliver the retained messages before its SUBACK
 * reaches us. `subscribed` resolves on the SUBACK: publish after it, never after a sleep.
 */
export function collect(client: MqttClient, filter: string, count: number, timeoutMs = 10_000): Collecting {
  let onSubscribed: () => void = () => undefined;
  let onRefused: (error: Error) => void = () => undefined;
  const subscribed = new Promise<void>((resolve, reject) => {
    onSubscribed = resolve;
    onRefused = reject;
  });
  const messages = new Promise<Received[]>((resolve, reject) => {
    const got: Received[] = [];
    let acked = false;
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`got ${got.length} of ${count} messages on ${filter} in ${timeoutMs} ms${acked ? '' : ' (no SUBACK)'}`));
    }, timeoutMs);
    const onMessage = (topic: string, payload: Buffer, packet: { retain?: boolean }) => {
      if (!matches(filter, topic) || got.length >= count) return;
      got.push({ topic, payload: payload.toString('utf8'), retain: packet.retain === true });
      finish();
    };
    const finish = () => {
      if (!acked || got.length < count) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(got);
    };
    client.on('message', onMessage);
    client.subscribe(filter, { qos: 1 }, (error) => {
      if (error) {
        clearTimeout(timer);
        client.off('message', onMessage);
        onRefused(error);
        reject(error);
        return;
      }
      acked = true;
      onSubscribed();
      finish();
    });
  });
  // A refused subscription rejects `messages` too; callers that only await `messages` see it there.
  subscribed.catch(() => undefined);
  return Object.assign(messages, { subscribed });
}

export function closeClient(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.end(true, {}, () => resolve()));
}
