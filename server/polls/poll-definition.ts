/**
 * A poll's definition as the admin API, the CLI and lessons give it, checked into
 * a Poll (the shared codec's rules) with errors that say what to fix.
 */
import { validatePoll } from '../../shared/codecs/poll.js';
import { type Poll, type PollOption, type Policy, hasOption } from '../../shared/poll.js';
import { InvalidPollError } from '../errors/poll-errors.js';

export interface NewPoll {
  /** Generated when absent. */
  id?: string;
  question: string;
  /** `{id, label}`, or a bare id used as its own label. */
  options: readonly (PollOption | string)[];
  policy?: Policy;
  /** The correct option's id, kept on the hub until revealed; absent or null for none. */
  correct?: string | null;
}

/** `base` with the question, options and policy of `input`, checked (a new poll: closed, never opened). */
export function definePoll(base: Poll, input: Omit<NewPoll, 'id'>): Poll {
  const options = input.options.map((o) => (typeof o === 'string' ? { id: o, label: o } : o));
  const checked = validatePoll({ ...base, question: input.question, options, policy: input.policy ?? base.policy });
  if (!checked.ok) throw new InvalidPollError(checked.detail);
  return checked.value;
}

/** A poll that was never defined: closed, never opened, every-press unless told. */
export function blankPoll(id: string): Poll {
  return { id, question: '', options: [], policy: 'every-press', state: 'closed', openedAt: null };
}

/** Whether two definitions ask the same thing (question, options, policy). */
export function sameDefinition(a: Poll, b: Poll): boolean {
  return a.question === b.question && a.policy === b.policy && JSON.stringify(a.options) === JSON.stringify(b.options);
}

export function checkAnswer(poll: Poll, answer: string): void {
  if (!hasOption(poll, answer)) {
    throw new InvalidPollError(`the correct answer ${JSON.stringify(answer)} is none of the options of poll ${poll.id} (${poll.options.map((o) => o.id).join(', ')})`);
  }
}
