import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidId } from '../../shared/ids.js';
import { AdminRequestError } from '../errors/admin-request-error.js';
import { quizCsv, quizExport } from '../polls/quiz-export.js';
import type { QuizService } from '../polls/quiz-service.js';
import { readJson } from './read-json.js';
import { sendJson, sendText } from './security-headers.js';

/** The phones' quiz endpoints: public, each proves its voter by the secret in its body. */
export const PLAYER_PATH = '/api/player';

/**
 * `POST /api/player/me` `{ secret, poll }`: this phone's nickname, score and rank
 * (`{ quiz: false }` when the poll is not a quiz question).
 * `POST /api/player/nickname` `{ secret, poll, nickname }`: choose or change it.
 * The secret travels in the body (never a URL, which logs and histories keep),
 * the same secret the phone's votes carry, so only that phone can use its name
 * (docs/protocol.md, "Quiz identity").
 */
export async function handlePlayer(req: IncomingMessage, res: ServerResponse, url: URL, quiz: QuizService): Promise<void> {
  const action = url.pathname.slice(PLAYER_PATH.length + 1);
  if (action !== 'me' && action !== 'nickname') throw new AdminRequestError(404, 'no such player endpoint (me, nickname)');
  if (req.method !== 'POST') throw new AdminRequestError(405, 'use POST here, with the voter secret in the JSON body');
  const body = await readJson(req);
  const { secret, poll, nickname } = body;
  if (!isValidId(secret)) throw new AdminRequestError(400, 'send { "secret": <your voter secret>, "poll": <a poll id of the quiz> }');
  if (!isValidId(poll)) throw new AdminRequestError(400, 'poll: give the id of a poll of the quiz');
  if (action === 'nickname') {
    sendJson(res, 200, quiz.claim(poll, secret, nickname));
    return;
  }
  // A page asks for every poll it shows: "not a quiz" is an answer, not an error
  // (a 404 would be logged in every student's console).
  sendJson(res, 200, quiz.isQuizPoll(poll) ? { quiz: true, ...quiz.player(poll, secret) } : { quiz: false });
}

/**
 * The teacher's quiz endpoints, under the admin API: `GET /api/quiz/<lesson>` (the
 * per-student table), `GET …/export.csv` and `…/export.json`, `POST …/leaderboard`
 * (`?shown=false` takes it off the kiosk).
 */
export function routeQuizAdmin(req: IncomingMessage, res: ServerResponse, url: URL, parts: readonly string[], quiz: QuizService): void {
  const method = req.method ?? 'GET';
  const [lessonId, action, extra] = parts;
  if (lessonId === undefined || lessonId === '' || extra !== undefined) throw new AdminRequestError(404, 'use /api/quiz/<lesson>[/export.csv|/export.json|/leaderboard]');
  if (action === 'leaderboard') {
    if (method !== 'POST') throw new AdminRequestError(405, 'use POST here');
    sendJson(res, 200, quiz.show(lessonId, url.searchParams.get('shown') !== 'false'));
    return;
  }
  if (method !== 'GET') throw new AdminRequestError(405, 'use GET here');
  const lesson = quiz.quiz(lessonId);
  const data = quizExport(lesson, quiz.rows(lesson, false));
  if (action === undefined || action === 'export.json') {
    sendJson(res, 200, data);
    return;
  }
  if (action !== 'export.csv') throw new AdminRequestError(404, `no such quiz action: ${action} (export.csv, export.json, leaderboard)`);
  sendText(res, 200, quizCsv(data), {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${lessonId}-scores.csv"`,
  });
}
