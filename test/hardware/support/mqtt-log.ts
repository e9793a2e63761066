import type { MqttClient } from 'mqtt';
import { topicMatches as matches } from '../../../shared/topic-filter.js';

export interface Message {
  readonly topic: string;
  readonly text: string;
  readonly at: number;
}

/**
 * Everything a client received on a filter, kept in order, with a wait for the
 * first message that satisfies a predicate (old or new): tests wait for what a
 * user would see (a tally, a receipt), not for a fixed time.
 */
export class MessageLog {
  readonly messages: Message[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(client: MqttClient) {
    client.on('message', (topic, payload) => {
      this.messages.push({ topic, text: payload.toString('utf8'), at: performance.now() });
      for (const check of [...this.waiters]) check();
    });
  }

  on(filter: string): Message[] {
    return this.messages.filter((m) => matches(filter, m.topic));
  }

  waitFor(filter: string, predicate: (m: Message) => boolean, what: string, timeoutMs = 10_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.find((m) => matches(filter, m.topic) && predicate(m));
        if (found === undefined) return false;
        done();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        const seen = this.on(filter).map((m) => `${m.topic} ${m.text}`);
        reject(new Error(`no ${what} on ${filter} within ${timeoutMs} ms; saw:\n${seen.join('\n') || '(nothing)'}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      if (!check()) this.waiters.add(check);
    });
  }
}
