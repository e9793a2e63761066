import { ClassroomError } from '../../shared/errors/classroom-error.js';

/** A Firmata board that cannot be reached or did not finish its handshake in time. */
export class BoardError extends ClassroomError {
  override readonly name = 'BoardError';

  constructor(
    readonly board: string,
    /** `host:port` or the serial path. */
    readonly where: string,
    readonly problem: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(`Firmata board "${board}" at ${where}: ${problem}. ${fix}`, options);
  }
}
