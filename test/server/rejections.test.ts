import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REJECT_REASONS, type RejectReason } from '../../shared/codecs/rejection.js';
import { createLogger } from '../../runtime/logger.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { type TestServer, admin, jsonVote, receiptCollector, startTestServer, waitForTally } from './helpers.js';

/** One bad vote per reason, as it arrives from the wire: [reason, topic, payload]. */
function badVotes(maxBytes: number): [RejectReason, string, string | Buffer][] {
  const v = (id: string, option: string, voter = 'box-1') => jsonVote(id, option, voter, undefined, 'box-1');
  return [
    ['too-large', 'classroom/votes/open', JSON.stringify({ id: 'big-1', option: 'A', voter: 'box-1', source: 'x'.repeat(maxBytes) })],
    ['not-utf8', 'classroom/votes/open', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
    ['empty', 'classroom/votes/open', '   '],
    ['bad-json', 'classroom/votes/open', '{"id":"bj-1","option":'],
    ['bad-type', 'classroom/votes/open', JSON.stringify({ id: 'bt-1', option: 'A', voter: 'box-1', ts: -5 })],
    ['missing-field', 'classroom/votes/open', JSON.stringify({ id: 'mf-1', option: 'A' })],
    ['bad-id', 'classroom/votes/open', JSON.stringify({ id: 'bi-1', option: 'A B', voter: 'box-1' })],
    ['unknown-option', 'classroom/votes/open', v('uo-1', 'Z')],
    ['unknown-poll', 'classroom/votes/nopoll', v('up-1', 'A')],
    ['poll-closed', 'classroom/votes/closed', v('pc-1', 'A')],
    ['already-voted', 'classroom/votes/open', v('av-2', 'B', 'phone-1')],
  ];
}

describe('rejected votes', () => {
  let server: TestServer;
  let client: MqttClient;
  const warnings: string[] = [];

  beforeAll(async () => {
    const logger = createLogger({ level: 'warn', write: (line) => warnings.push(line) });
    server = await startTestServer({}, { logger, logSummaryMs: 100 });
    server.running.polls.create({ id: 'open', question: 'Open?', options: ['A', 'B'], policy: 'one-per-voter' });
    server.running.polls.open('open');
    server.running.polls.create({ id: 'closed', question: 'Closed?', options: ['A', 'B'] });
    // The refused votes below that still carry a readable id name voter box-1 and no
    // reply: their receipts go to receipts/box-1, readable by client id box-1 only.
    client = await connectClient(server.running.mqttUrl, { clientId: 'box-1' });
  });
  afterAll(async () => {
    await closeClient(client);
    await server.dispose();
  });

  it('reaches every rejection reason of the codecs from the wire, counts each, and never counts them as votes', async () => {
    const receipts = receiptCollector(client, 'classroom');
    await receipts.subscribe();
    // phone-1's first vote counts; its second one is the already-voted case.
    await client.publishAsync('classroom/votes/open', jsonVote('av-1', 'A', 'phone-1', undefined, 'box-1'), { qos: 1 });
    const cases = badVotes(1024);
    expect(cases.map(([reason]) => reason).sort()).toEqual([...REJECT_REASONS].sort());
    for (const [, topic, payload] of cases) await client.publishAsync(topic, payload, { qos: 1 });

    const onPoll = cases.filter(([reason]) => reason !== 'unknown-poll' && reason !== 'poll-closed').length;
    const tally = await waitForTally(client, 'classroom', 'open', (s) => s.rejected === onPoll);
    expect(tally.total).toBe(1);
    expect(tally.counts).toEqual({ A: 1, B: 0 });
    const closed = await waitForTally(client, 'classroom', 'closed', (s) => s.rejected === 1);
    expect(closed.rejectedBy).toEqual({ 'poll-closed': 1 });

    const status = await admin(server.running, 'GET', '/api/status');
    const expected = Object.fromEntries(REJECT_REASONS.map((reason) => [reason, 1]));
    expect(status.json.rejectedBy).toEqual(expected);
    expect({ ...tally.rejectedBy, ...closed.rejectedBy, 'unknown-poll': 1 }).toEqual(expected);

    // A refused vote whose id and voter are readable gets a receipt saying why.
    // av-1 (counted), and the refusals that carry a readable id and voter:
    // bad-type, bad-id, unknown-option, unknown-poll, poll-closed, already-voted.
    await receipts.waitFor(7);
    expect(receipts.byId.get('uo-1')).toEqual([{ status: 'rejected', reason: 'unknown-option' }]);
    expect(receipts.byId.get('up-1')).toEqual([{ status: 'rejected', reason: 'unknown-poll' }]);
    expect(receipts.byId.get('av-2')).toEqual([{ status: 'rejected', reason: 'already-voted' }]);
    expect(receipts.byId.get('bt-1')).toEqual([{ status: 'rejected', reason: 'bad-type' }]);
  });

  it('answers the redelivery of a refused vote with its first refusal (not "duplicate", which reads as counted), without counting it again', async () => {
    const receipts = receiptCollector(client, 'classroom');
    await receipts.subscribe();
    const before = server.running.polls.get('open').tally;
    await client.publishAsync('classroom/votes/open', jsonVote('uo-1', 'Z', 'box-1', undefined, 'box-1'), { qos: 1 });
    await receipts.waitFor(1);
    expect(receipts.byId.get('uo-1')).toEqual([{ status: 'rejected', reason: 'unknown-option' }]);
    expect(server.running.polls.get('open').tally.rejected).toBe(before.rejected);
  });

  it('logs the first refusal of each reason with its detail, then only a periodic count', async () => {
    const firstLines = warnings.filter((line) => line.includes('vote rejected ('));
    expect(firstLines).toHaveLength(REJECT_REASONS.length);
    for (const reason of REJECT_REASONS) expect(firstLines.filter((l) => l.includes(`(${reason})`))).toHaveLength(1);
    for (let i = 0; i < 50; i += 1) await client.publishAsync('classroom/votes/open', 'Z', { qos: 1 });
    const summaries = () => warnings.filter((l) => l.includes('more rejected votes'));
    const summed = () => summaries().reduce((sum, l) => sum + Number(/unknown-option=(\d+)/.exec(l)?.[1] ?? 0), 0);
    await expect.poll(summed, { timeout: 4_000, interval: 20 }).toBe(50);
    expect(warnings.filter((line) => line.includes('vote rejected ('))).toHaveLength(REJECT_REASONS.length);
    // At most one summary line per interval (100 ms here), whatever the rate.
    const times = summaries().map((l) => {
      const [h, m, rest] = l.slice(0, 12).split(':');
      return (Number(h) * 60 + Number(m)) * 60_000 + Number(rest) * 1000;
    });
    for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(99);
  });
});
