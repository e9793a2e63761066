import { ClassroomError } from '../../shared/errors/classroom-error.js';

/** The database cannot be opened or written. */
export class StoreError extends ClassroomError {
  override readonly name = 'StoreError';
  /** Over the admin API (a backup that cannot be written): the hub's fault, not the request's. */
  readonly httpStatus = 503;
}
