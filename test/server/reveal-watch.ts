import type { IClientOptions, MqttClient } from 'mqtt';
import { closeClient, connectClient } from '../harness/mqtt.js';

/** Every topic filter a student may read (SPEC §8), one subscription each, then `#` on another client. */
export function studentFilters(prefix: string, clientId: string): string[] {
  return [
    `${prefix}/polls/+`,
    `${prefix}/tally/+`,
    `${prefix}/devices/+/status`,
    `${prefix}/chat/+`,
    `${prefix}/receipts/${clientId}`,
    'pain/cuisson',
    'pain/cuisson/temperature',
  ];
}

export interface StudentWatch {
  /** Every message the two students got, as text, with the topic. */
  readonly seen: { topic: string; text: string }[];
  close(): Promise<void>;
}

/**
 * Two students: one subscribed to `#` (as the course handout teaches), one to each
 * topic the access rules let it read. Both only log what arrives.
 */
export async function watchAsStudents(url: string, prefix: string, options: IClientOptions = {}): Promise<StudentWatch> {
  const seen: { topic: string; text: string }[] = [];
  const log = (topic: string, payload: Buffer) => seen.push({ topic, text: payload.toString('utf8') });
  const everything = await connectClient(url, { ...options, clientId: 'student-hash' });
  const each = await connectClient(url, { ...options, clientId: 'student-each' });
  everything.on('message', log);
  each.on('message', log);
  await everything.subscribeAsync('#', { qos: 1 });
  for (const filter of studentFilters(prefix, 'student-each')) await each.subscribeAsync(filter, { qos: 1 });
  return {
    seen,
    close: async () => {
      await closeClient(everything);
      await closeClient(each);
    },
  };
}

/** The payloads a student saw that name an answer key: a `correct` or `answer` field, wherever it was. */
export function leaks(watch: StudentWatch): { topic: string; text: string }[] {
  return watch.seen.filter((m) => /"(correct|answer)"\s*:/.test(m.text));
}

export type { MqttClient };
