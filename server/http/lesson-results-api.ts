import type { ServerResponse } from 'node:http';
import { AdminRequestError } from '../errors/admin-request-error.js';
import { EXPORT_FORMATS, type ExportFormat, type RoundChoice, resultsCsv, resultsJson, roundResults } from '../polls/export.js';
import type { LessonService } from '../polls/lesson-service.js';
import type { PollStore } from '../store/poll-store.js';
import type { VoteLog } from '../store/vote-log.js';
import type { PollBook } from '../tally/poll-book.js';
import { sendJson, sendText } from './security-headers.js';

export interface LessonResultsContext {
  lessons: LessonService;
  book: PollBook;
  store: PollStore;
  log: VoteLog;
  now: () => number;
}

/**
 * `GET /api/lessons/<id>/results?format=csv|json&round=current|all`: every
 * question's results, the same rows as each `GET /api/polls/<id>/export` (one
 * CSV header, then each question's lines in the lesson's order).
 */
export function sendLessonResults(res: ServerResponse, url: URL, lessonId: string, ctx: LessonResultsContext): void {
  const format = (url.searchParams.get('format') ?? 'json') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new AdminRequestError(400, 'format must be csv or json');
  const round = url.searchParams.get('round') ?? 'current';
  if (round !== 'current' && round !== 'all') throw new AdminRequestError(400, 'round must be current or all for a whole lesson');
  const choice: RoundChoice = round;
  const lesson = ctx.lessons.get(lessonId);
  // The export recounts from the database: commit what is still queued first.
  ctx.log.flush();
  const questions = lesson.questions.flatMap((q) => {
    const entry = ctx.book.get(q.pollId);
    if (entry === undefined) return [];
    return [{ question: q, poll: entry.tally.poll, results: roundResults(ctx.store, entry.tally.poll, entry.round, choice, ctx.now()) }];
  });
  if (format === 'csv') {
    const [header, ...rest] = questions.map(({ poll, results }) => resultsCsv(poll, results));
    const body = header === undefined ? '' : header + rest.map((csv) => csv.slice(csv.indexOf('\r\n') + 2)).join('');
    sendText(res, 200, body, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${lesson.id}-results.csv"`,
    });
    return;
  }
  sendJson(res, 200, {
    lesson: { id: lesson.id, title: lesson.title },
    questions: questions.map(({ question, poll, results }) => ({ position: question.position, correct: question.correct, ...(resultsJson(poll, results) as object) })),
  });
}
