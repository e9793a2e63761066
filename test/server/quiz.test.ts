/**
 * Quiz mode on the hub (issue 16): a lesson marked as a quiz, nicknames bound to
 * voter secrets over /api/player, a box's team carried on its votes, scores from
 * the counted votes (first for one-per-voter, last for last-wins), the retained
 * leaderboard topic, the per-student export (API and `mqtt-classroom quiz export`),
 * all kept across a restart.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { type Leaderboard, decodeLeaderboard } from '../../shared/codecs/leaderboard.js';
import { lessonFromCsv, lessonToCsv, validateLesson } from '../../shared/lesson.js';
import { closeClient, connectClient } from '../harness/mqtt.js';
import { until } from '../harness/wait.js';
import { MAX_PLAYERS } from '../../server/polls/quiz-service.js';
import { TEST_ADMIN_TOKEN, type TestServer, admin, startTestServer, tempDataDir } from './helpers.js';

const QUIZ = {
  id: 'quiz',
  title: 'Capitales',
  quiz: true,
  questions: [
    { question: 'France ?', options: ['Paris', 'Lyon'], correct: 'Paris' },
    { question: 'Italie ?', options: ['Rome', 'Milan'], correct: 'Rome', policy: 'last-wins' },
    { question: 'Aimez-vous la géo ?', options: ['oui', 'non'] },
  ],
};

describe('quiz mode on the hub', { timeout: 30_000 }, () => {
  const data = tempDataDir();
  let server: TestServer;
  let phone: MqttClient;
  let kiosk: MqttClient;
  let board: Leaderboard | null = null;
  let n = 0;

  const start = async () => {
    server = await startTestServer({}, { dataDir: data.dir });
    phone = await connectClient(server.running.mqttUrl);
    kiosk = await connectClient(server.running.mqttUrl);
    kiosk.on('message', (_t, payload) => {
      board = decodeLeaderboard(payload);
    });
    await kiosk.subscribeAsync('classroom/leaderboard', { qos: 1 });
  };
  const stop = async () => {
    await closeClient(phone);
    await closeClient(kiosk);
    await server.running.stop();
  };
  beforeAll(start);
  afterAll(async () => {
    await stop().catch(() => undefined);
    data.remove();
  });

  const player = (action: 'me' | 'nickname', body: Record<string, unknown>) => admin(server.running, 'POST', `/api/player/${action}`, body, null);
  const total = async (poll: string) => (await admin(server.running, 'GET', `/api/polls/${poll}`)).json.tally.total as number;
  async function vote(poll: string, voter: string, option: string, team?: string) {
    n += 1;
    await phone.publishAsync(`classroom/votes/${poll}`, JSON.stringify({ id: `v${n}`, option, voter, source: 'test', ts: 0, ...(team === undefined ? {} : { team }) }), { qos: 1 });
  }
  async function cli(...argv: string[]) {
    let out = '';
    let err = '';
    const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { SERVER_URL: server.running.httpUrl, ADMIN_TOKEN: TEST_ADMIN_TOKEN, DATA_DIR: data.dir } });
    return { code, out, err };
  }

  it('keeps the quiz mark through JSON and CSV', () => {
    const json = validateLesson(QUIZ);
    expect(json.ok && json.value.quiz).toBe(true);
    if (!json.ok) return;
    const csv = lessonToCsv(json.value.questions, { quiz: true });
    expect(csv.split('\r\n')[0]).toBe('question,options,correct,policy,seconds,quiz');
    const back = lessonFromCsv(csv, 'Capitales');
    expect(back.ok && back.value.quiz).toBe(true);
    const plain = lessonFromCsv(lessonToCsv(json.value.questions), 'x');
    expect(plain.ok && plain.value.quiz).toBeUndefined();
    expect(validateLesson({ ...QUIZ, timeBonus: 11 })).toMatchObject({ ok: false });
  });

  it('scores the counted votes per voter; nicknames are unique and bound to their secret', async () => {
    expect((await admin(server.running, 'POST', '/api/lessons', QUIZ)).status).toBe(201);
    expect((await admin(server.running, 'GET', '/api/lessons/quiz/export.json')).json.quiz).toBe(true);
    // Not a quiz: no scores.
    server.running.polls.create({ id: 'plain', question: 'Q?', options: ['A', 'B'] });
    expect((await player('me', { secret: 'secret-ali', poll: 'plain' })).json).toEqual({ quiz: false });
    expect((await player('nickname', { secret: 'secret-ali', poll: 'plain', nickname: 'Ali' })).status).toBe(404);

    expect((await player('nickname', { secret: 'secret-ali', poll: 'quiz-1', nickname: 'Ali' })).json).toMatchObject({ nickname: 'Ali', score: 0 });
    // Another phone cannot take it, in any case or accent; a bad name is refused.
    expect((await player('nickname', { secret: 'secret-bea', poll: 'quiz-1', nickname: ' ALI ' })).status).toBe(409);
    expect((await player('nickname', { secret: 'secret-bea', poll: 'quiz-1', nickname: 'B' })).status).toBe(400);
    expect((await player('nickname', { secret: 'secret-bea', poll: 'quiz-1', nickname: 'Béa' })).status).toBe(200);
    // Changeable: Béa renames herself, and her old name is free again.
    expect((await player('nickname', { secret: 'secret-bea', poll: 'quiz-1', nickname: 'Bea2' })).json.nickname).toBe('Bea2');

    await admin(server.running, 'POST', '/api/lessons/quiz/next');
    await vote('quiz-1', 'secret-ali', 'Paris');
    await vote('quiz-1', 'secret-ali', 'Lyon'); // one-per-voter: refused, the first counts
    await vote('quiz-1', 'secret-bea', 'Lyon');
    await vote('quiz-1', 'box-secret', 'Paris', 'Rouges');
    await vote('quiz-1', 'Ali', 'Paris'); // someone using the nickname as a voter id: its own, unnamed voter
    await until(async () => (await total('quiz-1')) === 4, 'the four counted votes of question 1');
    // While the question is open, the score does not tell the answer.
    expect((await player('me', { secret: 'secret-ali', poll: 'quiz-1' })).json).toMatchObject({ score: 0, scored: 0 });
    // The box's team is taken: a phone cannot claim it.
    expect((await player('nickname', { secret: 'secret-cid', poll: 'quiz-1', nickname: 'rouges' })).status).toBe(409);

    await admin(server.running, 'POST', '/api/lessons/quiz/next');
    await vote('quiz-2', 'secret-ali', 'Milan');
    await vote('quiz-2', 'secret-bea', 'Milan');
    await vote('quiz-2', 'secret-bea', 'Rome'); // last-wins: the last counts
    await vote('quiz-2', 'box-secret', 'Milan', 'Rouges');
    await vote('quiz-2', 'other-box', 'Rome', 'Rouges'); // another voter claiming the team scores nothing for it
    await until(async () => (await total('quiz-2')) === 4, 'the counted votes of question 2');
    await admin(server.running, 'POST', '/api/lessons/quiz/next');
    await vote('quiz-3', 'secret-ali', 'oui');
    await until(async () => (await total('quiz-3')) === 1, 'the vote of question 3');

    expect((await player('me', { secret: 'secret-ali', poll: 'quiz-3' })).json).toMatchObject({ nickname: 'Ali', score: 1, rank: 1, players: 3, scored: 2, questions: 3 });
    expect((await player('me', { secret: 'secret-bea', poll: 'quiz-3' })).json).toMatchObject({ nickname: 'Bea2', score: 1, rank: 1 });
    expect((await player('me', { secret: 'box-secret', poll: 'quiz-3' })).json).toMatchObject({ nickname: 'Rouges', score: 1, rank: 1 });
    expect((await player('me', { secret: 'other-box', poll: 'quiz-3' })).json).toMatchObject({ nickname: null, score: 1, rank: null });

    // The teacher shows the leaderboard: names and scores only.
    const shown = (await admin(server.running, 'POST', '/api/quiz/quiz/leaderboard')).json as Leaderboard;
    expect(shown.entries.map((e) => [e.rank, e.name, e.kind, e.score])).toEqual([[1, 'Ali', 'player', 1], [1, 'Bea2', 'player', 1], [1, 'Rouges', 'team', 1]]);
    await until(() => board?.shown === true && board.final === false, 'the retained leaderboard');
    const wire = JSON.stringify(board);
    for (const secret of ['secret-ali', 'secret-bea', 'box-secret', 'Paris', 'Milan']) expect(wire).not.toContain(secret);
    // Closing the last question shows the final leaderboard by itself.
    server.running.polls.close('quiz-3');
    await until(() => board?.final === true && board.shown, 'the final leaderboard');
  });

  it('exports one row per voter and one column per question, from the API and the CLI, also after a restart', async () => {
    const json = (await admin(server.running, 'GET', '/api/quiz/quiz/export.json')).json;
    expect(json.rows.map((r: { name: string; score: number; answers: unknown[] }) => [r.name, r.score, r.answers.map((a) => (a === null ? null : (a as { option: string }).option))])).toEqual([
      ['Ali', 1, ['Paris', 'Milan', 'oui']],
      ['Bea2', 1, ['Lyon', 'Rome', null]],
      ['Rouges', 1, ['Paris', 'Milan', null]],
      ['anonymous-1', 1, ['Paris', null, null]],
      ['anonymous-2', 1, [null, 'Rome', null]],
    ]);
    await stop();
    await start();
    const csv = await cli('quiz', 'export', 'quiz');
    expect(csv).toMatchObject({ code: 0, err: '' });
    expect(csv.out.split('\r\n').slice(0, 4)).toEqual([
      'name,kind,rank,score,Q1 France ?,Q2 Italie ?,Q3 Aimez-vous la géo ?',
      'Ali,player,1,1,Paris (right),Milan (wrong),oui',
      'Bea2,player,1,1,Lyon (wrong),Rome (right),',
      'Rouges,team,1,1,Paris (right),Milan (wrong),',
    ]);
    expect(csv.out).not.toContain('secret');
  });

  it('adds the optional time bonus from the hub\'s own times, exported with the lesson', async () => {
    const lesson = { id: 'bonus', title: 'Bonus', quiz: true, timeBonus: 5, questions: [{ question: 'Vite ?', options: ['A', 'B'], correct: 'A', seconds: 3600 }] };
    expect((await admin(server.running, 'POST', '/api/lessons', lesson)).status).toBe(201);
    expect((await admin(server.running, 'GET', '/api/lessons/bonus/export.json')).json).toMatchObject({ quiz: true, timeBonus: 5 });
    await admin(server.running, 'POST', '/api/lessons/bonus/next');
    // A phone's clock says it voted an hour late: only the hub's arrival time counts.
    n += 1;
    await phone.publishAsync('classroom/votes/bonus-1', JSON.stringify({ id: `v${n}`, option: 'A', voter: 'fast', source: 'test', ts: Date.now() + 3_600_000 }), { qos: 1 });
    n += 1;
    await phone.publishAsync('classroom/votes/bonus-1', JSON.stringify({ id: `v${n}`, option: 'B', voter: 'wrong', source: 'test', ts: 0 }), { qos: 1 });
    await until(async () => (await total('bonus-1')) === 2, 'the two votes');
    server.running.polls.close('bonus-1');
    const rows = (await admin(server.running, 'GET', '/api/quiz/bonus')).json.rows as { score: number; answers: { points: number }[] }[];
    // Within a tenth of the hour-long window: 1 point and the whole bonus of 5; a wrong answer, nothing.
    expect(rows.map((r) => [r.score, r.answers[0]?.points])).toEqual([[6, 6], [0, 0]]);
  });

  it('bounds the nicknames a quiz stores (the endpoint is public)', async () => {
    const lesson = { id: 'full', title: 'Plein', quiz: true, questions: [{ question: 'Q ?', options: ['A', 'B'], correct: 'A' }] };
    expect((await admin(server.running, 'POST', '/api/lessons', lesson)).status).toBe(201);
    for (let batch = 0; batch < MAX_PLAYERS; batch += 100) {
      const claims = Array.from({ length: 100 }, (_, i) => player('nickname', { secret: `s${batch + i}`, poll: 'full-1', nickname: `joueur-${batch + i}` }));
      expect((await Promise.all(claims)).every((r) => r.status === 200)).toBe(true);
    }
    const refused = await player('nickname', { secret: 'one-more', poll: 'full-1', nickname: 'encore' });
    expect(refused.status).toBe(429);
    expect(refused.json.error).toContain(`${MAX_PLAYERS} nicknames`);
    // A player who has one may still change it.
    expect((await player('nickname', { secret: 's0', poll: 'full-1', nickname: 'nouveau' })).json.nickname).toBe('nouveau');
  }, 90_000);
});
