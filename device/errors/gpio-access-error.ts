import { ClassroomError } from '../../shared/errors/classroom-error.js';

/**
 * A GPIO pin that cannot be opened. The message names the pin (BCM and sysfs
 * number) and what to do, since "EACCES" alone sends people searching forums.
 */
export class GpioAccessError extends ClassroomError {
  override readonly name = 'GpioAccessError';

  constructor(
    readonly pins: readonly number[],
    readonly problem: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(`GPIO ${pins.map((p) => `BCM ${p}`).join(', ')}: ${problem}. ${fix}`, options);
  }
}
