import { ClassroomError } from '../../shared/errors/classroom-error.js';

/** No lesson with that id. */
export class LessonNotFoundError extends ClassroomError {
  override readonly name = 'LessonNotFoundError';
  readonly httpStatus = 404;

  constructor(readonly lessonId: string) {
    super(`There is no lesson ${JSON.stringify(lessonId)}: \`mqtt-classroom lesson list\` shows the lessons.`);
  }
}

/** A lesson with that id (or one of its question's poll ids) already exists. */
export class LessonExistsError extends ClassroomError {
  override readonly name = 'LessonExistsError';
  readonly httpStatus = 409;

  constructor(readonly lessonId: string) {
    super(`A lesson ${JSON.stringify(lessonId)} (or a poll of that name) already exists: import it under another id, or leave the id out.`);
  }
}

/** A lesson file or body that cannot be used; the message names the row or field. */
export class InvalidLessonError extends ClassroomError {
  override readonly name = 'InvalidLessonError';
  readonly httpStatus = 400;

  constructor(readonly problem: string) {
    super(`The lesson cannot be imported: ${problem}.`);
  }
}

/** "Next" after the last question, or "previous" before the first. */
export class LessonEndError extends ClassroomError {
  override readonly name = 'LessonEndError';
  readonly httpStatus = 409;

  constructor(lessonId: string, which: 'next' | 'previous') {
    super(which === 'next' ? `Lesson ${lessonId} has no next question: it was the last one.` : `Lesson ${lessonId} has no previous question.`);
  }
}

/** An edit that would change or drop a question already asked. */
export class LessonAskedError extends ClassroomError {
  override readonly name = 'LessonAskedError';
  readonly httpStatus = 409;

  constructor(lessonId: string, position: number) {
    super(
      `Question ${position} of lesson ${lessonId} has been asked already: keep its text, options and policy (its correct answer and countdown may change), and add new questions after it instead.`,
    );
  }
}
