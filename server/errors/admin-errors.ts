import { ClassroomError } from '../../shared/errors/classroom-error.js';

/** The server answered the admin API with an error. */
export class AdminApiError extends ClassroomError {
  override readonly name = 'AdminApiError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Nothing answers at SERVER_URL. */
export class ServerUnreachableError extends ClassroomError {
  override readonly name = 'ServerUnreachableError';

  constructor(
    readonly serverUrl: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Cannot reach the server at ${serverUrl}: is \`mqtt-classroom server\` running there? ` +
        'Set SERVER_URL (or --server) to where it runs.',
      options,
    );
  }
}

/** No admin token to send. */
export class MissingAdminTokenError extends ClassroomError {
  override readonly name = 'MissingAdminTokenError';

  constructor(dataDir: string) {
    super(
      `No admin token: set ADMIN_TOKEN in .env to the server's token (a server started without one saved it in ${dataDir}/admin-token).`,
    );
  }
}
