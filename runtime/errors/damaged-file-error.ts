import { ClassroomError } from '../../shared/errors/classroom-error.js';

/**
 * A data file (the hub's database, a device's outbox) is damaged. Restarting cannot
 * help: the CLI exits with DAMAGED_FILE_EXIT_CODE, which the systemd units do not
 * restart on (RestartPreventExitStatus), and the message says how to recover.
 */
export class DamagedFileError extends ClassroomError {
  override readonly name = 'DamagedFileError';

  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The exit code of a damaged file (2 is a configuration mistake, 1 a bug). */
export const DAMAGED_FILE_EXIT_CODE = 3;
