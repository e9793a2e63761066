import { ClassroomError } from '../../shared/errors/classroom-error.js';

export class PortInUseError extends ClassroomError {
  override readonly name = 'PortInUseError';

  constructor(
    readonly what: string,
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(
      `Port ${port} (${what}) is already in use: stop the program using it ` +
        `(\`ss -ltnp | grep :${port}\` shows which) or choose another port.`,
      options,
    );
  }
}
