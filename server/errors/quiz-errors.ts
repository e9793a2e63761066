import { ClassroomError } from '../../shared/errors/classroom-error.js';

/** The lesson (or the poll's lesson) is not a quiz: no scores, no nicknames. */
export class NotAQuizError extends ClassroomError {
  override readonly name = 'NotAQuizError';
  readonly httpStatus = 404;

  constructor(what: string) {
    super(`${what} is not part of a quiz: mark the lesson as a quiz ("quiz": true, or a "quiz" column with yes) when importing it.`);
  }
}

/** Another phone (or a box's team) holds that name in this quiz. */
export class NicknameTakenError extends ClassroomError {
  override readonly name = 'NicknameTakenError';
  readonly httpStatus = 409;

  constructor(readonly nickname: string) {
    super(`The name ${JSON.stringify(nickname)} is already taken in this quiz: choose another one.`);
  }
}

/** A nickname that is too short, too long or holds control characters. */
export class InvalidNicknameError extends ClassroomError {
  override readonly name = 'InvalidNicknameError';
  readonly httpStatus = 400;

  constructor(problem: string) {
    super(`This nickname cannot be used: ${problem}.`);
  }
}

/** A quiz has as many nicknames as it takes (a bound on what the public endpoint may store). */
export class QuizFullError extends ClassroomError {
  override readonly name = 'QuizFullError';
  readonly httpStatus = 429;

  constructor(max: number) {
    super(`This quiz already has ${max} nicknames: play without one, or ask the teacher.`);
  }
}
