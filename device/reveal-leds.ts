import type { Logger } from '../runtime/logger.js';
import type { Poll } from '../shared/poll.js';
import type { VoteAction } from './config.js';

/** A button as the agent knows it: its press action, and how to light its LED. */
export interface RevealButton {
  readonly id: string;
  readonly press: VoteAction | null;
  /** Plays the `correct` pattern on the button's LED; a no-op for a button without one. */
  readonly light: () => void;
}

export interface RevealLedsContext {
  readonly buttons: readonly RevealButton[];
  readonly logger: Logger;
}

/** Whether a button's press votes for `correct` in `poll`: by option id, or by its position in the options. */
export function votesFor(action: VoteAction | null, poll: Poll, correct: string): boolean {
  if (action === null) return false;
  if (typeof action.vote === 'string') return action.vote === correct;
  return poll.options[action.vote - 1]?.id === correct;
}

/**
 * When the teacher reveals the answer (SPEC §5, docs/device.md), the LED of the
 * button(s) that vote for it plays the `correct` pattern, once per reveal: the
 * retained poll sent again after a reconnect does not replay it.
 */
export class RevealLeds {
  private shownKey: string | null = null;

  constructor(private readonly ctx: RevealLedsContext) {}

  /** The poll the box shows now (PollTracker.shown); lights the correct button when it carries a new reveal. */
  take(poll: Poll | null): void {
    if (poll === null || poll.correct === undefined) {
      // Hidden again (opened again, reset): the next reveal of this poll shows.
      if (poll !== null && this.shownKey?.startsWith(`${poll.id}\n`) === true) this.shownKey = null;
      return;
    }
    const key = `${poll.id}\n${poll.openedAt ?? ''}\n${poll.correct}`;
    if (key === this.shownKey) return;
    this.shownKey = key;
    const correct = poll.correct;
    const lit = this.ctx.buttons.filter((b) => votesFor(b.press, poll, correct));
    for (const button of lit) button.light();
    this.ctx.logger.info(`poll ${poll.id}: the correct answer is ${correct}`, { buttons: lit.map((b) => b.id).join(' ') || 'none' });
  }
}
