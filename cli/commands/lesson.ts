import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { loadAdminEnv } from '../../runtime/env.js';
import { ClassroomError } from '../../shared/errors/classroom-error.js';
import { type LessonResult, lessonFromCsv, validateLesson } from '../../shared/lesson.js';
import { adminClientFromConfig } from '../../server/admin-client.js';
import type { LessonSummary } from '../../server/polls/lesson-service.js';
import type { CliContext } from '../main.js';

/** A lesson file or argument that cannot be used; the message names the file and the row. */
export class LessonUsageError extends ClassroomError {
  override readonly name = 'LessonUsageError';
}

interface Common {
  server?: string;
}

function client(ctx: CliContext, options: Common) {
  return adminClientFromConfig(loadAdminEnv({ env: ctx.env }), options.server === undefined ? {} : { serverUrl: options.server });
}

/** `lesson import FILE`: a .json lesson, or a .csv one (question, options, correct, policy, seconds). */
export async function lessonImport(file: string, options: Common & { title?: string; id?: string }, ctx: CliContext): Promise<void> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new LessonUsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const draft = readLessonFile(file, text, options);
  if (!draft.ok) throw new LessonUsageError(`${file}: ${draft.detail}`);
  const lesson = await client(ctx, options).importLesson(draft.value);
  ctx.stdout(`imported lesson ${lesson.id} (${lesson.questions.length} questions): ${lesson.title}\n`);
  ctx.stdout(`run it from the teacher's page /prof, or: mqtt-classroom lesson next ${lesson.id}\n`);
}

export function readLessonFile(file: string, text: string, options: { title?: string; id?: string }): LessonResult {
  const id = options.id === undefined ? {} : { id: options.id };
  if (extname(file).toLowerCase() === '.csv') {
    return lessonFromCsv(text, options.title ?? basename(file, extname(file)), options.id);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, detail: 'is neither a .csv file nor valid JSON' };
  }
  const body = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
  return validateLesson({ ...body, ...id, ...(options.title === undefined ? {} : { title: options.title }) });
}

export async function lessonExport(id: string, options: Common & { format: string; output?: string }, ctx: CliContext): Promise<void> {
  if (options.format !== 'csv' && options.format !== 'json') throw new LessonUsageError('--format must be csv or json.');
  const raw = await client(ctx, options).exportLesson(id, options.format);
  const text = options.format === 'json' ? `${JSON.stringify(JSON.parse(raw), null, 2)}\n` : raw;
  if (options.output === undefined) {
    ctx.stdout(text);
    return;
  }
  writeFileSync(options.output, text);
  ctx.stdout(`lesson ${id} written to ${options.output}\n`);
}

export async function lessonList(options: Common & { json?: boolean }, ctx: CliContext): Promise<void> {
  const lessons = await client(ctx, options).listLessons();
  if (options.json === true) {
    ctx.stdout(`${JSON.stringify(lessons, null, 2)}\n`);
    return;
  }
  if (lessons.length === 0) {
    ctx.stdout('no lessons yet: mqtt-classroom lesson import lesson.csv\n');
    return;
  }
  ctx.stdout(lessons.map(line).join(''));
}

export async function lessonStep(step: 'next' | 'previous', id: string, options: Common, ctx: CliContext): Promise<void> {
  const lesson = await client(ctx, options).stepLesson(id, step);
  const current = lesson.current === null ? null : lesson.questions[lesson.current];
  ctx.stdout(current === undefined || current === null ? `lesson ${id}\n` : `lesson ${id}: question ${current.position + 1}/${lesson.questions.length} open (${current.pollId}): ${current.question}\n`);
}

function line(lesson: LessonSummary): string {
  const at = lesson.current === null ? 'not started' : `question ${lesson.current + 1}/${lesson.questions.length}`;
  return `${lesson.id}  ${lesson.questions.length} questions, ${at}  ${lesson.title}\n`;
}
