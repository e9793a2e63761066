import { randomUUID } from 'node:crypto';
import type { IClientOptions, MqttClient } from 'mqtt';
import { topicMatches as matches } from '../../shared/topic-filter.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { until } from '../harness/wait.js';

/**
 * SPEC §8 and docs/architecture.md ("Accounts and access rules") as ONE table:
 * who may publish on, and read from, each family of topics. The Mosquitto profiles
 * in deploy/mosquitto and the embedded broker are both checked against it, from
 * real clients, so the two brokers give the same answers.
 *
 * `public` is an anonymous client (classroom profile, embedded broker) or the
 * `voter` account (secure profile, browsers); `device` is the device account
 * `box-1` (another device, `box-2`, exists); `server` is `classroom-server`.
 */
export const PREFIX = 'classroom';
export const DEVICE_ID = 'box-1';
export const OTHER_DEVICE_ID = 'box-2';

export type Who = 'public' | 'device' | 'server';
export type Action = 'publish' | 'subscribe';

export interface AccessRow {
  /** What the row is about, as a person would say it. */
  family: string;
  /** The topic published (publish) or delivered to the subscriber (subscribe). */
  topic: string;
  /** The subscription filter; the topic itself when absent. */
  filter?: string;
  publish: Record<Who, boolean>;
  subscribe: Record<Who, boolean>;
}

const yes = (publicToo: boolean, device: boolean, server: boolean): Record<Who, boolean> => ({
  public: publicToo,
  device,
  server,
});

/** The table for the room of topic prefix `P` (a cluster node serving several rooms runs it once per room). */
export function accessMatrix(P: string): readonly AccessRow[] {
  return [
  // Anyone votes; only the server reads the votes (nobody can watch who voted what).
  { family: 'votes', topic: `${P}/votes/cours`, filter: `${P}/votes/+`, publish: yes(true, true, true), subscribe: yes(false, false, true) },
  { family: 'chat', topic: `${P}/chat/zoé`, filter: `${P}/chat/+`, publish: yes(true, true, true), subscribe: yes(true, true, true) },
  // Only the server writes polls, tallies and receipts; everyone reads them.
  { family: 'polls', topic: `${P}/polls/cours`, filter: `${P}/polls/+`, publish: yes(false, false, true), subscribe: yes(true, true, true) },
  { family: 'tallies', topic: `${P}/tally/cours`, filter: `${P}/tally/+`, publish: yes(false, false, true), subscribe: yes(true, true, true) },
  { family: 'quiz leaderboard', topic: `${P}/leaderboard`, publish: yes(false, false, true), subscribe: yes(true, true, true) },
  // A receipt topic is readable only by the client whose client id it names (and
  // the server): these test clients have other ids, so only the server reads it.
  { family: "another client's receipts", topic: `${P}/receipts/${DEVICE_ID}`, filter: `${P}/receipts/+`, publish: yes(false, false, true), subscribe: yes(false, false, true) },
  // A device writes only under its own id; the server may write any status.
  { family: 'own device status', topic: `${P}/devices/${DEVICE_ID}/status`, filter: `${P}/devices/+/status`, publish: yes(false, true, true), subscribe: yes(true, true, true) },
  { family: "another device's status", topic: `${P}/devices/${OTHER_DEVICE_ID}/status`, publish: yes(false, false, true), subscribe: yes(true, true, true) },
  // The room at a glance: each device's retained info, readable by all (it carries no voter id).
  { family: 'own device info', topic: `${P}/devices/${DEVICE_ID}/info`, filter: `${P}/devices/+/info`, publish: yes(false, true, true), subscribe: yes(true, true, true) },
  { family: "another device's info", topic: `${P}/devices/${OTHER_DEVICE_ID}/info`, publish: yes(false, false, true), subscribe: yes(true, true, true) },
  { family: 'own device buttons', topic: `${P}/devices/${DEVICE_ID}/buttons/b1`, filter: `${P}/devices/+/buttons/+`, publish: yes(false, true, true), subscribe: yes(false, false, true) },
  { family: "another device's buttons", topic: `${P}/devices/${OTHER_DEVICE_ID}/buttons/b1`, publish: yes(false, false, true), subscribe: yes(false, false, true) },
  // The public `voter` account must not pass for a device called "voter".
  { family: 'a device named voter', topic: `${P}/devices/voter/status`, publish: yes(false, false, true), subscribe: yes(true, true, true) },
  // The bread oven: devices write it, everyone reads the state and the temperature
  // (the server too: it keeps the bake's readings).
  { family: 'bread state', topic: 'pain/cuisson', publish: yes(false, true, false), subscribe: yes(true, true, true) },
  { family: 'bread temperature', topic: 'pain/cuisson/temperature', publish: yes(false, true, false), subscribe: yes(true, true, true) },
  // When the current bake started: the hub announces it, everyone reads it.
  { family: 'bake start', topic: `${P}/bread/bake`, publish: yes(false, false, true), subscribe: yes(true, true, true) },
  { family: 'other bread topics', topic: 'pain/cuisson/humidite', filter: 'pain/cuisson/#', publish: yes(false, true, false), subscribe: yes(false, false, false) },
  // Home Assistant discovery is written by devices; only devices hear HA's status.
  { family: 'Home Assistant discovery', topic: 'homeassistant/sensor/pain/config', filter: 'homeassistant/#', publish: yes(false, true, false), subscribe: yes(false, false, false) },
  { family: 'Home Assistant status', topic: 'homeassistant/status', publish: yes(false, true, false), subscribe: yes(false, true, false) },
  // Outside the protocol: nobody, not even the server (no VOTE_TOPIC configured).
  { family: 'an unrelated topic', topic: 'test/phone', publish: yes(false, false, false), subscribe: yes(false, false, false) },
  { family: 'everything (#)', topic: 'autre/sujet', filter: '#', publish: yes(false, false, false), subscribe: yes(false, false, false) },
  ];
}

export const ACCESS_MATRIX: readonly AccessRow[] = accessMatrix(PREFIX);

/** The expected answers for one kind of account, keyed by family (what the checks return). */
export function expected(who: Who, action: Action, prefix: string = PREFIX): Record<string, boolean> {
  return Object.fromEntries(accessMatrix(prefix).map((row) => [row.family, row[action][who]]));
}

/** One account (or anonymous) of a broker under test. */
export interface Subject {
  label: string;
  who: Who;
  username?: string;
  password?: string;
}

/**
 * A broker under test. `connect` logs a subject in; `spy` sees and writes every
 * topic whatever the ACL (a test-only superuser account, or the embedded broker's
 * in-process API), so a refusal is observed, not assumed.
 */
export interface AccessTarget {
  connect(subject: Subject, options?: IClientOptions): Promise<MqttClient>;
  spy: Spy;
}

export interface Spy {
  /** Starts recording the payloads on `topic`; resolves once the subscription is active. */
  watch(topic: string): Promise<Watch>;
  /** Publishes as a superuser (QoS 1, not retained), resolving once the broker has it. */
  publish(topic: string, payload: string): Promise<void>;
}

export interface Watch {
  readonly seen: readonly string[];
  /** Resolves once `payload` was seen. */
  waitFor(payload: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Where the "anything arrived after this?" marker travels: a topic everyone (of that room) may read. */
const sentinelTopic = (prefix: string) => `${prefix}/chat/acl-test-sentinel`;

/**
 * May `subject` publish on `row.topic`? Mosquitto and the embedded broker drop a
 * refused PUBLISH silently (an MQTT 3.1.1 client still gets its PUBACK), so the
 * answer is whether a superuser subscriber received it. The superuser then
 * publishes a sentinel on the same topic: the broker handles one topic's messages
 * in order, so once the sentinel arrived, an allowed message would have too.
 */
export async function canPublish(target: AccessTarget, subject: Subject, row: AccessRow): Promise<boolean> {
  const probe = `probe ${randomUUID()}`;
  const sentinel = `sentinel ${randomUUID()}`;
  const watch = await target.spy.watch(row.topic);
  try {
    const client = await target.connect(subject);
    try {
      await publishOrBeDropped(client, row.topic, probe);
    } finally {
      await closeClient(client);
    }
    await target.spy.publish(row.topic, sentinel);
    await watch.waitFor(sentinel);
    return watch.seen.includes(probe);
  } finally {
    await watch.stop();
  }
}

/**
 * May `subject` read `row.topic` through the subscription `row.filter`? Refused
 * either with a failure SUBACK (granted QoS 128) or by never delivering it (what
 * Mosquitto 2 does: it accepts the subscription and filters each message). A
 * sentinel on a topic everyone may read follows the probe, so "never" is decided
 * in a bounded time and a deaf client cannot pass for a refusal.
 */
export async function canSubscribe(target: AccessTarget, subject: Subject, row: AccessRow, sentinelPrefix: string = PREFIX): Promise<boolean> {
  const SENTINEL_TOPIC = sentinelTopic(sentinelPrefix);
  const filter = row.filter ?? row.topic;
  const probe = `probe ${randomUUID()}`;
  const sentinel = `sentinel ${randomUUID()}`;
  const client = await target.connect(subject);
  try {
    const payloads: string[] = [];
    client.on('message', (topic, payload) => {
      if (matches(filter, topic) || topic === SENTINEL_TOPIC) payloads.push(payload.toString('utf8'));
    });
    const refusedBySuback = await subscribeRefused(client, filter);
    await client.subscribeAsync(SENTINEL_TOPIC, { qos: 1 });
    await target.spy.publish(row.topic, probe);
    await target.spy.publish(SENTINEL_TOPIC, sentinel);
    await until(() => payloads.includes(sentinel), `${subject.label} to receive the sentinel on ${SENTINEL_TOPIC}`, { timeout: 5_000, interval: 5 });
    const received = payloads.includes(probe);
    if (refusedBySuback && received) {
      throw new Error(`${subject.label}: the subscription to ${filter} was refused (SUBACK 128) yet ${row.topic} was delivered`);
    }
    return received;
  } finally {
    await closeClient(client);
  }
}

/**
 * Runs one action for every row of the table of room `prefix` and returns family ->
 * allowed. The sentinel travels in room `sentinelPrefix` (default: the same), one
 * the subject may read: a hub tried on another room's topics hears its own room.
 */
export async function observe(
  target: AccessTarget,
  subject: Subject,
  action: Action,
  { prefix = PREFIX, sentinelPrefix = prefix }: { prefix?: string; sentinelPrefix?: string } = {},
): Promise<Record<string, boolean>> {
  const answers: Record<string, boolean> = {};
  for (const row of accessMatrix(prefix)) {
    answers[row.family] = action === 'publish' ? await canPublish(target, subject, row) : await canSubscribe(target, subject, row, sentinelPrefix);
  }
  return answers;
}

/** A superuser MQTT client as the spy (Mosquitto: a test-only account with `topic readwrite #`). */
export function mqttSpy(client: MqttClient): Spy {
  return {
    async watch(topic) {
      const seen: string[] = [];
      const onMessage = (t: string, payload: Buffer) => {
        if (t === topic) seen.push(payload.toString('utf8'));
      };
      client.on('message', onMessage);
      await client.subscribeAsync(topic, { qos: 1 });
      return {
        seen,
        waitFor: (payload, timeoutMs = 5_000) => until(() => seen.includes(payload), `the spy to see "${payload}" on ${topic}`, { timeout: timeoutMs, interval: 5 }),
        async stop() {
          client.off('message', onMessage);
          await client.unsubscribeAsync(topic);
        },
      };
    },
    async publish(topic, payload) {
      await client.publishAsync(topic, payload, { qos: 1 });
    },
  };
}

/** Connects with `subject`'s credentials and a fresh client id. */
export function connectAs(url: string, subject: Subject, options: IClientOptions = {}): Promise<MqttClient> {
  return connectClient(url, {
    clientId: `acl-test-${randomUUID().slice(0, 8)}`,
    ...(subject.username === undefined ? {} : { username: subject.username, password: subject.password ?? '' }),
    ...options,
  });
}

/**
 * Subscribes at QoS 1; true when the broker answered with a failure SUBACK (0x80).
 * MQTT.js reports that as an error carrying the SUBACK packet.
 */
async function subscribeRefused(client: MqttClient, filter: string): Promise<boolean> {
  try {
    const granted = await client.subscribeAsync(filter, { qos: 1 });
    return granted.some((g) => g.qos >= 0x80);
  } catch (error) {
    const packet = (error as { packet?: { granted?: unknown } }).packet;
    if (Array.isArray(packet?.granted) && packet.granted.some((code) => typeof code === 'number' && code >= 0x80)) return true;
    throw error;
  }
}

/**
 * Publishes at QoS 1 and waits for the PUBACK, or for the broker to close the
 * connection (what aedes did to a refused publish before issue 13). Both mean the
 * broker is done with the message.
 */
async function publishOrBeDropped(client: MqttClient, topic: string, payload: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no PUBACK and no disconnect after publishing on ${topic}`)), 5_000);
    const done = () => {
      clearTimeout(timer);
      client.off('close', done);
      resolve();
    };
    client.once('close', done);
    client.publish(topic, payload, { qos: 1 }, () => done());
  });
}
