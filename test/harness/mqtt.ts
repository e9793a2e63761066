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

/** Subscribes and resolves with the first `count` messages matching `filter`. */
export function collect(client: MqttClient, filter: string, count: number, timeoutMs = 10_000): Promise<Received[]> {
  return new Promise((resolve, reject) => {
    const got: Received[] = [];
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      reject(new Error(`got ${got.length} of ${count} messages on ${filter} in ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (topic: string, payload: Buffer, packet: { retain?: boolean }) => {
      if (!matches(filter, topic)) return;
      got.push({ topic, payload: payload.toString('utf8'), retain: packet.retain === true });
      if (got.length >= count) {
        clearTimeout(timer);
        client.off('message', onMessage);
        resolve(got);
      }
    };
    client.on('message', onMessage);
    client.subscribe(filter, { qos: 1 }, (error) => {
      if (error) {
        clearTimeout(timer);
        reject(error);
      }
    });
  });
}

export function closeClient(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.end(true, {}, () => resolve()));
}
