import { describe, expect, it } from 'vitest';
import { AdminRequestError } from '../../../server/errors/admin-request-error.js';
import { InvalidPollError, PollExistsError, PollNotFoundError } from '../../../server/errors/poll-errors.js';
import { StoreError } from '../../../server/errors/store-error.js';
import { httpStatusOf } from '../../../server/http/error-status.js';
import { ClassroomError } from '../../../shared/errors/classroom-error.js';
import { InvalidIdError } from '../../../shared/errors/invalid-id-error.js';

describe('httpStatusOf', () => {
  it('takes the status an error class carries', () => {
    expect(httpStatusOf(new PollNotFoundError('p'))).toBe(404);
    expect(httpStatusOf(new PollExistsError('p'))).toBe(409);
    expect(httpStatusOf(new InvalidPollError('no options'))).toBe(400);
    expect(httpStatusOf(new AdminRequestError(415, 'send JSON'))).toBe(415);
    expect(httpStatusOf(new AdminRequestError(405, 'use POST'))).toBe(405);
    // A backup that cannot be written (POST /api/backup) is the hub's fault.
    expect(httpStatusOf(new StoreError('x'))).toBe(503);
  });

  it('answers 400 for any other of our errors: a mistake in the request', () => {
    expect(httpStatusOf(new ClassroomError('x'))).toBe(400);
    expect(httpStatusOf(new InvalidIdError('poll id', 'a b', 'no spaces'))).toBe(400);
  });

  it('has no status for an error it does not expect (the server answers 500)', () => {
    expect(httpStatusOf(new Error('bug'))).toBeNull();
    expect(httpStatusOf(new TypeError('bug'))).toBeNull();
    expect(httpStatusOf('a string')).toBeNull();
    expect(httpStatusOf({ httpStatus: 404, message: 'not ours' })).toBeNull();
  });
});
