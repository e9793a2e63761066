/**
 * Base class of every error this project throws on purpose. The message tells the
 * user what to do; `name` is stable so callers (and tests) can branch on it without
 * parsing text. A user mistake is printed as its message alone, never as a stack.
 */
export class ClassroomError extends Error {
  override readonly name: string = 'ClassroomError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isClassroomError(value: unknown): value is ClassroomError {
  return value instanceof ClassroomError;
}
