import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { TallySnapshot } from '../../shared/codecs/tally.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { type TestServer, jsonVote, receiptCollector, startTestServer, tempDataDir, waitForTally } from './helpers.js';

/** The test client's id: its votes name it as `reply`, so it may read their receipts. */
const REPLY = 'durability-voter';

describe('a restarted server', () => {
  const data = tempDataDir();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(): Promise<{ server: TestServer; client: MqttClient }> {
    const server = await startTestServer({}, { dataDir: data.dir });
    const client = await connectClient(server.running.mqttUrl, { clientId: REPLY });
    cleanups.push(() => server.dispose(), () => closeClient(client));
    return { server, client };
  }

  async function snapshots(client: MqttClient, ids: string[]) {
    const result: Record<string, TallySnapshot> = {};
    for (const id of ids) result[id] = await waitForTally(client, 'classroom', id, () => true);
    return result;
  }

  it('publishes exactly the counts it had, for every policy, with seq still growing', async () => {
    const first = await start();
    const polls = first.server.running.polls;
    polls.create({ id: 'press', question: 'Press?', options: ['A', 'B'], policy: 'every-press' });
    polls.create({ id: 'once', question: 'Once?', options: ['A', 'B'], policy: 'one-per-voter' });
    polls.create({ id: 'last', question: 'Last?', options: ['A', 'B'], policy: 'last-wins' });
    for (const id of ['press', 'once', 'last']) polls.open(id);
    const receipts = receiptCollector(first.client, 'classroom');
    await receipts.subscribe();
    const sends: [string, string][] = [
      ['press', jsonVote('p1', 'A', 'box-1', undefined, REPLY)],
      ['press', jsonVote('p2', 'A', 'box-1', undefined, REPLY)],
      ['press', 'B'],
      ['press', jsonVote('p3', 'Z', 'box-1', undefined, REPLY)],
      ['once', jsonVote('o1', 'A', 'zoé', undefined, REPLY)],
      ['once', jsonVote('o2', 'B', 'zoé', undefined, REPLY)],
      ['once', jsonVote('o3', 'B', 'léo', undefined, REPLY)],
      ['last', jsonVote('l2', 'B', 'zoé', 2_000, REPLY)],
      ['last', jsonVote('l1', 'A', 'zoé', 1_000, REPLY)],
      ['last', jsonVote('l3', 'A', 'léo', 1_500, REPLY)],
    ];
    for (const [poll, payload] of sends) await first.client.publishAsync(`classroom/votes/${poll}`, payload, { qos: 1 });
    await receipts.waitFor(sends.filter(([, p]) => p.startsWith('{')).length);
    polls.close('once');
    // Every vote above is handled (the plain one came before the last receipted ones).
    const before = Object.fromEntries(['press', 'once', 'last'].map((id) => [id, polls.get(id).tally]));
    expect(before.press?.total).toBe(3);
    await first.server.running.stop();

    const second = await start();
    const after = await snapshots(second.client, ['press', 'once', 'last']);
    for (const id of ['press', 'once', 'last']) {
      const [b, a] = [before[id] as TallySnapshot, after[id] as TallySnapshot];
      expect({ id, counts: a.counts, total: a.total, rejected: a.rejected, rejectedBy: a.rejectedBy }).toEqual({
        id,
        counts: b.counts,
        total: b.total,
        rejected: b.rejected,
        rejectedBy: b.rejectedBy,
      });
      // A reader that kept the old snapshot must take the new one.
      expect(a.seq).toBeGreaterThan(b.seq);
    }
    expect(second.server.running.polls.get('once').poll.state).toBe('closed');

    // A vote counted before the restart, delivered again, is a duplicate.
    const again = receiptCollector(second.client, 'classroom');
    await again.subscribe();
    await second.client.publishAsync('classroom/votes/press', jsonVote('p1', 'A', 'box-1', undefined, REPLY), { qos: 1 });
    await again.waitFor(1);
    expect(again.byId.get('p1')).toEqual([{ status: 'duplicate' }]);
  });

  it('treats a late copy of a vote from an archived round as a duplicate, not a vote for the new round', async () => {
    const { server, client } = await start();
    const polls = server.running.polls;
    polls.create({ id: 'rounds', question: 'Rounds?', options: ['A', 'B'] });
    polls.open('rounds');
    const receipts = receiptCollector(client, 'classroom');
    await receipts.subscribe();
    await client.publishAsync('classroom/votes/rounds', jsonVote('r1', 'A', 'box-1', undefined, REPLY), { qos: 1 });
    await receipts.waitFor(1);
    polls.reset('rounds');
    await client.publishAsync('classroom/votes/rounds', jsonVote('r1', 'A', 'box-1', undefined, REPLY), { qos: 1 });
    await client.publishAsync('classroom/votes/rounds', jsonVote('r2', 'B', 'box-1', undefined, REPLY), { qos: 1 });
    await receipts.waitFor(3);
    expect(receipts.byId.get('r1')).toEqual([{ status: 'counted' }, { status: 'duplicate' }]);
    const tally = await waitForTally(client, 'classroom', 'rounds', (s) => s.total === 1);
    expect(tally.counts).toEqual({ A: 0, B: 1 });
  });
});
