import { ClassroomError } from '../../shared/errors/classroom-error.js';

/** A cluster node could not reach the redis its cluster shares (at start-up). */
export class RedisUnreachableError extends ClassroomError {
  override readonly name = 'RedisUnreachableError';

  constructor(
    readonly where: string,
    options?: { cause?: unknown },
  ) {
    const why = options?.cause instanceof Error ? ` (${options.cause.message})` : '';
    super(
      `Cannot reach redis at ${where}${why}: start redis-server there (apt-get install -y redis-server), ` +
        'let it listen on the LAN (bind, requirepass in /etc/redis/redis.conf) or fix the --cluster URL.',
      options,
    );
  }
}
