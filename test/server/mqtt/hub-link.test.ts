/**
 * The HubLink port's contract (server/mqtt/mqtt-link.ts): one suite, every
 * adapter. InProcessLink inside the embedded broker (the harness's aedes),
 * ServerLink over TCP on the same embedded broker, and ServerLink on Mosquitto.
 * What the hub's wiring relies on must hold on each: votes, chat and the room
 * view handed over once with the right retained flag, the retained replay at
 * start, onReady, the retained `online`/`offline`, publishes reaching the clients
 * and the retained store, the hub hearing its own publishes.
 */
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../runtime/logger.js';
import { systemScheduler } from '../../../runtime/scheduler.js';
import { type Topics, createTopics } from '../../../shared/topics.js';
import { InProcessLink } from '../../../server/mqtt/in-process-link.js';
import { type HubLink, type HubLinkHandlers, serverStatusTopic } from '../../../server/mqtt/mqtt-link.js';
import { ServerLink } from '../../../server/mqtt/server-link.js';
import { startEmbedded } from '../../harness/embedded.js';
import { startMosquitto } from '../../harness/mosquitto.js';
import { closeClient, collect, connectClient } from '../../harness/mqtt.js';
import { canRun } from '../../harness/system-deps.js';
import { until } from '../../harness/wait.js';

interface Heard {
  kind: 'vote' | 'chat' | 'room';
  topic: string;
  payload: string;
  retained: boolean;
}

interface Rig {
  /** Where outside clients connect. */
  url: string;
  link(handlers: HubLinkHandlers): HubLink;
  stop(): Promise<void>;
}

const adapters: { name: string; skip: boolean; rig: () => Promise<Rig> }[] = [
  {
    name: 'InProcessLink in the embedded broker',
    skip: false,
    rig: async () => {
      const broker = await startEmbedded();
      return {
        url: broker.url,
        link: (handlers) => new InProcessLink({ ...handlers, broker: () => broker.broker.broker, url: () => [broker.url], scheduler: systemScheduler }),
        stop: () => broker.stop(),
      };
    },
  },
  {
    name: 'ServerLink over TCP to the embedded broker',
    skip: false,
    rig: async () => {
      const broker = await startEmbedded();
      return { url: broker.url, link: (handlers) => serverLink(handlers, broker.url), stop: () => broker.stop() };
    },
  },
  {
    name: 'ServerLink on Mosquitto',
    skip: !canRun('mosquitto'),
    rig: async () => {
      const broker = await startMosquitto();
      return { url: broker.url, link: (handlers) => serverLink(handlers, broker.url), stop: () => broker.dispose() };
    },
  },
];

function serverLink(handlers: HubLinkHandlers, url: string): ServerLink {
  return new ServerLink({ ...handlers, url: () => [url], clientId: `hub-${randomUUID().slice(0, 8)}`, username: null, password: null, waitMs: 10_000, scheduler: systemScheduler });
}

describe.each(adapters)('the hub link contract: $name', ({ skip, rig: makeRig }) => {
  // Each test's own prefix: Mosquitto's retained store outlives a test's clients.
  let topics = createTopics({ prefix: 'c1' });
  let rig: Rig | null = null;
  let link: HubLink | null = null;
  const clients: MqttClient[] = [];
  afterEach(async () => {
    await link?.stop();
    await Promise.all(clients.splice(0).map(closeClient));
    await rig?.stop();
    link = null;
    rig = null;
  });

  async function setUp(options: { voteTopic?: (t: Topics) => string; before?: (client: MqttClient) => Promise<void> } = {}) {
    topics = createTopics({ prefix: `c${randomUUID().slice(0, 8)}` });
    rig = await makeRig();
    const outside = await connectClient(rig.url);
    clients.push(outside);
    await options.before?.(outside);
    const heard: Heard[] = [];
    const events = { ready: 0, connectionChanged: 0 };
    const hear = (kind: Heard['kind']) => (topic: string, payload: Buffer, retained: boolean) => {
      // Handlers read Buffers, as from a socket (an assertion thrown here would be lost in the broker's dispatch).
      heard.push({ kind, topic, payload: Buffer.isBuffer(payload) ? payload.toString('utf8') : 'not a Buffer', retained });
    };
    link = rig.link({
      topics,
      voteTopic: options.voteTopic?.(topics) ?? null,
      logger: silentLogger,
      onVote: hear('vote'),
      onChat: hear('chat'),
      room: { filters: [topics.allDeviceStatus, topics.allDeviceInfo], handle: hear('room'), connectionChanged: () => (events.connectionChanged += 1) },
      onReady: () => (events.ready += 1),
      presence: () => 'online',
    });
    return { link, outside, heard, events };
  }

  it.skipIf(skip)('before start: not connected, no URL, a publish is dropped without throwing', async () => {
    const { link } = await setUp();
    expect(link.connected).toBe(false);
    expect(() => link.url).toThrow(/not started/);
    expect(() => link.publish(topics.tally('p'), '{}', { qos: 1, retain: true })).not.toThrow();
  });

  /** Every message on the hub's status topic as `outside` receives it (subscribed before start: no race with the publish). */
  async function watchStatus(outside: MqttClient): Promise<string[]> {
    const seen: string[] = [];
    outside.on('message', (topic, payload) => {
      if (topic === serverStatusTopic(topics)) seen.push(payload.toString('utf8'));
    });
    await outside.subscribeAsync(serverStatusTopic(topics), { qos: 1 });
    return seen;
  }

  /** What a newcomer reads retained on the status topic. */
  async function retainedStatus(): Promise<{ payload: string; retain: boolean }[]> {
    const newcomer = await connectClient(rig?.url ?? '');
    clients.push(newcomer);
    return (await collect(newcomer, serverStatusTopic(topics), 1)).map(({ payload, retain }) => ({ payload, retain }));
  }

  it.skipIf(skip)('start: connected, onReady once, the room told, the retained `online` on the status topic', async () => {
    const { link, outside, events } = await setUp();
    const statuses = await watchStatus(outside);
    await link.start();
    expect(link.connected).toBe(true);
    expect(link.url).toBe(rig?.url);
    expect(events.ready).toBe(1);
    expect(events.connectionChanged).toBeGreaterThanOrEqual(1);
    await until(() => statuses.includes('online'), 'the status `online`');
    expect(await retainedStatus()).toEqual([{ payload: 'online', retain: true }]);
  });

  it.skipIf(skip)('hands over votes (every poll and the legacy topic), chat lines and room messages, live ones not retained, each to its handler once', async () => {
    const { link, outside, heard } = await setUp({ voteTopic: () => 'test/phone' });
    await link.start();
    await outside.publishAsync(topics.votes('p1'), '{"option":"A"}', { qos: 1 });
    await outside.publishAsync('test/phone', 'B', { qos: 1 });
    await outside.publishAsync(topics.chat('ana'), 'bonjour', { qos: 0 });
    await outside.publishAsync(topics.deviceInfo('box-1'), '{"v":1}', { qos: 1 });
    await until(() => heard.filter((h) => h.kind !== 'room' || h.topic !== serverStatusTopic(topics)).length >= 4, 'the four messages');
    expect(heard.filter((h) => h.topic !== serverStatusTopic(topics))).toEqual([
      { kind: 'vote', topic: topics.votes('p1'), payload: '{"option":"A"}', retained: false },
      { kind: 'vote', topic: 'test/phone', payload: 'B', retained: false },
      { kind: 'chat', topic: topics.chat('ana'), payload: 'bonjour', retained: false },
      { kind: 'room', topic: topics.deviceInfo('box-1'), payload: '{"v":1}', retained: false },
    ]);
  });

  it.skipIf(skip)('a vote matching two of its filters (a legacy topic inside <prefix>/votes/+) is handed over once', async () => {
    const { link, outside, heard } = await setUp({ voteTopic: (t) => t.votes('legacy') });
    await link.start();
    await outside.publishAsync(topics.votes('legacy'), 'A', { qos: 1 });
    await outside.publishAsync(topics.votes('p2'), 'marker', { qos: 1 });
    await until(() => heard.some((h) => h.payload === 'marker'), 'the marker vote');
    expect(heard.filter((h) => h.kind === 'vote').map((h) => h.payload)).toEqual(['A', 'marker']);
  });

  it.skipIf(skip)('replays at start what is retained on the room filters (retained = true), then live messages retained = false', async () => {
    const { link, outside, heard } = await setUp({
      before: async (client) => {
        await client.publishAsync(topics.deviceStatus('box-1'), 'online', { qos: 1, retain: true });
      },
    });
    await link.start();
    await until(() => heard.some((h) => h.topic === topics.deviceStatus('box-1')), 'the retained status of box-1');
    expect(heard.find((h) => h.topic === topics.deviceStatus('box-1'))).toEqual({ kind: 'room', topic: topics.deviceStatus('box-1'), payload: 'online', retained: true });
    await outside.publishAsync(topics.deviceStatus('box-1'), 'offline', { qos: 1, retain: true });
    await until(() => heard.some((h) => h.payload === 'offline'), 'the live status of box-1');
    expect(heard.filter((h) => h.topic === topics.deviceStatus('box-1')).map((h) => [h.payload, h.retained])).toEqual([
      ['online', true],
      ['offline', false],
    ]);
  });

  it.skipIf(skip)('publishes reach subscribers and the retained store; the hub hears its own publishes on its filters', async () => {
    const { link, outside, heard } = await setUp();
    const tally = collect(outside, topics.tally('p1'), 1);
    await tally.subscribed;
    await link.start();
    link.publish(topics.tally('p1'), '{"total":3}', { qos: 1, retain: true });
    expect(await tally).toEqual([{ topic: topics.tally('p1'), payload: '{"total":3}', retain: false }]);
    const newcomer = await connectClient(rig?.url ?? '');
    clients.push(newcomer);
    expect(await collect(newcomer, topics.tally('p1'), 1)).toEqual([{ topic: topics.tally('p1'), payload: '{"total":3}', retain: true }]);
    // Its own status matches the room's device-status filter: heard as any client hears its own message.
    await until(() => heard.some((h) => h.topic === serverStatusTopic(topics) && h.payload === 'online'), 'the hub hearing its own status');
  });

  it.skipIf(skip)('publishes made in one turn reach a subscriber of `#` all and in order, a retained one followed by a plain one included', async () => {
    const { link, outside } = await setUp();
    await link.start();
    const got: string[] = [];
    outside.on('message', (topic, payload) => {
      if (topic !== serverStatusTopic(topics)) got.push(payload.toString('utf8'));
    });
    await outside.subscribeAsync(`${topics.prefix}/#`, { qos: 1 });
    // What a vote's commit does: the tally (retained), then the receipt, then the next.
    link.publish(topics.tally('p1'), 't1', { qos: 1, retain: true });
    link.publish(topics.receipts('phone-1'), 'r1', { qos: 1, retain: false });
    link.publish(topics.tally('p2'), 't2', { qos: 1, retain: true });
    // A marker from the outside client after them: once it is here, anything dropped stays dropped.
    await until(() => got.length >= 3, 'the three publishes', { detail: () => got.join(' ') });
    await outside.publishAsync(topics.chat('marker'), 'm', { qos: 1 });
    await until(() => got.includes('m'), 'the marker');
    expect(got).toEqual(['t1', 'r1', 't2', 'm']);
  });

  it.skipIf(skip)('stop: the retained `offline`, not connected, nothing handed over afterwards', async () => {
    const { link, outside, heard } = await setUp();
    const statuses = await watchStatus(outside);
    await link.start();
    await until(() => statuses.includes('online'), 'the status `online`');
    await link.stop();
    expect(link.connected).toBe(false);
    await until(() => statuses.at(-1) === 'offline', 'the status `offline`', { detail: () => statuses.join(' ') });
    expect(await retainedStatus()).toEqual([{ payload: 'offline', retain: true }]);
    const before = heard.length;
    await outside.publishAsync(topics.votes('late'), 'A', { qos: 1 });
    // A marker through the broker after the vote: once the outside client has it, the vote went by too.
    const marker = collect(outside, topics.chat('late'), 1);
    await marker.subscribed;
    await outside.publishAsync(topics.chat('late'), 'm', { qos: 1 });
    await marker;
    expect(heard.length).toBe(before);
  });
});
