import { ClassroomError } from '../../shared/errors/classroom-error.js';

/** A name given to `chat mute` that no chat message can carry. */
export class InvalidChatNameError extends ClassroomError {
  override readonly name = 'InvalidChatNameError';

  constructor(
    readonly chatName: string,
    problem: string,
  ) {
    super(`${JSON.stringify(chatName.slice(0, 80))} is not a chat name: ${problem}. Give the name as the chat page shows it.`);
  }
}
