import { idProblem } from '../ids.js';
import type { TallyState } from '../tally.js';
import { type Payload, decodeText, field, parseJsonObject } from './payload.js';
import { type Decoded, type RejectReason, accept, isRejectReason, reject } from './rejection.js';

/** The retained snapshot the server publishes on `<prefix>/tally/<pollId>`. */
export interface TallySnapshot {
  readonly poll: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly total: number;
  readonly rejected: number;
  readonly rejectedBy: Readonly<Partial<Record<RejectReason, number>>>;
  readonly seq: number;
  /** Epoch milliseconds when the snapshot was taken. */
  readonly at: number;
  /** The poll's results are hidden: `counts` is empty, `total` says how many voted. */
  readonly hidden?: true;
}

export const MAX_TALLY_BYTES = 16 * 1024;

export function snapshotOf(state: TallyState, at: number): TallySnapshot {
  return {
    poll: state.poll.id,
    counts: { ...state.counts },
    total: state.total,
    rejected: state.rejected,
    rejectedBy: { ...state.rejectedBy },
    seq: state.seq,
    at,
  };
}

/**
 * What students may read of a hidden poll: how many voted, not for what. The
 * retained snapshot is replaced by this one, so no subscriber (`#` included)
 * learns the counts before the reveal.
 */
export function withoutCounts(snapshot: TallySnapshot): TallySnapshot {
  return { ...snapshot, counts: {}, hidden: true };
}

export function encodeTally(snapshot: TallySnapshot): string {
  return JSON.stringify(snapshot);
}

export function decodeTally(payload: Payload, maxBytes = MAX_TALLY_BYTES): Decoded<TallySnapshot> {
  const text = decodeText(payload, maxBytes);
  if (!text.ok) return text;
  const parsed = parseJsonObject(text.value);
  if (!parsed.ok) return parsed;
  const object = parsed.value;
  const poll = field(object, 'poll');
  const counts = field(object, 'counts');
  const rejectedBy = field(object, 'rejectedBy') ?? {};
  if (poll === undefined || counts === undefined) return reject('missing-field', 'a tally needs poll and counts');
  if (idProblem(poll) !== null) return reject('bad-id', 'poll is not a valid id');
  if (counts === null || typeof counts !== 'object' || Array.isArray(counts)) {
    return reject('bad-type', 'counts must be an object');
  }
  const cleanCounts: Record<string, number> = Object.create(null);
  for (const [key, value] of Object.entries(counts)) {
    if (idProblem(key) !== null || !isCount(value)) return reject('bad-type', 'counts must map option ids to counts');
    cleanCounts[key] = value;
  }
  const cleanRejectedBy: Partial<Record<RejectReason, number>> = Object.create(null);
  if (rejectedBy === null || typeof rejectedBy !== 'object' || Array.isArray(rejectedBy)) {
    return reject('bad-type', 'rejectedBy must be an object');
  }
  for (const [key, value] of Object.entries(rejectedBy)) {
    if (isRejectReason(key) && isCount(value)) cleanRejectedBy[key] = value;
  }
  const numbers = ['total', 'rejected', 'seq', 'at'].map((name) => field(object, name) ?? 0);
  if (!numbers.every(isCount)) return reject('bad-type', 'total, rejected, seq and at must be counts');
  const [total, rejected, seq, at] = numbers as [number, number, number, number];
  const hidden = field(object, 'hidden') === true;
  return accept({ poll: poll as string, counts: hidden ? {} : cleanCounts, total, rejected, rejectedBy: cleanRejectedBy, seq, at, ...(hidden ? { hidden: true as const } : {}) });
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
