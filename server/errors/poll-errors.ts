import { ClassroomError } from '../../shared/errors/classroom-error.js';

/** No poll with that id (admin API: 404). */
export class PollNotFoundError extends ClassroomError {
  override readonly name = 'PollNotFoundError';

  constructor(readonly pollId: string) {
    super(`There is no poll ${JSON.stringify(pollId)}: \`mqtt-classroom poll list\` shows the polls.`);
  }
}

/** A poll with that id already exists (admin API: 409). */
export class PollExistsError extends ClassroomError {
  override readonly name = 'PollExistsError';

  constructor(readonly pollId: string) {
    super(`A poll ${JSON.stringify(pollId)} already exists: choose another --id, or reset that poll to start it again.`);
  }
}

/** A poll definition that cannot be used (admin API: 400). */
export class InvalidPollError extends ClassroomError {
  override readonly name = 'InvalidPollError';

  constructor(readonly problem: string) {
    super(`The poll cannot be created: ${problem}.`);
  }
}
