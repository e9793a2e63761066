import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Figures } from '../reliability/figures.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { type TestServer, openPoll, receiptCollector, startTestServer, tempDataDir } from './helpers.js';

/**
 * Issue 13 item 2, SPEC §5 "Voters' clocks are not trusted": a vote stamped with
 * ts 1e308 (or 2^70) must not pin a `last-wins` ballot. The hub's arrival order
 * decides, and a `counted` receipt is sent only for a vote that is in the tally,
 * also after a restart (the stored votes are replayed in arrival order).
 */
// A row of docs/reliability.md's table (test/reliability/render-table.ts).
const figures = new Figures('hub-order');
afterAll(() => figures.write());

describe('last-wins follows the hub, not the voter’s clock', () => {
  let server: TestServer | null = null;
  const data = tempDataDir();
  afterEach(async () => {
    await server?.dispose();
    server = null;
  });

  it('a vote with ts 1e308 or 2^70 for A, then votes for B: B counts, and every counted receipt is true', async () => {
    server = await startTestServer({}, { dataDir: data.dir });
    openPoll(server.running, 'ordre', ['A', 'B'], 'last-wins');
    const client = await connectClient(server.running.mqttUrl, { clientId: 'hub-order-voter' });
    try {
      const receipts = receiptCollector(client, 'classroom');
      await receipts.subscribe();
      const send = (id: string, option: string, voter: string, ts: number) =>
        client.publishAsync('classroom/votes/ordre', JSON.stringify({ id, option, voter, source: 'test', ts, reply: 'hub-order-voter' }), { qos: 1 });
      await send('far-a', 'A', 'zoe', 1e308);
      await send('huge-a', 'A', 'max', 2 ** 70);
      await receipts.waitFor(2);
      await send('zoe-b1', 'B', 'zoe', 1_764_160_000_000);
      await send('max-b1', 'B', 'max', 1_764_160_000_000);
      await send('zoe-b2', 'B', 'zoe', 1);
      await receipts.waitFor(5);
      const counts = server.running.polls.get('ordre').tally.counts;
      figures.add({
        area: 'hostile clients',
        what: 'votes stamped ts 1e308 and 2^70 for A, then votes for B (last-wins)',
        where: 'embedded broker (aedes), real server',
        tried: 5,
        unit: 'votes',
        lost: 0,
        wrong: counts.A ?? 0,
        outcome: `5 counted receipts; tally A ${counts.A ?? 0}, B ${counts.B ?? 0}: the hub's arrival order decided, each counted vote was its voter's ballot`,
      });
      for (const id of ['far-a', 'huge-a', 'zoe-b1', 'max-b1', 'zoe-b2']) expect(receipts.byId.get(id)).toEqual([{ status: 'counted' }]);
      expect(server.running.polls.get('ordre').tally.counts).toEqual({ A: 0, B: 2 });
    } finally {
      await closeClient(client);
    }
    // A restart replays the stored votes in the order they arrived: the same result.
    await server.running.stop();
    server = await startTestServer({}, { dataDir: data.dir });
    expect(server.running.polls.get('ordre').tally.counts).toEqual({ A: 0, B: 2 });
    data.remove();
  });
});
