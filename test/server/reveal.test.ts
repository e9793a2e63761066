import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { SESSION_COOKIE } from '../../server/http/session-api.js';
import { closeClient, collect, connectClient } from '../harness/mqtt.js';
import { TEST_ADMIN_TOKEN, type TestServer, admin, startTestServer } from './helpers.js';
import { leaks, watchAsStudents } from './reveal-watch.js';

/** SPEC §5, issue 15 item 3: the correct answer stays on the hub until the teacher reveals it. */
describe('the correct answer, revealed on demand (embedded broker)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.dispose();
  });

  const retainedPoll = async (pollId: string) => {
    const late = await connectClient(server.running.mqttUrl);
    try {
      const [message] = await collect(late, `classroom/polls/${pollId}`, 1);
      return JSON.parse(message?.payload ?? '{}') as Record<string, unknown>;
    } finally {
      await closeClient(late);
    }
  };

  it('no topic a student reads carries it before the reveal; the reveal closes the poll and republishes it with `correct`', async () => {
    const students = await watchAsStudents(server.running.mqttUrl, 'classroom');
    try {
      const created = await admin(server.running, 'POST', '/api/polls', { id: 'quiz', question: 'Capitale ?', options: ['Paris', 'Lyon'], policy: 'one-per-voter', correct: 'Paris' });
      expect(created.status).toBe(201);
      // The teacher sees the answer key; the published poll does not carry it.
      expect(created.json).toMatchObject({ answer: 'Paris' });
      expect(created.json.poll.correct).toBeUndefined();
      await admin(server.running, 'POST', '/api/polls/quiz/open');
      const voter = await connectClient(server.running.mqttUrl, { clientId: 'web-vote-v1' });
      try {
        const receipt = collect(voter, 'classroom/receipts/web-vote-v1', 1);
        await receipt.subscribed;
        await voter.publishAsync('classroom/votes/quiz', JSON.stringify({ id: 'v1', option: 'Lyon', voter: 'secret-v1', reply: 'web-vote-v1' }), { qos: 1 });
        expect(JSON.parse((await receipt)[0]?.payload ?? '{}')).toMatchObject({ status: 'counted' });
      } finally {
        await closeClient(voter);
      }
      await expect.poll(() => students.seen.filter((m) => m.topic === 'classroom/tally/quiz').length).toBeGreaterThan(1);
      expect(leaks(students)).toEqual([]);
      expect(await retainedPoll('quiz')).not.toHaveProperty('correct');

      const revealed = await admin(server.running, 'POST', '/api/polls/quiz/reveal');
      expect(revealed.status).toBe(200);
      expect(revealed.json.poll).toMatchObject({ state: 'closed', correct: 'Paris' });
      await expect.poll(() => students.seen.some((m) => m.topic === 'classroom/polls/quiz' && JSON.parse(m.text).correct === 'Paris')).toBe(true);
      // A phone that connects after the reveal reads it from the retained poll.
      expect(await retainedPoll('quiz')).toMatchObject({ state: 'closed', correct: 'Paris' });

      // Opening again hides it: nobody votes knowing the answer.
      await admin(server.running, 'POST', '/api/polls/quiz/open');
      expect(await retainedPoll('quiz')).not.toHaveProperty('correct');
      expect((await admin(server.running, 'GET', '/api/polls/quiz')).json.answer).toBe('Paris');
    } finally {
      await students.close();
    }
  });

  it('a lesson question carries its correct answer to its poll, hidden until revealed; it survives a restart', async () => {
    const students = await watchAsStudents(server.running.mqttUrl, 'classroom');
    const lesson = await admin(server.running, 'POST', '/api/lessons', {
      id: 'geo',
      title: 'Géographie',
      questions: [
        { question: 'Capitale du Québec ?', options: ['Québec', 'Montréal'], correct: 'Québec' },
        { question: 'Opinion ?', options: ['Oui', 'Non'] },
      ],
    });
    expect(lesson.status).toBe(201);
    await admin(server.running, 'POST', '/api/lessons/geo/next');
    try {
      expect((await admin(server.running, 'GET', '/api/polls/geo-1')).json).toMatchObject({ answer: 'Québec', poll: { state: 'open' } });
      await expect.poll(() => students.seen.some((m) => m.topic === 'classroom/polls/geo-1' && JSON.parse(m.text).state === 'open')).toBe(true);
      expect(leaks(students)).toEqual([]);
      // The opinion question has none to reveal.
      expect((await admin(server.running, 'POST', '/api/polls/geo-2/reveal')).status).toBe(400);
    } finally {
      await students.close();
    }
    await admin(server.running, 'POST', '/api/polls/geo-1/reveal');
    await server.running.stop();
    server = await startTestServer({}, { dataDir: server.dataDir });
    expect(await retainedPoll('geo-1')).toMatchObject({ state: 'closed', correct: 'Québec' });
    expect(await retainedPoll('geo-2')).not.toHaveProperty('correct');
  });

  it('reveal needs the admin token or the teacher session from its own page; the CLI reveals', async () => {
    server.running.polls.create({ id: 'guarded', question: 'Q ?', options: ['A', 'B'], correct: 'B' });
    expect((await admin(server.running, 'POST', '/api/polls/guarded/reveal', undefined, null)).status).toBe(401);
    expect((await admin(server.running, 'POST', '/api/polls/guarded/reveal', undefined, 'wrong-token')).status).toBe(401);
    const signIn = await fetch(`${server.running.httpUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.running.httpUrl, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ secret: TEST_ADMIN_TOKEN }),
    });
    const cookie = new RegExp(`${SESSION_COOKIE}=([^;]*)`).exec(signIn.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const withCookie = (site: string) =>
      fetch(`${server.running.httpUrl}/api/polls/guarded/reveal`, { method: 'POST', headers: { cookie: `${SESSION_COOKIE}=${cookie}`, 'sec-fetch-site': site } });
    expect((await withCookie('cross-site')).status).toBe(403);
    expect(server.running.polls.get('guarded').poll.correct).toBeUndefined();
    expect((await withCookie('same-origin')).status).toBe(200);
    expect(server.running.polls.get('guarded').poll.correct).toBe('B');

    // The CLI: a poll without an answer gets one and is revealed.
    server.running.polls.create({ id: 'by-cli', question: 'Q ?', options: ['A', 'B'] });
    let out = '';
    const code = await main(['poll', '--server', server.running.httpUrl, 'reveal', 'by-cli', '--correct', 'A'], {
      env: { ADMIN_TOKEN: TEST_ADMIN_TOKEN },
      stdout: (text: string) => {
        out += text;
      },
      stderr: () => undefined,
    });
    expect(code).toBe(0);
    expect(out).toContain('correct answer revealed: A');
    expect(server.running.polls.get('by-cli').poll.correct).toBe('A');
    // An answer that is not an option is refused with the options named.
    const wrong = await admin(server.running, 'POST', '/api/polls/by-cli/reveal?correct=Z');
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toMatch(/none of the options .*A, B/);
  });
});
