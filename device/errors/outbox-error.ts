import { ClassroomError } from '../../shared/errors/classroom-error.js';

/** The outbox file cannot be opened or written. */
export class OutboxError extends ClassroomError {
  override readonly name = 'OutboxError';

  constructor(
    readonly path: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(
      `The vote outbox ${path} ${problem}. Check that DATA_DIR is on a writable disk with free space; ` +
        'if the file is damaged, move it aside to start with an empty outbox (the votes in it are then lost).',
      options,
    );
  }
}
