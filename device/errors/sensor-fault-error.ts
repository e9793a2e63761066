import { ClassroomError } from '../../shared/errors/classroom-error.js';

/**
 * A temperature reading that cannot be trusted or made. The bread monitor logs it
 * once when the fault starts and carries on: a missing probe must not stop the
 * buttons.
 */
export class SensorFaultError extends ClassroomError {
  override readonly name = 'SensorFaultError';

  constructor(
    readonly sensor: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${sensor}: ${problem}`, options);
  }
}
