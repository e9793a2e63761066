import { ClassroomError } from './classroom-error.js';

/** An id (poll, voter, device, chat name, option) that cannot be used in a topic. */
export class InvalidIdError extends ClassroomError {
  override readonly name = 'InvalidIdError';

  constructor(
    readonly what: string,
    readonly value: string,
    readonly problem: string,
  ) {
    super(`Invalid ${what} ${JSON.stringify(value)}: ${problem}`);
  }
}
