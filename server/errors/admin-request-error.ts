import { ClassroomError } from '../../shared/errors/classroom-error.js';

/**
 * A request the admin API cannot serve as sent (no such endpoint, wrong method,
 * a body that is not JSON, ...): the status and message go back to the caller.
 */
export class AdminRequestError extends ClassroomError {
  override readonly name = 'AdminRequestError';

  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
}
