import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClient, collect, connectClient } from '../harness/mqtt.js';
import { type TestServer, openPoll, startTestServer } from './helpers.js';

/**
 * Issue 13: a copy of a vote whose first copy was refused used to get a
 * `duplicate` receipt, which a voter reads as "already counted". It must say
 * `rejected` with the first copy's reason — live, after a restart, and after a reset.
 */
describe('the receipt of a copy of a refused vote', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.dispose();
  });

  async function receiptsFor(votes: { id: string; option: string }[], pollId: string) {
    const phone = await connectClient(server.running.mqttUrl, { clientId: 'web-vote-dup' });
    try {
      const receipts = collect(phone, 'classroom/receipts/web-vote-dup', votes.length);
      await receipts.subscribed;
      for (const v of votes) {
        await phone.publishAsync(`classroom/votes/${pollId}`, JSON.stringify({ ...v, voter: 'secret-dup', reply: 'web-vote-dup' }), { qos: 1 });
      }
      return (await receipts).map((r) => JSON.parse(r.payload) as Record<string, unknown>);
    } finally {
      await closeClient(phone);
    }
  }

  it('says rejected with the first reason (and duplicate: true), never as if counted', async () => {
    openPoll(server.running, 'dup', ['A', 'B'], 'one-per-voter');
    const receipts = await receiptsFor(
      [
        { id: 'first', option: 'A' },
        { id: 'second', option: 'B' },
        { id: 'second', option: 'B' },
        { id: 'first', option: 'A' },
      ],
      'dup',
    );
    expect(receipts).toEqual([
      { id: 'first', poll: 'dup', status: 'counted' },
      { id: 'second', poll: 'dup', status: 'rejected', reason: 'already-voted' },
      { id: 'second', poll: 'dup', status: 'rejected', reason: 'already-voted', duplicate: true },
      { id: 'first', poll: 'dup', status: 'duplicate' },
    ]);
    expect(server.running.polls.get('dup').tally).toMatchObject({ total: 1, rejected: 1 });
  });

  it('still after a restart (the refusals are replayed) and after a reset (an archived refusal)', async () => {
    server.running.polls.create({ id: 'late', question: 'Q?', options: ['A', 'B'] });
    // Closed: the vote is refused poll-closed.
    expect((await receiptsFor([{ id: 'too-early', option: 'A' }], 'late'))[0]).toMatchObject({ status: 'rejected', reason: 'poll-closed' });
    await server.running.stop();
    server = await startTestServer({}, { dataDir: server.dataDir });
    server.running.polls.open('late');
    expect((await receiptsFor([{ id: 'too-early', option: 'A' }], 'late'))[0]).toEqual({ id: 'too-early', poll: 'late', status: 'rejected', reason: 'poll-closed', duplicate: true });
    server.running.polls.reset('late');
    await server.running.stop();
    server = await startTestServer({}, { dataDir: server.dataDir });
    expect((await receiptsFor([{ id: 'too-early', option: 'A' }], 'late'))[0]).toMatchObject({ status: 'rejected', reason: 'poll-closed', duplicate: true });
    expect(server.running.polls.get('late').tally.total).toBe(0);
  });
});
