import { randomBytes } from 'node:crypto';
import { validatePoll } from '../../shared/codecs/poll.js';
import type { LessonDraft, LessonQuestion } from '../../shared/lesson.js';
import type { Poll } from '../../shared/poll.js';
import type { Clock } from '../../runtime/clock.js';
import type { Logger } from '../../runtime/logger.js';
import { InvalidLessonError, LessonAskedError, LessonEndError, LessonExistsError, LessonNotFoundError } from '../errors/lesson-errors.js';
import type { LessonRow, LessonStore } from '../store/lesson-store.js';
import type { PollBook } from '../tally/poll-book.js';
import type { PollService } from './poll-service.js';

export interface LessonQuestionSummary extends LessonQuestion {
  readonly position: number;
  readonly pollId: string;
  readonly state: Poll['state'];
  readonly total: number;
}

/** A stored lesson (`current`: the question being run, null before the first "next") with its questions. */
export interface LessonSummary extends LessonRow {
  readonly questions: readonly LessonQuestionSummary[];
}

export interface LessonServiceContext {
  store: LessonStore;
  polls: PollService;
  book: PollBook;
  clock: Clock;
  logger: Logger;
}

/**
 * Lessons: each question is a poll (`<lesson>-1`, `<lesson>-2`, …) made closed
 * at import, so the kiosk and the vote page follow a lesson the way they follow
 * any poll. "Next" closes the current question and opens the next one.
 */
export class LessonService {
  constructor(private readonly ctx: LessonServiceContext) {}

  list(): LessonSummary[] {
    return this.ctx.store.list().map((row) => this.get(row.id));
  }

  get(lessonId: string): LessonSummary {
    const row = this.ctx.store.get(lessonId);
    if (row === undefined) throw new LessonNotFoundError(lessonId);
    const questions = this.ctx.store.questions(lessonId).map((q) => {
      const summary = this.ctx.polls.get(q.pollId);
      const { question, options, policy, state } = summary.poll;
      return { position: q.position, pollId: q.pollId, question, options, policy, state, correct: q.correct, seconds: q.seconds, total: summary.tally.total };
    });
    return { ...row, questions };
  }

  create(draft: LessonDraft): LessonSummary {
    const id = draft.id ?? this.freshId();
    const pollIds = draft.questions.map((_, index) => `${id}-${index + 1}`);
    if (this.ctx.store.get(id) !== undefined || pollIds.some((p) => this.ctx.book.get(p) !== undefined)) throw new LessonExistsError(id);
    // Every poll is checked before the first is made: a bad question leaves nothing half imported.
    this.checkPolls(draft, pollIds);
    for (const [index, q] of draft.questions.entries()) {
      this.ctx.polls.create({ id: pollIds[index] as string, question: q.question, options: [...q.options], policy: q.policy, correct: q.correct });
    }
    this.ctx.store.insert(
      { id, title: draft.title, createdAt: this.ctx.clock.now(), current: null, quiz: draft.quiz === true, timeBonus: draft.timeBonus ?? 0 },
      draft.questions.map((q, position) => ({ position, pollId: pollIds[position] as string, correct: q.correct, seconds: q.seconds })),
    );
    this.ctx.logger.info('lesson imported', { lesson: id, questions: draft.questions.length });
    return this.get(id);
  }

  /**
   * Edits a lesson (the teacher's page): its title, and its questions by position.
   * A question already asked (opened, or with votes) keeps its text, options and
   * policy, or its results would no longer mean anything; its correct answer and
   * countdown may change. A question never asked may change in every way or be
   * dropped (its poll stays, closed and never asked: nothing is ever deleted); new
   * questions become new polls. Every check runs before the first change.
   */
  update(lessonId: string, draft: LessonDraft): LessonSummary {
    const existing = this.get(lessonId).questions;
    for (const [index, old] of existing.entries()) {
      if (!this.ctx.polls.asked(old.pollId)) continue;
      const next = draft.questions[index];
      if (next === undefined || !sameDefinition(old, next)) throw new LessonAskedError(lessonId, index + 1);
    }
    const taken = new Set(existing.map((q) => q.pollId));
    const pollIds = draft.questions.map((_, index) => existing[index]?.pollId ?? this.freePollId(lessonId, taken));
    this.checkPolls(draft, pollIds);
    for (const [index, q] of draft.questions.entries()) {
      const pollId = pollIds[index] as string;
      const definition = { question: q.question, options: [...q.options], policy: q.policy };
      if (existing[index] === undefined) this.ctx.polls.create({ id: pollId, ...definition });
      else this.ctx.polls.redefine(pollId, definition);
    }
    this.ctx.store.update(
      lessonId,
      draft.title,
      draft.questions.map((q, position) => ({ position, pollId: pollIds[position] as string, correct: q.correct, seconds: q.seconds })),
    );
    this.ctx.logger.info('lesson edited', { lesson: lessonId, questions: draft.questions.length });
    return this.get(lessonId);
  }

  /** Closes the current question and opens the next one. */
  next(lessonId: string): LessonSummary {
    return this.step(lessonId, +1);
  }

  /** Closes the current question and opens the one before. */
  previous(lessonId: string): LessonSummary {
    return this.step(lessonId, -1);
  }

  private step(lessonId: string, by: 1 | -1): LessonSummary {
    const lesson = this.get(lessonId);
    const from = lesson.current;
    const to = from === null ? (by === 1 ? 0 : -1) : from + by;
    const target = lesson.questions[to];
    if (target === undefined) throw new LessonEndError(lessonId, by === 1 ? 'next' : 'previous');
    if (from !== null) {
      const current = lesson.questions[from];
      if (current !== undefined && current.state === 'open') this.ctx.polls.close(current.pollId);
    }
    this.ctx.store.setCurrent(lessonId, to);
    // The question's correct answer goes with it (lessons stored before answers were kept on polls had it here only).
    if (target.correct !== null && this.ctx.polls.get(target.pollId).answer === null) this.ctx.polls.setAnswer(target.pollId, target.correct);
    this.ctx.polls.open(target.pollId, target.seconds === null ? {} : { seconds: target.seconds });
    this.ctx.logger.info('lesson question opened', { lesson: lessonId, question: to + 1 });
    return this.get(lessonId);
  }

  private checkPolls(draft: LessonDraft, pollIds: readonly string[]): void {
    for (const [index, q] of draft.questions.entries()) {
      const checked = validatePoll({ id: pollIds[index], question: q.question, options: q.options, policy: q.policy, state: 'closed', openedAt: null });
      if (!checked.ok) throw new InvalidLessonError(`question ${index + 1}: ${checked.detail}`);
    }
  }

  /** `<lesson>-<n>` for the first n no poll has. */
  private freePollId(lessonId: string, taken: Set<string>): string {
    for (let n = taken.size + 1; ; n += 1) {
      const id = `${lessonId}-${n}`;
      if (!taken.has(id) && this.ctx.book.get(id) === undefined) {
        taken.add(id);
        return id;
      }
    }
  }

  private freshId(): string {
    for (;;) {
      const id = `lesson-${randomBytes(3).toString('hex')}`;
      if (this.ctx.store.get(id) === undefined) return id;
    }
  }
}

function sameDefinition(a: LessonQuestion, b: LessonQuestion): boolean {
  return a.question === b.question && a.policy === b.policy && JSON.stringify(a.options) === JSON.stringify(b.options);
}
