import type { RejectReason } from '../../shared/codecs/rejection.js';
import type { Poll } from '../../shared/poll.js';

/** A vote that counted, as stored. */
export interface VoteRow {
  readonly pollId: string;
  readonly round: number;
  readonly voteId: string | null;
  readonly option: string;
  readonly voter: string | null;
  readonly source: string;
  readonly ts: number;
  readonly receivedAt: number;
  /** The tally's seq right after this vote (keeps seq growing across restarts). */
  readonly seq: number;
  /** The team a box's vote carried (quiz mode); absent or null for none. */
  readonly team?: string | null;
}

/** A refused vote, as stored. `pollId` is null when no poll could take it. */
export interface RejectionRow {
  readonly pollId: string | null;
  readonly round: number | null;
  readonly voteId: string | null;
  readonly voter: string | null;
  readonly reason: RejectReason;
  readonly detail: string;
  readonly topic: string;
  readonly receivedAt: number;
  readonly seq: number | null;
}

export interface PollRow {
  readonly poll: Poll;
  /** The current round; a reset starts the next one. */
  readonly round: number;
  readonly createdAt: number;
  /** The snapshot seq at the last poll change. */
  readonly seq: number;
  /** The correct option's id (the answer key), or null; `poll.correct` is set only once revealed. */
  readonly answer: string | null;
}

export interface RoundRow {
  readonly pollId: string;
  readonly round: number;
  readonly startedAt: number;
  /** When a reset archived it; null for the current round. */
  readonly archivedAt: number | null;
}
