import type { IncomingMessage, ServerResponse } from 'node:http';
import { lessonToCsv, validateLesson } from '../../shared/lesson.js';
import { AdminRequestError } from '../errors/admin-request-error.js';
import { InvalidLessonError } from '../errors/lesson-errors.js';
import type { LessonService, LessonSummary } from '../polls/lesson-service.js';
import { readJson } from './read-json.js';
import { sendJson, sendText } from './security-headers.js';

/**
 * `/api/lessons…` (docs/server.md): list, import (JSON; the CLI and the page turn
 * a CSV file into it with shared/lesson.ts), edit (PUT), export as JSON or CSV, next, previous.
 */
export async function routeLessons(req: IncomingMessage, res: ServerResponse, parts: readonly string[], lessons: LessonService): Promise<void> {
  const method = req.method ?? 'GET';
  const [lessonId, action, extra] = parts;
  if (extra !== undefined) throw new AdminRequestError(404, 'no such lesson endpoint');
  if (lessonId === undefined || lessonId === '') {
    if (method === 'GET') {
      sendJson(res, 200, { lessons: lessons.list() });
      return;
    }
    allow(method, 'POST');
    const draft = validateLesson(await readJson(req));
    if (!draft.ok) throw new InvalidLessonError(draft.detail);
    sendJson(res, 201, lessons.create(draft.value));
    return;
  }
  if (action === undefined) {
    if (method === 'PUT') {
      const draft = validateLesson(await readJson(req));
      if (!draft.ok) throw new InvalidLessonError(draft.detail);
      sendJson(res, 200, lessons.update(lessonId, draft.value));
      return;
    }
    allow(method, 'GET');
    sendJson(res, 200, lessons.get(lessonId));
    return;
  }
  switch (action) {
    case 'next':
    case 'previous':
      allow(method, 'POST');
      sendJson(res, 200, lessons[action](lessonId));
      return;
    case 'export.csv':
      allow(method, 'GET');
      sendText(res, 200, lessonCsv(lessons.get(lessonId)), {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${lessonId}.csv"`,
      });
      return;
    case 'export.json':
      allow(method, 'GET');
      sendJson(res, 200, lessonFile(lessons.get(lessonId)));
      return;
    default:
      throw new AdminRequestError(404, `no such lesson action: ${action} (next, previous, export.csv, export.json)`);
  }
}

/** The lesson as a file to import again (elsewhere, or next year): no poll state, no results. */
export function lessonFile(lesson: LessonSummary): unknown {
  return {
    title: lesson.title,
    ...(lesson.quiz ? { quiz: true } : {}),
    ...(lesson.timeBonus > 0 ? { timeBonus: lesson.timeBonus } : {}),
    questions: lesson.questions.map(({ question, options, correct, policy, seconds }) => ({ question, options, correct, policy, seconds })),
  };
}

/** The lesson's questions as CSV; a quiz keeps its `quiz` column. */
export function lessonCsv(lesson: LessonSummary): string {
  return lessonToCsv(lesson.questions, { quiz: lesson.quiz });
}

function allow(method: string, expected: string): void {
  if (method !== expected) throw new AdminRequestError(405, `use ${expected} here`);
}
