import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_ACCOUNT } from '../../server/access/accounts.js';
import { decodeTally } from '../../shared/codecs/tally.js';
import { createTopics } from '../../shared/topics.js';
import { AgentProcess } from '../device/helpers/agent-process.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { type RedisServer, startRedis } from '../harness/redis.js';
import { canRun } from '../harness/system-deps.js';
import { until } from '../harness/wait.js';
import { type TestServer, startTestServer } from '../server/helpers.js';
import { type CliNode, startCliNode } from './support/cli-node.js';
import { Phone } from './support/phone.js';

const SERVER_PASSWORD = 'hub-secret-failover';
const BOX = 'box-b';
const BOX_PASSWORD = 'box-b-secret';
const PHONES = 12;
const VOTES_PER_PHONE = 8;
const BOX_PRESSES = 24;

/**
 * Failover (SPEC §9, issue 18): a two-node aedes cluster over redis, phones over
 * WebSocket on node A, a box (the agent in its own process, simulated buttons and
 * oven) on node B, the hub on A. Node A is SIGKILLed in the middle of the votes:
 * everyone moves to B (their MQTT_URL / wsUrl lists name both), the votes that
 * were in flight come again from the outboxes until their receipts, and the
 * tally is exact. What is retained is still on B for a newcomer.
 */
describe.skipIf(!canRun('redis-server'))('failover between cluster nodes', () => {
  const topics = createTopics();
  let redis: RedisServer;
  let cwd: string;
  let a: CliNode;
  let b: CliNode;
  let hub: TestServer;
  let box: AgentProcess;
  const phones: Phone[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    cwd = mkdtempSync(join(tmpdir(), 'mqtt-classroom-failover-'));
    const nodeEnv = { SERVER_MQTT_PASSWORD: SERVER_PASSWORD, DEVICE_ACCOUNTS: `${BOX}:${BOX_PASSWORD}` };
    a = await startCliNode(redis.url, cwd, nodeEnv);
    b = await startCliNode(redis.url, cwd, nodeEnv);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(phones.splice(0).map((phone) => phone.stop()));
    await box?.dispose();
    await hub?.dispose();
    await a?.kill();
    await b?.kill();
    await redis?.dispose();
    if (cwd !== undefined) rmSync(cwd, { recursive: true, force: true });
  });

  it('node A dies mid-stream: phones, box and hub move to B, every vote is counted once, retained state is still there', async () => {
    // The hub lists A first: it starts on A.
    hub = await startTestServer({ MQTT_URL: `${a.url},${b.url}`, MQTT_USERNAME: SERVER_ACCOUNT, MQTT_PASSWORD: SERVER_PASSWORD }, { brokerWaitMs: 20_000 });
    expect(hub.running.mqttUrl).toBe(a.url);
    const poll = hub.running.polls.create({ id: 'failover', question: 'Où ?', options: ['A', 'B', 'C', 'D'], policy: 'every-press' }).poll;
    hub.running.polls.open(poll.id);

    for (let i = 0; i < PHONES; i += 1) phones.push(new Phone([a.wsUrl, b.wsUrl], topics, poll.id));
    await Promise.all(phones.map((phone) => phone.start()));
    expect(phones.every((phone) => phone.url.startsWith(a.wsUrl.replace(/\/mqtt$/, '')))).toBe(true);

    // The box lists B first, and presses buttons 1 and 2 (options A and B) in turn.
    box = new AgentProcess({ MQTT_URL: `${b.url},${a.url}`, MQTT_USERNAME: BOX, MQTT_PASSWORD: BOX_PASSWORD });
    box.start({
      deviceId: BOX,
      inputs: [{ type: 'simulation', buttons: 2, count: BOX_PRESSES, ratePerSecond: 8, pattern: 'round-robin', pressMs: 5, startAfterMs: 6_000 }],
      bread: { sensor: { type: 'simulated', durationMs: 1_000, repeat: false }, intervalMs: 50 },
    });
    await box.waitForLog(/connected to broker/);
    // The presses start after a while; the box has heard of the poll by then (the
    // retained poll from redis), so they all become votes.
    await box.waitForLog(new RegExp(`buttons now vote on poll ${poll.id}`), 20_000);

    // Phones vote C and D, a few at a time; A dies once a third of them has a receipt.
    const expected = { A: 0, B: 0, C: 0, D: 0 };
    const receipted = () => phones.reduce((n, phone) => n + phone.receipts.size, 0);
    let killed = false;
    for (let round = 0; round < VOTES_PER_PHONE; round += 1) {
      for (const [i, phone] of phones.entries()) {
        const option = (i + round) % 2 === 0 ? 'C' : 'D';
        phone.vote(option);
        expected[option] += 1;
      }
      if (!killed && round === Math.floor(VOTES_PER_PHONE / 2)) {
        await until(() => receipted() >= (PHONES * VOTES_PER_PHONE) / 3, 'a third of the phone votes to have receipts', { timeout: 20_000, interval: 20 });
        await a.kill();
        killed = true;
      }
    }

    // Everyone reconnects to B; every vote gets its receipt, from whichever node.
    await until(() => phones.every((phone) => phone.pending.size === 0), 'every phone vote to have a receipt', {
      timeout: 60_000,
      interval: 50,
      detail: () => `${phones.reduce((n, p) => n + p.pending.size, 0)} pending`,
    });
    const pressesMade = () => [...box.output.matchAll(/button \d(: no poll is open| → vote)/g)].length;
    await until(() => pressesMade() >= BOX_PRESSES, 'the box to make all its presses', { timeout: 60_000, interval: 50, detail: () => box.output });
    await box.waitForOutbox(BOX, (n) => n === 0, 'empty (every press receipted)', 60_000);
    // A press the box made before it had heard of the poll is no vote (it says so):
    // the box's own log says which presses became votes, and for which option.
    for (const match of box.output.matchAll(new RegExp(`→ vote ([AB]) on poll ${poll.id}`, 'g'))) expected[match[1] as 'A' | 'B'] += 1;
    const boxVotes = expected.A + expected.B;
    expect(boxVotes).toBeGreaterThan(0);
    expect(hub.running.mqttUrl).toBe(b.url);
    expect(phones.every((phone) => phone.connects >= 2 && phone.url.includes(new URL(b.wsUrl).host))).toBe(true);

    // Counted once: no vote id was "counted" twice, and the tally is exact.
    // A "counted" receipt lost with node A comes back as "duplicate" for the re-sent
    // vote: never two "counted" for one id, never a rejection.
    for (const phone of phones) {
      for (const statuses of phone.receipts.values()) {
        expect(statuses.filter((s) => s === 'counted').length).toBeLessThanOrEqual(1);
        expect(statuses.every((s) => s === 'counted' || s === 'duplicate')).toBe(true);
      }
    }
    await until(() => {
      const counts = hub.running.polls.get(poll.id).tally.counts;
      return (counts.A ?? 0) + (counts.B ?? 0) >= boxVotes;
    }, 'every box press to be counted', { timeout: 60_000, interval: 50 });
    const summary = hub.running.polls.get(poll.id);
    expect(summary.tally.counts).toEqual(expected);
    expect(summary.tally.total).toBe(PHONES * VOTES_PER_PHONE + boxVotes);

    // A newcomer on B gets the poll, the exact tally, the box's status and the bread, retained.
    const newcomer = await connectClient(b.url);
    try {
      const retained = new Map<string, string>();
      newcomer.on('message', (topic, payload, packet) => {
        if (packet.retain) retained.set(topic, payload.toString());
      });
      await newcomer.subscribeAsync([topics.poll(poll.id), topics.tally(poll.id), topics.deviceStatus(BOX), topics.bread], { qos: 1 });
      await until(
        () => {
          const tally = retained.get(topics.tally(poll.id));
          const decoded = tally === undefined ? null : decodeTally(Buffer.from(tally));
          return decoded !== null && decoded.ok && decoded.value.total === summary.tally.total && retained.size === 4;
        },
        'the retained poll, exact tally, box status and bread on node B',
        { timeout: 20_000, interval: 50, detail: () => JSON.stringify(Object.fromEntries(retained)) },
      );
      expect(retained.get(topics.deviceStatus(BOX))).toBe('online');
      expect(JSON.parse(retained.get(topics.poll(poll.id)) as string)).toMatchObject({ id: poll.id, state: 'open' });
      const tally = decodeTally(Buffer.from(retained.get(topics.tally(poll.id)) as string));
      expect(tally.ok && tally.value.counts).toEqual(expected);
    } finally {
      await closeClient(newcomer);
    }
  }, 180_000);
});
