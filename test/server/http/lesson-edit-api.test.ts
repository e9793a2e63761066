/**
 * The endpoints the teacher's page added: editing a lesson (`PUT /api/lessons/<id>`)
 * and a whole lesson's results (`GET /api/lessons/<id>/results`). A question
 * already asked keeps its text, options and policy; without a session, with a
 * forged cookie or from another site: 401/403 and nothing changes.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../../server/http/session-api.js';
import { TeacherSessions } from '../../../server/http/teacher-sessions.js';
import { closeClient, connectClient } from '../../harness/mqtt.js';
import { TEST_ADMIN_TOKEN, type TestServer, admin, startTestServer } from '../helpers.js';

type Call = { status: number; json: any; text: string };

/** A browser-like call: the cookie, and the Origin / Sec-Fetch-Site a browser would add. */
async function call(server: TestServer, method: string, path: string, options: { cookie?: string; site?: string; origin?: string; body?: unknown } = {}): Promise<Call> {
  const headers: Record<string, string> = { origin: options.origin ?? server.running.httpUrl, 'sec-fetch-site': options.site ?? 'same-origin' };
  if (options.cookie !== undefined) headers.cookie = `${SESSION_COOKIE}=${options.cookie}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.running.httpUrl}${path}`, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // CSV
  }
  return { status: response.status, json, text };
}

const LESSON = {
  id: 'chimie',
  title: 'Chimie',
  questions: [
    { question: 'H2O ?', options: ['A=Eau', 'B=Sel'], correct: 'A' },
    { question: 'NaCl ?', options: ['A=Eau', 'B=Sel'], correct: 'B' },
    { question: 'Brouillon', options: ['Oui', 'Non'] },
  ],
};

describe('lesson editing and lesson results (the teacher page endpoints)', () => {
  let server: TestServer;
  let phone: MqttClient;
  let cookie: string;

  beforeAll(async () => {
    server = await startTestServer();
    phone = await connectClient(server.running.mqttUrl);
    const signedIn = await fetch(`${server.running.httpUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.running.httpUrl, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ secret: TEST_ADMIN_TOKEN }),
    });
    cookie = new RegExp(`${SESSION_COOKIE}=([^;]*)`).exec(signedIn.headers.get('set-cookie') ?? '')?.[1] as string;
    expect((await admin(server.running, 'POST', '/api/lessons', LESSON)).status).toBe(201);
  });
  afterAll(async () => {
    await closeClient(phone);
    await server.dispose();
  });

  const lesson = async () => (await admin(server.running, 'GET', '/api/lessons/chimie')).json;
  const edited = (changes: (q: (typeof LESSON.questions)[number], i: number) => object, questions = LESSON.questions) => ({
    title: 'Chimie (v2)',
    questions: questions.map((q, i) => ({ ...q, ...changes(q, i) })),
  });

  it('without a session, with a forged or expired cookie, or from another site: 401/403 and the lesson is unchanged', async () => {
    const before = await lesson();
    const body = edited(() => ({ question: 'Piraté ?' }));
    expect((await call(server, 'PUT', '/api/lessons/chimie', { body })).status).toBe(401);
    const [expiry, nonce] = cookie.split('.');
    expect((await call(server, 'PUT', '/api/lessons/chimie', { cookie: `${expiry}.${nonce}.forged-mac-forged-mac-forged-mac-forged-mac0`, body })).status).toBe(401);
    // Genuinely signed with the admin secret, but its week ran out a day ago.
    const expired = new TeacherSessions({ secret: TEST_ADMIN_TOKEN, now: () => Date.now() - 8 * 24 * 3600 * 1000 }).issue().value;
    expect((await call(server, 'PUT', '/api/lessons/chimie', { cookie: expired, body })).status).toBe(401);
    expect((await call(server, 'PUT', '/api/lessons/chimie', { cookie, body, site: 'cross-site', origin: 'http://evil.example' })).status).toBe(403);
    expect((await call(server, 'PUT', '/api/lessons/chimie', { cookie, body, site: 'same-site', origin: 'http://other.localhost' })).status).toBe(403);
    expect((await call(server, 'GET', '/api/lessons/chimie/results?format=csv')).status).toBe(401);
    expect((await call(server, 'GET', '/api/lessons/chimie/results?format=csv', { cookie: 'x.y.z' })).status).toBe(401);
    expect(await lesson()).toEqual(before);
  });

  it('edits a lesson not yet run in every way: text, options, correct answer, policy, countdown, a question more, one less', async () => {
    const body = {
      title: 'Chimie (v2)',
      questions: [
        { question: 'H₂O, c’est ?', options: ['A=Eau', 'B=Sel', 'C=Sucre'], correct: 'Eau', policy: 'last-wins', seconds: 20 },
        LESSON.questions[1],
        { question: 'Et CO₂ ?', options: ['Gaz', 'Solide'], correct: 'Gaz' },
        { question: 'Une de plus', options: ['Oui', 'Non'] },
      ],
    };
    const put = await call(server, 'PUT', '/api/lessons/chimie', { cookie, body });
    expect(put.status).toBe(200);
    expect(put.json.title).toBe('Chimie (v2)');
    expect(put.json.questions.map((q: any) => [q.pollId, q.question, q.options.length, q.correct, q.policy, q.seconds])).toEqual([
      ['chimie-1', 'H₂O, c’est ?', 3, 'A', 'last-wins', 20],
      ['chimie-2', 'NaCl ?', 2, 'B', 'one-per-voter', null],
      ['chimie-3', 'Et CO₂ ?', 2, 'Gaz', 'one-per-voter', null],
      ['chimie-4', 'Une de plus', 2, null, 'one-per-voter', null],
    ]);
    // The poll itself changed, so the kiosk and the phones show the new text.
    expect(server.running.polls.get('chimie-1').poll).toMatchObject({ question: 'H₂O, c’est ?', policy: 'last-wins' });
    const shorter = await call(server, 'PUT', '/api/lessons/chimie', { cookie, body: { ...body, questions: body.questions.slice(0, 3) } });
    expect(shorter.json.questions).toHaveLength(3);
    // Nothing is deleted: the dropped question's poll stays, closed and never asked.
    expect(server.running.polls.get('chimie-4').poll).toMatchObject({ state: 'closed', openedAt: null });
  });

  it('a question already asked keeps its text, options and policy (409, nothing changes); its correct answer and countdown may change', async () => {
    expect((await admin(server.running, 'POST', '/api/lessons/chimie/next')).status).toBe(200);
    await phone.publishAsync('classroom/votes/chimie-1', 'A', { qos: 1 });
    await expect.poll(() => server.running.polls.get('chimie-1').tally.total, { timeout: 10_000 }).toBe(1);
    const before = await lesson();
    const asked = before.questions.map(({ question, options, correct, policy, seconds }: any) => ({ question, options, correct, policy, seconds }));
    for (const change of [{ question: 'Autre texte ?' }, { options: [{ id: 'A', label: 'Eau' }, { id: 'B', label: 'Sel' }] }, { policy: 'every-press' }]) {
      const refused = await call(server, 'PUT', '/api/lessons/chimie', { cookie, body: { title: 'X', questions: [{ ...asked[0], ...change }, ...asked.slice(1)] } });
      expect(refused.status).toBe(409);
      expect(refused.json.error).toMatch(/Question 1 of lesson chimie has been asked/);
    }
    const dropped = await call(server, 'PUT', '/api/lessons/chimie', { cookie, body: { title: 'X', questions: asked.slice(1) } });
    expect(dropped.status).toBe(409);
    expect(await lesson()).toEqual(before);
    const ok = await call(server, 'PUT', '/api/lessons/chimie', { cookie, body: { title: 'Chimie', questions: [{ ...asked[0], correct: 'B', seconds: 45 }, ...asked.slice(1)] } });
    expect(ok.status).toBe(200);
    expect(ok.json.questions[0]).toMatchObject({ correct: 'B', seconds: 45, total: 1, state: 'open' });
    expect(ok.json.current).toBe(0);
  });

  it("a whole lesson's results: the rows of each question's poll export, in the lesson's order (CSV and JSON)", async () => {
    await admin(server.running, 'POST', '/api/lessons/chimie/next');
    for (const option of ['B', 'B', 'A']) await phone.publishAsync('classroom/votes/chimie-2', option, { qos: 1 });
    await expect.poll(() => server.running.polls.get('chimie-2').tally.total, { timeout: 10_000 }).toBe(3);
    const csv = await call(server, 'GET', '/api/lessons/chimie/results?format=csv', { cookie });
    expect(csv.status).toBe(200);
    const perPoll = await Promise.all(['chimie-1', 'chimie-2', 'chimie-3'].map(async (id) => (await admin(server.running, 'GET', `/api/polls/${id}/export?format=csv`)).text));
    const header = perPoll[0]!.split('\r\n')[0];
    expect(csv.text).toBe([header, ...perPoll.flatMap((text) => text.split('\r\n').slice(1, -1))].join('\r\n') + '\r\n');
    expect(csv.text).toContain('chimie-2,NaCl ?,1,');
    const json = await call(server, 'GET', '/api/lessons/chimie/results?format=json', { cookie });
    expect(json.json.lesson).toEqual({ id: 'chimie', title: 'Chimie' });
    expect(json.json.questions.map((q: any) => [q.position, q.poll.id, q.correct, q.rounds[0].counts])).toEqual([
      [0, 'chimie-1', 'B', { A: 1, B: 0, C: 0 }],
      [1, 'chimie-2', 'B', { A: 1, B: 2 }],
      [2, 'chimie-3', 'Gaz', { Gaz: 0, Solide: 0 }],
    ]);
    expect((await call(server, 'GET', '/api/lessons/chimie/results?format=xml', { cookie })).status).toBe(400);
    expect((await call(server, 'GET', '/api/lessons/nope/results', { cookie })).status).toBe(404);
  });
});
