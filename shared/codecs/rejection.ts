/**
 * Why a message was refused. Stable strings: they travel in receipts and tally
 * snapshots, and the docs list them.
 */
export const REJECT_REASONS = [
  'too-large',
  'not-utf8',
  'empty',
  'bad-json',
  'bad-type',
  'missing-field',
  'bad-id',
  'unknown-option',
  'unknown-poll',
  'poll-closed',
  'already-voted',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface Rejection {
  readonly ok: false;
  readonly reason: RejectReason;
  /** A human explanation, safe to log (never echoes more than a short excerpt). */
  readonly detail: string;
}

export interface Accepted<T> {
  readonly ok: true;
  readonly value: T;
}

export type Decoded<T> = Accepted<T> | Rejection;

export function reject(reason: RejectReason, detail: string): Rejection {
  return { ok: false, reason, detail };
}

export function accept<T>(value: T): Accepted<T> {
  return { ok: true, value };
}

export function isRejectReason(value: unknown): value is RejectReason {
  return typeof value === 'string' && (REJECT_REASONS as readonly string[]).includes(value);
}
