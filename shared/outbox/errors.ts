import { ClassroomError } from '../errors/classroom-error.js';

/** A vote id added twice to an outbox: ids are made unique per vote, so this is a bug in the caller. */
export class OutboxIdTakenError extends ClassroomError {
  override readonly name = 'OutboxIdTakenError';

  constructor(readonly id: string) {
    super(`The outbox already holds a vote with id ${JSON.stringify(id)}; make a new id for every vote (a re-send keeps the entry, it does not add one).`);
  }
}
