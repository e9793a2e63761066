import type { MqttClient } from 'mqtt';

/** Publishes at QoS 1 with a bounded number waiting for PUBACK (a flood that a broker's flow control can follow). */
export async function publishMany(client: MqttClient, topic: string, payloads: Iterable<string>, window = 100): Promise<void> {
  const inFlight = new Set<Promise<unknown>>();
  for (const payload of payloads) {
    while (inFlight.size >= window) await Promise.race(inFlight);
    const sent: Promise<unknown> = client.publishAsync(topic, payload, { qos: 1 }).finally(() => inFlight.delete(sent));
    inFlight.add(sent);
  }
  await Promise.all(inFlight);
}
