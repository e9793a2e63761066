import { ClassroomError } from '../../shared/errors/classroom-error.js';

/** No poll with that id. */
export class PollNotFoundError extends ClassroomError {
  override readonly name = 'PollNotFoundError';
  readonly httpStatus = 404;

  constructor(readonly pollId: string) {
    super(`There is no poll ${JSON.stringify(pollId)}: \`mqtt-classroom poll list\` shows the polls.`);
  }
}

/** A poll with that id already exists. */
export class PollExistsError extends ClassroomError {
  override readonly name = 'PollExistsError';
  readonly httpStatus = 409;

  constructor(readonly pollId: string) {
    super(`A poll ${JSON.stringify(pollId)} already exists: choose another --id, or reset that poll to start it again.`);
  }
}

/** A poll definition that cannot be used. */
export class InvalidPollError extends ClassroomError {
  override readonly name = 'InvalidPollError';
  readonly httpStatus = 400;

  constructor(readonly problem: string) {
    super(`The poll cannot be created: ${problem}.`);
  }
}

/** A poll that was opened or got votes keeps its question, options and policy: its results would no longer mean anything. */
export class PollAskedError extends ClassroomError {
  override readonly name = 'PollAskedError';
  readonly httpStatus = 409;

  constructor(readonly pollId: string) {
    super(`Poll ${JSON.stringify(pollId)} has been asked already: its question, options and policy stay as they were; make a new question instead.`);
  }
}
