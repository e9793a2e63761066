import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPolicy } from '../../shared/poll.js';
import { handleChatAdmin } from '../chat/chat-api.js';
import type { ChatHistory } from '../chat/chat-history.js';
import { AdminRequestError } from '../errors/admin-request-error.js';
import { InvalidPollError, PollNotFoundError } from '../errors/poll-errors.js';
import { EXPORT_FORMATS, type ExportFormat, type RoundChoice, resultsCsv, resultsJson, roundResults } from '../polls/export.js';
import type { LessonService } from '../polls/lesson-service.js';
import type { NewPoll, PollService } from '../polls/poll-service.js';
import type { QuizService } from '../polls/quiz-service.js';
import type { PollStore } from '../store/poll-store.js';
import type { VoteLog } from '../store/vote-log.js';
import type { PollBook } from '../tally/poll-book.js';
import { httpStatusOf } from './error-status.js';
import { routeLessons } from './lesson-api.js';
import { routeQuizAdmin } from './quiz-api.js';
import { sendLessonResults } from './lesson-results-api.js';
import { type RoomApi, routeRoom } from './room-api.js';
import { readJson } from './read-json.js';
import { fromOwnPage, sessionCookie } from './session-api.js';
import type { TeacherSessions } from './teacher-sessions.js';
import { sendJson, sendText } from './security-headers.js';

export interface AdminApiContext {
  token: string;
  polls: PollService;
  lessons: LessonService;
  /** Quiz mode: scores, the leaderboard, the per-student export. */
  quiz: QuizService;
  book: PollBook;
  store: PollStore;
  log: VoteLog;
  now: () => number;
  /** What `GET /api/status` reports. */
  status: () => unknown;
  /** `POST /api/backup`: an online backup into DATA_DIR/backups; resolves to where. */
  backup: () => Promise<unknown>;
  /** The chat history (clear, mute); its `GET /api/chat/history` is public, see http-server.ts. */
  chat: ChatHistory;
  /** The teacher's browser sessions (`/prof`), the other way in besides the Bearer token. */
  sessions: TeacherSessions;
  /** Where phones and the teacher reach the pages (PUBLIC_URL or the LAN address), for sign-in links. */
  publicUrl: string | null;
  /** The room at a glance and the bake (`/api/room`, `/api/bread/new-bake`). */
  room: RoomApi;
}

/**
 * The admin API under `/api/` (docs/server.md lists it). Every request needs
 * `Authorization: Bearer <ADMIN_TOKEN>` or the teacher's session cookie; without
 * one nothing is read or changed. With the cookie, a request that changes
 * something must come from our own page (a cross-site form or script gets 403).
 */
export async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL, ctx: AdminApiContext): Promise<void> {
  const how = authorised(req, ctx);
  if (how === null) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="mqtt-classroom"');
    sendJson(res, 401, { error: 'missing or wrong admin token: send Authorization: Bearer <ADMIN_TOKEN>, or sign in on /prof' });
    return;
  }
  const method = req.method ?? 'GET';
  if (how === 'session' && method !== 'GET' && method !== 'HEAD' && !fromOwnPage(req)) {
    sendJson(res, 403, { error: 'a change with the teacher\'s session must come from the teacher\'s page (/prof) of this server' });
    return;
  }
  try {
    await route(req, res, url, ctx);
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === null) throw error;
    sendJson(res, status, { error: (error as Error).message });
  }
}

async function route(req: IncomingMessage, res: ServerResponse, url: URL, ctx: AdminApiContext): Promise<void> {
  const parts = url.pathname.split('/').slice(2).map(decodeLevel);
  const method = req.method ?? 'GET';
  const [first, pollId, action, extra] = parts;
  if (first === 'status' && parts.length === 1) {
    allow(method, 'GET');
    sendJson(res, 200, ctx.status());
    return;
  }
  if (first === 'backup' && parts.length === 1) {
    allow(method, 'POST');
    sendJson(res, 201, await ctx.backup());
    return;
  }
  if (first === 'chat') {
    handleChatAdmin(res, method, parts.slice(1), ctx.chat);
    return;
  }
  if (first === 'signin-link' && parts.length === 1) {
    allow(method, 'POST');
    sendJson(res, 201, signInLink(req, ctx));
    return;
  }
  if (first === 'lessons' && action === 'results' && pollId !== undefined && extra === undefined) {
    allow(method, 'GET');
    sendLessonResults(res, url, pollId, ctx);
    return;
  }
  if (first === 'room' || first === 'bread') {
    routeRoom(req, res, first, parts.slice(1), ctx.room);
    return;
  }
  if (first === 'lessons') {
    await routeLessons(req, res, parts.slice(1), ctx.lessons);
    return;
  }
  if (first === 'quiz') {
    routeQuizAdmin(req, res, url, parts.slice(1), ctx.quiz);
    return;
  }
  if (first !== 'polls' || extra !== undefined) throw new AdminRequestError(404, `no such admin endpoint: ${url.pathname}`);
  if (pollId === undefined || pollId === '') {
    if (method === 'GET') {
      sendJson(res, 200, { polls: ctx.polls.list() });
      return;
    }
    allow(method, 'POST');
    sendJson(res, 201, ctx.polls.create(newPoll(await readJson(req))));
    return;
  }
  if (action === undefined) {
    allow(method, 'GET');
    sendJson(res, 200, ctx.polls.get(pollId));
    return;
  }
  switch (action) {
    case 'open': {
      allow(method, 'POST');
      const seconds = url.searchParams.get('seconds');
      if (seconds !== null && !/^[1-9]\d{0,3}$/.test(seconds)) throw new AdminRequestError(400, 'seconds must be a whole number from 1 to 3600');
      sendJson(res, 200, ctx.polls.open(pollId, seconds === null ? {} : { seconds: Number(seconds) }));
      return;
    }
    case 'close':
    case 'reset':
      allow(method, 'POST');
      sendJson(res, 200, ctx.polls[action](pollId));
      return;
    case 'reveal': {
      allow(method, 'POST');
      const correct = url.searchParams.get('correct');
      sendJson(res, 200, ctx.polls.reveal(pollId, correct === null || correct === '' ? undefined : correct));
      return;
    }
    case 'answer': {
      // POST {"correct": "B"} sets the answer key without revealing it; {"correct": null} removes it.
      allow(method, 'POST');
      const { correct } = await readJson(req);
      if (correct !== null && typeof correct !== 'string') throw new InvalidPollError('send {"correct": "<option id>"} or {"correct": null}');
      sendJson(res, 200, ctx.polls.setAnswer(pollId, correct));
      return;
    }
    case 'hide':
    case 'show':
      allow(method, 'POST');
      sendJson(res, 200, ctx.polls.setHidden(pollId, action === 'hide'));
      return;
    case 'export':
      allow(method, 'GET');
      exportResults(res, url, pollId, ctx);
      return;
    default:
      throw new AdminRequestError(404, `no such poll action: ${action} (open, close, reset, hide, show, reveal, answer, export)`);
  }
}

function exportResults(res: ServerResponse, url: URL, pollId: string, ctx: AdminApiContext): void {
  const format = (url.searchParams.get('format') ?? 'json') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new AdminRequestError(400, 'format must be csv or json');
  const roundParam = url.searchParams.get('round') ?? 'current';
  let choice: RoundChoice;
  if (roundParam === 'current' || roundParam === 'all') choice = roundParam;
  else if (/^[1-9]\d{0,8}$/.test(roundParam)) choice = Number(roundParam);
  else throw new AdminRequestError(400, 'round must be current, all or a round number');
  const entry = ctx.book.get(pollId);
  if (entry === undefined) throw new PollNotFoundError(pollId);
  // The export recounts from the database: commit what is still queued first.
  ctx.log.flush();
  const results = roundResults(ctx.store, entry.tally.poll, entry.round, choice, ctx.now());
  if (results.length === 0) throw new AdminRequestError(404, `poll ${pollId} has no round ${roundParam}`);
  const name = `${pollId}-${roundParam === 'current' ? `round-${entry.round}` : `round-${roundParam}`}`;
  if (format === 'csv') {
    sendText(res, 200, resultsCsv(entry.tally.poll, results), {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}.csv"`,
    });
  } else {
    sendJson(res, 200, resultsJson(entry.tally.poll, results));
  }
}

function newPoll(body: Record<string, unknown>): NewPoll {
  const { id, question, options, policy, correct } = body;
  if (correct !== undefined && correct !== null && typeof correct !== 'string') throw new InvalidPollError('correct must be the id of one of the options');
  if (id !== undefined && typeof id !== 'string') throw new InvalidPollError('id must be text');
  if (typeof question !== 'string') throw new InvalidPollError('a question is needed');
  if (!Array.isArray(options)) throw new InvalidPollError('options must be a list');
  if (policy !== undefined && !isPolicy(policy)) throw new InvalidPollError('policy must be one-per-voter, last-wins or every-press');
  for (const option of options) {
    const ok = typeof option === 'string' || (option !== null && typeof option === 'object' && !Array.isArray(option));
    if (!ok) throw new InvalidPollError('each option must be an id or {id, label}');
  }
  return {
    ...(id === undefined ? {} : { id }),
    question,
    options: options as NewPoll['options'],
    ...(policy === undefined ? {} : { policy }),
    ...(typeof correct === 'string' ? { correct } : {}),
  };
}

function decodeLevel(level: string): string {
  try {
    return decodeURIComponent(level);
  } catch {
    throw new AdminRequestError(400, `bad URL encoding in ${JSON.stringify(level)}`);
  }
}

function allow(method: string, expected: string): void {
  if (method !== expected) throw new AdminRequestError(405, `use ${expected} here`);
}

function authorised(req: IncomingMessage, ctx: AdminApiContext): 'bearer' | 'session' | null {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (match === null) return ctx.sessions.verify(sessionCookie(req)) === null ? null : 'session';
  // Compare digests: equal length, constant time, whatever the caller sent.
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(match[1] as string), digest(ctx.token)) ? 'bearer' : null;
}

/** A one-time sign-in link for the teacher's page; the token rides in the fragment, which no request or log carries. */
function signInLink(req: IncomingMessage, ctx: AdminApiContext): { url: string; expiresAt: number } {
  const { token, expiresAt } = ctx.sessions.mintLink();
  const base = ctx.publicUrl ?? `http://${req.headers.host ?? 'localhost'}`;
  return { url: signInUrl(base, token), expiresAt };
}

export function signInUrl(base: string, token: string): string {
  return `${base.replace(/\/+$/, '')}/prof#signin=${token}`;
}
