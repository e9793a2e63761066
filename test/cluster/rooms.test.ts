import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeAccess } from '../../cli/commands/broker.js';
import { loadBrokerEnv } from '../../runtime/env.js';
import { hubAccountName } from '../../server/access/accounts.js';
import { ClusterNode } from '../../server/broker/cluster.js';
import { createTopics } from '../../shared/topics.js';
import { type RedisServer, startRedis } from '../harness/redis.js';
import { canRun } from '../harness/system-deps.js';
import { until } from '../harness/wait.js';
import { type TestServer, startTestServer } from '../server/helpers.js';
import { Phone } from './support/phone.js';

/**
 * One hub per room (SPEC §9, issue 18): two hubs with two prefixes on one
 * cluster, one on each node, each with its own client id, database and broker
 * account (HUB_ACCOUNTS: the nodes serve both rooms, `--prefix salle-12 --prefix
 * salle-14`, and give each hub its own room's topics only). Phones of each room
 * vote on their room's prefix; each hub counts its own room's votes and never sees
 * the other's, whichever node the phones are on.
 */
const ROOMS = ['salle-12', 'salle-14'] as const;
const HUB_PASSWORDS = { 'salle-12': 'hub-12-secret', 'salle-14': 'hub-14-secret' };
describe.skipIf(!canRun('redis-server'))('two rooms on one cluster', () => {
  let redis: RedisServer;
  const nodes: ClusterNode[] = [];
  const hubs: TestServer[] = [];
  const phones: Phone[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    for (let i = 0; i < 2; i += 1) {
      const config = loadBrokerEnv({ env: { HUB_ACCOUNTS: ROOMS.map((room) => `${room}:${HUB_PASSWORDS[room]}`).join(',') }, dotenvPath: null });
      const node = new ClusterNode({ redisUrl: redis.url, host: '127.0.0.1', mqttPort: 0, wsPort: 0, access: nodeAccess(config, ROOMS, []) });
      await node.start();
      nodes.push(node);
    }
  });
  afterAll(async () => {
    await Promise.all(phones.splice(0).map((phone) => phone.stop()));
    await Promise.all(hubs.splice(0).map((hub) => hub.dispose()));
    for (const node of nodes) await node.stop();
    await redis?.dispose();
  });

  it("a poll's votes reach its own room's hub only", async () => {
    const rooms = ROOMS;
    const urls = nodes.map((node) => `mqtt://127.0.0.1:${node.mqttPort}`);
    const ws = nodes.map((node) => `ws://127.0.0.1:${node.wsPort}/mqtt`);
    for (const [i, room] of rooms.entries()) {
      // Room i's hub on node i; the same poll id in both rooms, on purpose.
      hubs.push(await startTestServer({ MQTT_URL: `${urls[i]},${urls[1 - i]}`, TOPIC_PREFIX: room, MQTT_CLIENT_ID: `mqtt-classroom-server-${room}`, MQTT_USERNAME: hubAccountName(room), MQTT_PASSWORD: HUB_PASSWORDS[room] }, { brokerWaitMs: 20_000 }));
      hubs[i]?.running.polls.create({ id: 'quiz', question: '?', options: ['A', 'B'], policy: 'every-press' });
      hubs[i]?.running.polls.open('quiz');
    }
    // Room 12's phones vote A on node B, room 14's vote B on node A: across the cluster.
    const votes = { 'salle-12': 7, 'salle-14': 5 };
    for (const [i, room] of rooms.entries()) {
      for (let n = 0; n < votes[room]; n += 1) {
        const phone = new Phone([ws[1 - i] as string], createTopics({ prefix: room }), 'quiz');
        phones.push(phone);
        await phone.start();
        phone.vote(i === 0 ? 'A' : 'B');
      }
    }
    await until(() => phones.every((phone) => phone.pending.size === 0), 'every vote to have a receipt', { timeout: 30_000, interval: 50 });
    expect(hubs[0]?.running.polls.get('quiz').tally.counts).toEqual({ A: 7, B: 0 });
    expect(hubs[1]?.running.polls.get('quiz').tally.counts).toEqual({ A: 0, B: 5 });
    expect(hubs[0]?.running.polls.get('quiz').tally.rejected).toBe(0);
    expect(hubs[1]?.running.polls.get('quiz').tally.rejected).toBe(0);
  }, 90_000);
});
