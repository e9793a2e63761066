import { ClassroomError } from '../../shared/errors/classroom-error.js';

/** The database cannot be opened or written. */
export class StoreError extends ClassroomError {
  override readonly name = 'StoreError';
}
