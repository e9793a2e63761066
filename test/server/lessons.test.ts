import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { decodePoll } from '../../shared/codecs/poll.js';
import { lessonFromCsv } from '../../shared/lesson.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { TEST_ADMIN_TOKEN, type TestServer, admin, startTestServer } from './helpers.js';

const LESSON_CSV = [
  'question,options,correct,policy,seconds',
  '"Capitale de la France, svp ?",Paris | Lyon | Marseille,Paris,one-per-voter,30',
  'Quel cours ?,IFT1215 | MAT1400,,every-press,',
  '"Dites ""oui""",oui=Oui | non=Non,oui,last-wins,',
].join('\r\n');

describe('lessons: import, list, export, next and previous (admin API and `mqtt-classroom lesson`)', () => {
  let server: TestServer;
  let student: MqttClient;
  const files = mkdtempSync(join(tmpdir(), 'mqtt-classroom-lesson-'));
  /** The retained poll states a student's page sees. */
  const states = new Map<string, string>();

  beforeAll(async () => {
    server = await startTestServer();
    student = await connectClient(server.running.mqttUrl);
    student.on('message', (_topic, payload) => {
      const poll = decodePoll(payload);
      if (poll.ok) states.set(poll.value.id, poll.value.state);
    });
    await student.subscribeAsync('classroom/polls/+', { qos: 1 });
  });
  afterAll(async () => {
    await closeClient(student);
    await server.dispose();
    rmSync(files, { recursive: true, force: true });
  });

  async function cli(...argv: string[]) {
    let out = '';
    let err = '';
    const env = { SERVER_URL: server.running.httpUrl, ADMIN_TOKEN: TEST_ADMIN_TOKEN, DATA_DIR: server.dataDir };
    const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env });
    return { code, out, err };
  }

  it('imports a CSV lesson: each question a closed poll, the correct answer and countdown kept', async () => {
    const file = join(files, 'géo.csv');
    writeFileSync(file, LESSON_CSV);
    const imported = await cli('lesson', 'import', file, '--id', 'geo', '--title', 'Géographie');
    expect(imported).toMatchObject({ code: 0, err: '' });
    expect(imported.out).toContain('imported lesson geo (3 questions)');
    const lesson = (await admin(server.running, 'GET', '/api/lessons/geo')).json;
    expect(lesson).toMatchObject({ id: 'geo', title: 'Géographie', current: null });
    expect(lesson.questions.map((q: { pollId: string; state: string; correct: string | null; seconds: number | null }) => [q.pollId, q.state, q.correct, q.seconds])).toEqual([
      ['geo-1', 'closed', 'Paris', 30],
      ['geo-2', 'closed', null, null],
      ['geo-3', 'closed', 'oui', null],
    ]);
    expect((await cli('lesson', 'list')).out).toContain('geo  3 questions, not started  Géographie');
    await expect.poll(() => states.get('geo-3'), { timeout: 10_000 }).toBe('closed');
  });

  it('next opens the first question, then closes it and opens the next; previous goes back; no next after the last', async () => {
    expect((await cli('lesson', 'next', 'geo')).out).toContain('question 1/3 open (geo-1)');
    await expect.poll(() => states.get('geo-1'), { timeout: 10_000 }).toBe('open');
    const second = await admin(server.running, 'POST', '/api/lessons/geo/next');
    expect(second.json.current).toBe(1);
    await expect.poll(() => [states.get('geo-1'), states.get('geo-2')], { timeout: 10_000 }).toEqual(['closed', 'open']);
    expect((await cli('lesson', 'previous', 'geo')).out).toContain('question 1/3 open');
    await expect.poll(() => [states.get('geo-1'), states.get('geo-2')], { timeout: 10_000 }).toEqual(['open', 'closed']);
    await admin(server.running, 'POST', '/api/lessons/geo/next');
    await admin(server.running, 'POST', '/api/lessons/geo/next');
    const past = await admin(server.running, 'POST', '/api/lessons/geo/next');
    expect(past.status).toBe(409);
    expect(past.json.error).toContain('no next question');
    expect((await admin(server.running, 'GET', '/api/lessons/geo')).json.current).toBe(2);
    await expect.poll(() => states.get('geo-3'), { timeout: 10_000 }).toBe('open');
  });

  it('exports the lesson as the CSV and JSON it imports', async () => {
    const out = join(files, 'export.csv');
    expect((await cli('lesson', 'export', 'geo', '--output', out)).code).toBe(0);
    const again = lessonFromCsv(readFileSync(out, 'utf8'), 'Géographie');
    expect(again).toEqual(lessonFromCsv(LESSON_CSV, 'Géographie'));
    const json = await cli('lesson', 'export', 'geo', '--format', 'json');
    const reimported = await admin(server.running, 'POST', '/api/lessons', { ...JSON.parse(json.out), id: 'geo2' });
    expect(reimported.status).toBe(201);
    expect(reimported.json.questions.map((q: { question: string }) => q.question)).toEqual(['Capitale de la France, svp ?', 'Quel cours ?', 'Dites "oui"']);
  });

  it('a bad file is refused with the row to fix, and nothing is imported', async () => {
    const before = (await admin(server.running, 'GET', '/api/polls')).json.polls.length;
    const file = join(files, 'bad.csv');
    writeFileSync(file, 'question,options,correct\nBonne ?,A | B,A\nMauvaise ?,Seule,\n');
    const bad = await cli('lesson', 'import', file, '--id', 'bad');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('bad.csv: row 3: give 2 to 26 options');
    const taken = await admin(server.running, 'POST', '/api/lessons', { id: 'geo', title: 'x', questions: [{ question: 'Q', options: ['A', 'B'] }] });
    expect(taken.status).toBe(409);
    const invalid = await admin(server.running, 'POST', '/api/lessons', { title: 'x', questions: [{ question: 'Q', options: ['A'] }] });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error).toContain('question 1: give 2 to 26 options');
    expect((await admin(server.running, 'GET', '/api/polls')).json.polls.length).toBe(before);
    expect((await admin(server.running, 'GET', '/api/lessons')).json.lessons.map((l: { id: string }) => l.id)).toEqual(['geo', 'geo2']);
  });

  it('keeps its lessons and where each one is across a restart', async () => {
    await server.running.stop();
    const restarted = await startTestServer({}, { dataDir: server.dataDir });
    try {
      const lesson = (await admin(restarted.running, 'GET', '/api/lessons/geo')).json;
      expect(lesson.current).toBe(2);
      expect(lesson.questions[2]).toMatchObject({ pollId: 'geo-3', state: 'open', correct: 'oui' });
    } finally {
      await restarted.running.stop();
    }
  });
});
