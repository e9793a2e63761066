import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemScheduler } from '../../runtime/scheduler.js';
import { decodePoll } from '../../shared/codecs/poll.js';
import type { Scheduler } from '../../shared/scheduler.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { type TestServer, admin, jsonVote, receiptCollector, startTestServer } from './helpers.js';

describe('a countdown closes the question on the hub at its deadline (SPEC §5)', () => {
  let server: TestServer;
  let voter: MqttClient;
  let receipts: ReturnType<typeof receiptCollector>;
  /** The hub's clock, which the test moves forward (its timers stay real). */
  let skew = 0;
  const hubTime: Scheduler = { ...systemScheduler, now: () => systemScheduler.now() + skew };
  const polls = new Map<string, { state: string; deadline?: number }>();

  beforeAll(async () => {
    server = await startTestServer({}, { scheduler: hubTime });
    voter = await connectClient(server.running.mqttUrl, { clientId: 'countdown-voter' });
    receipts = receiptCollector(voter, 'classroom');
    await receipts.subscribe();
    voter.on('message', (topic, payload) => {
      if (!topic.startsWith('classroom/polls/')) return;
      const poll = decodePoll(payload);
      if (poll.ok) polls.set(poll.value.id, poll.value);
    });
    await voter.subscribeAsync('classroom/polls/+', { qos: 1 });
  });
  afterAll(async () => {
    await closeClient(voter);
    await server.dispose();
  });

  it('a vote before the deadline counts; one after it is rejected as closed, even before the timer runs', async () => {
    server.running.polls.create({ id: 'quiz', question: 'Vite ?', options: ['A', 'B'] });
    const opened = await admin(server.running, 'POST', '/api/polls/quiz/open?seconds=60');
    expect(opened.json.poll.deadline).toBe(opened.json.poll.openedAt + 60_000);
    // The retained poll carries the deadline in hub time.
    await expect.poll(() => polls.get('quiz')?.deadline, { timeout: 10_000 }).toBe(opened.json.poll.deadline);
    await voter.publishAsync('classroom/votes/quiz', jsonVote('before', 'A', 'countdown-voter'), { qos: 1 });
    await expect.poll(() => receipts.byId.get('before')?.[0]?.status, { timeout: 10_000 }).toBe('counted');

    skew += 61_000;
    await voter.publishAsync('classroom/votes/quiz', jsonVote('after', 'B', 'countdown-voter'), { qos: 1 });
    await expect.poll(() => receipts.byId.get('after')?.[0], { timeout: 10_000 }).toMatchObject({ status: 'rejected', reason: 'poll-closed' });
    await expect.poll(() => polls.get('quiz')?.state, { timeout: 10_000 }).toBe('closed');
    const summary = (await admin(server.running, 'GET', '/api/polls/quiz')).json;
    expect(summary.tally.counts).toEqual({ A: 1, B: 0 });
    expect(summary.poll.deadline).toBeUndefined();
  });

  it('closes by itself when the countdown runs out, with nobody voting', async () => {
    server.running.polls.create({ id: 'short', question: 'Très vite ?', options: ['A', 'B'] });
    await admin(server.running, 'POST', '/api/polls/short/open?seconds=1');
    await expect.poll(() => polls.get('short')?.state, { timeout: 10_000 }).toBe('open');
    await expect.poll(() => polls.get('short')?.state, { timeout: 10_000 }).toBe('closed');
  });

  it('refuses a countdown that is not 1 to 3600 whole seconds', async () => {
    server.running.polls.create({ id: 'bad', question: 'Q ?', options: ['A', 'B'] });
    for (const seconds of ['0', '-1', '1.5', '3601', 'abc']) {
      expect((await admin(server.running, 'POST', `/api/polls/bad/open?seconds=${seconds}`)).status).toBe(400);
    }
    expect((await admin(server.running, 'GET', '/api/polls/bad')).json.poll.state).toBe('closed');
  });
});
