import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTally } from '../../shared/codecs/tally.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { type TestServer, admin, openPoll, startTestServer } from './helpers.js';

/** Everything a student's client subscribed to `#` receives, as text. */
function everything(client: MqttClient): { seen: { topic: string; text: string }[] } {
  const log = { seen: [] as { topic: string; text: string }[] };
  client.on('message', (topic, payload) => log.seen.push({ topic, text: payload.toString() }));
  return log;
}

describe('results hidden until revealed (SPEC §5): no topic students can read carries the counts', () => {
  let server: TestServer;
  let student: MqttClient;
  let voter: MqttClient;

  beforeAll(async () => {
    server = await startTestServer();
    voter = await connectClient(server.running.mqttUrl);
    student = await connectClient(server.running.mqttUrl);
  });
  afterAll(async () => {
    await closeClient(student);
    await closeClient(voter);
    await server.dispose();
  });

  it('while hidden the retained tally has the total only; the teacher sees the counts; showing them publishes them', async () => {
    openPoll(server.running, 'secret', ['A', 'B'], 'every-press');
    expect((await admin(server.running, 'POST', '/api/polls/secret/hide')).json.poll.hidden).toBe(true);
    const live = everything(student);
    await student.subscribeAsync('#', { qos: 1 });
    for (const option of ['A', 'A', 'B']) await voter.publishAsync('classroom/votes/secret', option, { qos: 1 });
    await expect.poll(() => admin(server.running, 'GET', '/api/polls/secret').then((r) => r.json.tally.total), { timeout: 10_000 }).toBe(3);
    const tallyOf = (log: { seen: { topic: string; text: string }[] }) =>
      log.seen.filter((m) => m.topic === 'classroom/tally/secret').map((m) => decodeTally(new TextEncoder().encode(m.text)));
    await expect.poll(() => tallyOf(live).at(-1), { timeout: 10_000 }).toMatchObject({ ok: true, value: { total: 3, hidden: true, counts: {} } });

    // A phone that connects now gets the retained snapshot: still no counts.
    const late = await connectClient(server.running.mqttUrl);
    try {
      const lateLog = everything(late);
      await late.subscribeAsync('#', { qos: 1 });
      await expect.poll(() => tallyOf(lateLog).length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(tallyOf(lateLog).at(-1)).toMatchObject({ ok: true, value: { total: 3, hidden: true, counts: {} } });
    } finally {
      await closeClient(late);
    }
    // Not in any payload a student saw, on any topic.
    for (const message of live.seen) expect(message.text, message.topic).not.toMatch(/"counts":\{"[AB]"/);
    // The teacher (admin API) sees them.
    expect((await admin(server.running, 'GET', '/api/polls/secret')).json.tally.counts).toEqual({ A: 2, B: 1 });

    await admin(server.running, 'POST', '/api/polls/secret/show');
    await expect.poll(() => tallyOf(live).at(-1), { timeout: 10_000 }).toMatchObject({ ok: true, value: { counts: { A: 2, B: 1 }, total: 3 } });
    expect(tallyOf(live).at(-1)).not.toMatchObject({ value: { hidden: true } });
  });

  it('stays hidden across a restart', async () => {
    openPoll(server.running, 'kept', ['A', 'B']);
    await admin(server.running, 'POST', '/api/polls/kept/hide');
    await server.running.stop();
    const again = await startTestServer({}, { dataDir: server.dataDir });
    const client = await connectClient(again.running.mqttUrl);
    try {
      expect((await admin(again.running, 'GET', '/api/polls/kept')).json.poll.hidden).toBe(true);
      const log = everything(client);
      await client.subscribeAsync('classroom/tally/kept', { qos: 1 });
      await expect.poll(() => log.seen.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(JSON.parse(log.seen.at(-1)?.text ?? '{}')).toMatchObject({ hidden: true, counts: {} });
    } finally {
      await closeClient(client);
      await again.running.stop();
    }
  });
});
