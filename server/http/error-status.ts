import { isClassroomError } from '../../shared/errors/classroom-error.js';

/**
 * The HTTP status of an error the admin API answers with, or null for one it does
 * not expect (a bug: the caller logs it and answers 500). An error class says its
 * own status (`readonly httpStatus = 404`); any other of our errors is a mistake in
 * the request, so 400 (an invalid id, for one).
 */
export function httpStatusOf(error: unknown): number | null {
  if (!isClassroomError(error)) return null;
  const { httpStatus } = error as { httpStatus?: unknown };
  return typeof httpStatus === 'number' ? httpStatus : 400;
}
