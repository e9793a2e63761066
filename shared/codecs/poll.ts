import { idProblem } from '../ids.js';
import {
  type Poll,
  type PollOption,
  MAX_LABEL_LENGTH,
  MAX_OPTIONS,
  MAX_QUESTION_LENGTH,
  OPEN_POLL_ID,
  POLL_STATES,
  isPolicy,
} from '../poll.js';
import { type Payload, decodeText, field, parseJsonObject } from './payload.js';
import { type Decoded, accept, reject } from './rejection.js';

/** Polls carry labels and a question: allow more than a vote's 1 KiB. */
export const MAX_POLL_BYTES = 16 * 1024;

export function encodePoll(poll: Poll): string {
  return JSON.stringify({
    id: poll.id,
    question: poll.question,
    options: poll.options.map((o) => ({ id: o.id, label: o.label })),
    policy: poll.policy,
    state: poll.state,
    openedAt: poll.openedAt,
    ...(poll.hidden === true ? { hidden: true } : {}),
    ...(poll.deadline === undefined ? {} : { deadline: poll.deadline }),
    ...(poll.correct === undefined ? {} : { correct: poll.correct }),
  });
}

export function decodePoll(payload: Payload, maxBytes = MAX_POLL_BYTES): Decoded<Poll> {
  const text = decodeText(payload, maxBytes);
  if (!text.ok) return text;
  const parsed = parseJsonObject(text.value);
  if (!parsed.ok) return parsed;
  return validatePoll(parsed.value);
}

/** Checks an untrusted object (wire or admin API) and returns a clean Poll. */
export function validatePoll(object: Record<string, unknown>): Decoded<Poll> {
  const id = field(object, 'id');
  const question = field(object, 'question');
  const options = field(object, 'options');
  const policy = field(object, 'policy');
  const state = field(object, 'state') ?? 'closed';
  const openedAt = field(object, 'openedAt') ?? null;
  const hidden = field(object, 'hidden') ?? false;
  if (typeof hidden !== 'boolean') return reject('bad-type', 'hidden must be true or false');
  const deadline = field(object, 'deadline') ?? null;
  if (deadline !== null && (typeof deadline !== 'number' || !Number.isSafeInteger(deadline) || deadline < 0)) {
    return reject('bad-type', 'deadline must be a time in milliseconds');
  }
  const correct = field(object, 'correct') ?? null;
  if (correct !== null && typeof correct !== 'string') return reject('bad-type', 'correct must be the id of one of the options');
  if (id === undefined || question === undefined || options === undefined || policy === undefined) {
    return reject('missing-field', 'a poll needs id, question, options and policy');
  }
  const idIssue = idProblem(id);
  if (idIssue !== null) return reject('bad-id', `poll id: ${idIssue}`);
  if ((id as string).startsWith('@')) return reject('bad-id', `poll id ${String(id)}: ids starting with @ are reserved (${OPEN_POLL_ID} means "the poll open when pressed")`);
  if (typeof question !== 'string' || question.trim().length === 0 || question.length > MAX_QUESTION_LENGTH) {
    return reject('bad-type', `question must be non-empty text of at most ${MAX_QUESTION_LENGTH} characters`);
  }
  if (!isPolicy(policy)) return reject('bad-type', 'policy must be one-per-voter, last-wins or every-press');
  if (typeof state !== 'string' || !(POLL_STATES as readonly string[]).includes(state)) {
    return reject('bad-type', 'state must be open or closed');
  }
  if (openedAt !== null && (typeof openedAt !== 'number' || !Number.isFinite(openedAt))) {
    return reject('bad-type', 'openedAt must be a number or null');
  }
  if (!Array.isArray(options) || options.length < 2 || options.length > MAX_OPTIONS) {
    return reject('bad-type', `options must be a list of 2 to ${MAX_OPTIONS} options`);
  }
  const clean: PollOption[] = [];
  for (const [index, raw] of options.entries()) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      return reject('bad-type', `option ${index + 1} must be an object with id and label`);
    }
    const optionId = field(raw as Record<string, unknown>, 'id');
    const label = field(raw as Record<string, unknown>, 'label') ?? optionId;
    const problem = idProblem(optionId);
    if (problem !== null) return reject('bad-id', `option ${index + 1} id: ${problem}`);
    if (typeof label !== 'string' || label.length === 0 || label.length > MAX_LABEL_LENGTH) {
      return reject('bad-type', `option ${index + 1} label must be text of 1 to ${MAX_LABEL_LENGTH} characters`);
    }
    if (clean.some((o) => o.id === optionId)) return reject('bad-id', `option id ${String(optionId)} appears twice`);
    clean.push({ id: optionId as string, label });
  }
  if (correct !== null && !clean.some((o) => o.id === correct)) return reject('unknown-option', `correct ${JSON.stringify(correct)} is none of the options`);
  return accept({
    id: id as string,
    question: question.trim(),
    options: clean,
    policy,
    state: state as Poll['state'],
    openedAt: openedAt as number | null,
    ...(hidden ? { hidden: true } : {}),
    ...(deadline === null ? {} : { deadline: deadline as number }),
    ...(correct === null ? {} : { correct: correct as string }),
  });
}
