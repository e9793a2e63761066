import { ClassroomError } from './classroom-error.js';

export interface ConfigProblem {
  /** Where the problem is: an environment variable name or a dotted JSON path. */
  path: string;
  /** What is expected there, in words a user can act on. */
  message: string;
}

/**
 * Configuration that cannot be used. It carries every problem found, so the user
 * fixes them all in one go instead of one restart per typo.
 */
export class ConfigError extends ClassroomError {
  override readonly name = 'ConfigError';

  constructor(
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `${source} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n'),
    );
  }
}
