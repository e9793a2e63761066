import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { TEST_ADMIN_TOKEN, type TestServer, admin, clientIdOf, jsonVote, receiptCollector, startTestServer, waitForTally } from './helpers.js';

describe('the admin API and `mqtt-classroom poll`', () => {
  let server: TestServer;
  let voter: MqttClient;

  beforeAll(async () => {
    server = await startTestServer();
    voter = await connectClient(server.running.mqttUrl);
  });
  afterAll(async () => {
    await closeClient(voter);
    await server.dispose();
  });

  /** Runs the CLI in-process against the test server. */
  async function cli(...argv: string[]) {
    let out = '';
    let err = '';
    const env = { SERVER_URL: server.running.httpUrl, ADMIN_TOKEN: TEST_ADMIN_TOKEN, DATA_DIR: server.dataDir };
    const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env });
    return { code, out, err };
  }

  it('answers a missing or wrong token with 401 and changes nothing', async () => {
    const body = { id: 'sneaky', question: 'Sneaky?', options: ['A', 'B'] };
    for (const token of [null, 'wrong-token-123', `${TEST_ADMIN_TOKEN}x`]) {
      const response = await admin(server.running, 'POST', '/api/polls', body, token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await admin(server.running, 'GET', '/api/polls', undefined, token)).status).toBe(401);
    }
    expect((await admin(server.running, 'GET', '/api/polls')).json.polls).toEqual([]);
    const wrong = await main(['poll', 'list'], {
      stdout: () => undefined,
      stderr: () => undefined,
      env: { SERVER_URL: server.running.httpUrl, ADMIN_TOKEN: 'wrong-token-123', DATA_DIR: server.dataDir },
    });
    expect(wrong).toBe(2);
  });

  it('runs a poll: create -> open -> votes -> close -> votes rejected -> export CSV with the right counts', async () => {
    const created = await cli('poll', 'create', '--id', 'cours', '--question', 'Quel cours ?', '--option', 'IFT1215', '--option', 'MAT1400', '--option', 'oui=Oui, bien sûr');
    expect(created).toMatchObject({ code: 0, err: '' });
    expect(created.out).toContain('created poll cours (closed');
    expect((await cli('poll', 'open', 'cours')).out).toContain('poll cours open');

    const receipts = receiptCollector(voter, 'classroom');
    await receipts.subscribe();
    const votes = [
      ['v1', 'IFT1215'],
      ['v2', 'IFT1215'],
      ['v3', 'MAT1400'],
      ['v4', 'oui'],
      ['v5', 'IFT1215'],
    ] as const;
    for (const [id, option] of votes) await voter.publishAsync('classroom/votes/cours', jsonVote(id, option, 'box-1', undefined, clientIdOf(voter)), { qos: 1 });
    await receipts.waitFor(votes.length);
    expect((await cli('poll', 'close', 'cours')).out).toContain('poll cours closed');

    await voter.publishAsync('classroom/votes/cours', jsonVote('late-1', 'MAT1400', 'box-1', undefined, clientIdOf(voter)), { qos: 1 });
    await receipts.waitFor(votes.length + 1);
    expect(receipts.byId.get('late-1')).toEqual([{ status: 'rejected', reason: 'poll-closed' }]);

    const list = await cli('poll', 'list');
    expect(list.out).toMatch(/^cours\s+closed\s+every-press\s+1\s+5\s+1\s+Quel cours \?$/m);

    const csv = await cli('poll', 'export', 'cours', '--format', 'csv');
    expect(csv.code).toBe(0);
    const rows = csv.out.trim().split('\r\n').map((line) => line.split(','));
    expect(rows[0]).toEqual(['poll', 'question', 'round', 'started_at', 'archived_at', 'option', 'label', 'votes']);
    const byOption = Object.fromEntries(rows.slice(1).map((r) => [r[5], Number(r[r.length - 1])]));
    const expected: Record<string, number> = { IFT1215: 0, MAT1400: 0, oui: 0 };
    for (const [, option] of votes) expected[option] = (expected[option] ?? 0) + 1;
    expect(byOption).toEqual(expected);
    expect(csv.out).toContain('"Oui, bien sûr"');
  });

  it('reset archives the round: the new one starts at zero, the export still reaches the old one', async () => {
    const watcher = await connectClient(server.running.mqttUrl);
    try {
      const before = server.running.polls.get('cours').tally;
      expect((await cli('poll', 'reset', 'cours')).out).toContain('round 2 starts from zero');
      const fresh = await waitForTally(watcher, 'classroom', 'cours', (s) => s.total === 0);
      expect(fresh.seq).toBeGreaterThan(before.seq);

      const json = JSON.parse((await cli('poll', 'export', 'cours', '--format', 'json', '--round', 'all')).out);
      expect(json.rounds.map((r: { round: number; total: number }) => [r.round, r.total])).toEqual([
        [1, before.total],
        [2, 0],
      ]);
      expect(json.rounds[0].counts).toEqual(before.counts);
      expect(json.rounds[0].archivedAt).toEqual(expect.any(Number));
      const roundOne = await cli('poll', 'export', 'cours', '--round', '1');
      expect(roundOne.out).toContain(',IFT1215,IFT1215,3');
    } finally {
      await closeClient(watcher);
    }
  });

  it('explains bad requests: unknown poll, taken id, unusable poll, bad option', async () => {
    expect((await admin(server.running, 'POST', '/api/polls/nope/open')).status).toBe(404);
    const taken = await admin(server.running, 'POST', '/api/polls', { id: 'cours', question: 'Again?', options: ['A', 'B'] });
    expect(taken.status).toBe(409);
    const single = await admin(server.running, 'POST', '/api/polls', { question: 'Only one?', options: ['A'] });
    expect(single.status).toBe(400);
    expect(single.json.error).toMatch(/2 to 26 options/);
    const generated = await admin(server.running, 'POST', '/api/polls', { question: 'No id?', options: ['A', 'B'] });
    expect(generated.status).toBe(201);
    expect(generated.json.poll.id).toMatch(/^poll-[0-9a-f]{6}$/);

    const bad = await cli('poll', 'create', '--question', 'Q?', '--option', 'Bien sûr', '--option', 'Non');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--option "oui=Bien sûr"');
    const missing = await cli('poll', 'open', 'nope');
    expect(missing.err).toContain('There is no poll "nope"');
  });

  it('says where the server should be when nothing answers', async () => {
    let err = '';
    const code = await main(['poll', 'list'], {
      stdout: () => undefined,
      stderr: (t) => (err += t),
      env: { SERVER_URL: 'http://127.0.0.1:9', ADMIN_TOKEN: TEST_ADMIN_TOKEN },
    });
    expect(code).toBe(2);
    expect(err).toContain('Cannot reach the server at http://127.0.0.1:9');
  });
});
