import { InvalidIdError } from './errors/invalid-id-error.js';

/** Longest id accepted in a topic level (poll, voter, device, option, chat name). */
export const MAX_ID_LENGTH = 64;

// Letters (with combining accents: a phone may send "Zoé" decomposed) and digits
// of any script, plus a few safe
// punctuation marks. Excludes the MQTT wildcards `+` and `#`, the level separator
// `/`, whitespace, control characters and NUL, which would break or widen a topic.
const ID_PATTERN = /^[\p{L}\p{M}\p{N}_.:@-]+$/u;

/** Returns why `value` cannot be an id, or null when it can. */
export function idProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'it must be a string';
  if (value.length === 0) return 'it must not be empty';
  if (value.length > MAX_ID_LENGTH) return `it must be at most ${MAX_ID_LENGTH} characters`;
  if (value.includes('+') || value.includes('#')) return 'MQTT wildcards + and # are not allowed';
  if (value.includes('/')) return 'the topic separator / is not allowed';
  if (value.startsWith('$')) return 'it must not start with $ (reserved for broker topics)';
  if (!ID_PATTERN.test(value)) {
    return 'use letters, digits and _ . : @ - only (no spaces or control characters)';
  }
  return null;
}

export function isValidId(value: unknown): value is string {
  return idProblem(value) === null;
}

/** Throws an InvalidIdError naming `what` when `value` is not a usable id. */
export function assertId(what: string, value: string): string {
  const problem = idProblem(value);
  if (problem !== null) throw new InvalidIdError(what, value, problem);
  return value;
}
