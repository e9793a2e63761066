import type { MessageHandler, MqttLink } from '../../../device/publisher.js';
import { topicMatches } from '../../../shared/topic-filter.js';

/** The agent's MQTT side, in memory: records publishes, delivers messages to subscribers. */
export class FakeLink implements MqttLink {
  connected = true;
  readonly published: { topic: string; payload: string; retain: boolean; qos: 0 | 1 }[] = [];
  private readonly subs: { filter: string; handler: MessageHandler }[] = [];
  private readonly connectListeners: ((sessionPresent: boolean) => void)[] = [];

  publish(topic: string, payload: string, options: { qos: 0 | 1; retain: boolean }): boolean {
    if (!this.connected) return false;
    this.published.push({ topic, payload, ...options });
    return true;
  }

  subscribe(filter: string, _qos: 0 | 1, handler: MessageHandler): void {
    this.subs.push({ filter, handler });
  }

  onConnect(listener: (sessionPresent: boolean) => void): void {
    this.connectListeners.push(listener);
  }

  /** A message arrives from the broker. */
  deliver(topic: string, payload: string): void {
    for (const sub of this.subs) if (topicMatches(sub.filter, topic)) sub.handler(topic, Buffer.from(payload));
  }

  /** The broker connection comes (back). */
  connect(sessionPresent = true): void {
    this.connected = true;
    for (const listener of this.connectListeners) listener(sessionPresent);
  }

  on(topic: string): string[] {
    return this.published.filter((p) => p.topic === topic).map((p) => p.payload);
  }
}
