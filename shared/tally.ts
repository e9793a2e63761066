/**
 * The tally reducer: the one place that decides whether a vote counts. The server
 * runs it on every vote (and again over the stored votes at start-up); a browser
 * runs the same code to count raw votes when no server publishes tallies.
 *
 * No I/O and no clock. Order is the caller's: votes are applied in the order the
 * hub received them (the server live, and again from its store, which keeps that
 * order; a page counting raw votes, in the order its broker delivered them). A
 * vote's own `ts` decides nothing: voters' clocks are not trusted (SPEC §5; one
 * stamped 1e308 once pinned a `last-wins` ballot). The state is mutated in place
 * for speed (a burst is tens of thousands of votes) and owned by one caller.
 */
import type { RejectReason } from './codecs/rejection.js';
import type { Vote } from './codecs/vote.js';
import { type Poll, hasOption } from './poll.js';

/** The set of vote ids already seen; the server may back it by its database. */
export interface IdSet {
  has(id: string): boolean;
  add(id: string): void;
}

/** The first reason of each refused vote id; the server shares one across a poll's rounds. */
export type RefusedIds = Map<string, RejectReason>;

interface Ballot {
  readonly id: string;
  readonly option: string;
}

export interface TallyState {
  poll: Poll;
  /** option id -> number of counted votes (null prototype: ids are untrusted). */
  readonly counts: Record<string, number>;
  total: number;
  rejected: number;
  readonly rejectedBy: Partial<Record<RejectReason, number>>;
  readonly seen: IdSet;
  /**
   * vote id -> why it was refused, for the refused ids of `seen`: a redelivery of a
   * refused vote is answered with that reason, never as if it had counted.
   */
  readonly refused: RefusedIds;
  /** voter -> the ballot that counts for them (one-per-voter and last-wins). */
  readonly ballots: Map<string, Ballot>;
  /** Bumped on every change of counts, rejections or poll: orders snapshots. */
  seq: number;
}

/**
 * `counted` means the vote is in the tally now: it added to the counts, or (last-wins)
 * it is its voter's ballot. `changed` says whether the counts moved.
 */
export type Outcome =
  | { readonly status: 'counted'; readonly changed: boolean }
  /** Already handled: it counted (`refused` absent), or it was refused for `refused` and still is not counted. */
  | { readonly status: 'duplicate'; readonly refused?: RejectReason }
  | { readonly status: 'rejected'; readonly reason: RejectReason; readonly detail: string };

export function createTally(poll: Poll, seen: IdSet = new Set<string>(), refused: RefusedIds = new Map()): TallyState {
  const counts: Record<string, number> = Object.create(null);
  for (const option of poll.options) counts[option.id] = 0;
  return { poll, counts, total: 0, rejected: 0, rejectedBy: Object.create(null), seen, refused, ballots: new Map(), seq: 0 };
}

/** What a redelivery of the already handled `voteId` is: a duplicate of a counted vote, or of a refused one (with its reason). */
export function duplicateOf(state: TallyState, voteId: string): Extract<Outcome, { status: 'duplicate' }> {
  const reason = state.refused.get(voteId);
  return reason === undefined ? { status: 'duplicate' } : { status: 'duplicate', refused: reason };
}

/** Replaces the poll definition (opened, closed); counts are kept. */
export function updatePoll(state: TallyState, poll: Poll): void {
  if (poll.id !== state.poll.id) throw new Error(`tally of ${state.poll.id} cannot take poll ${poll.id}`);
  state.poll = poll;
  for (const option of poll.options) state.counts[option.id] ??= 0;
  state.seq += 1;
}

/**
 * Counts a rejection that happened before the reducer could see a vote (a payload
 * that did not decode). With an id, a redelivery of the same payload stays one
 * rejection.
 */
export function recordRejection(state: TallyState, reason: RejectReason, voteId: string | null = null): Outcome {
  if (voteId !== null) {
    if (state.seen.has(voteId)) return duplicateOf(state, voteId);
    state.seen.add(voteId);
    state.refused.set(voteId, reason);
  }
  state.rejected += 1;
  state.rejectedBy[reason] = (state.rejectedBy[reason] ?? 0) + 1;
  state.seq += 1;
  return { status: 'rejected', reason, detail: reason };
}

export function applyVote(state: TallyState, vote: Vote): Outcome {
  if (vote.id !== null && state.seen.has(vote.id)) return duplicateOf(state, vote.id);
  const refusal = refusalOf(state, vote);
  if (refusal !== null) {
    recordRejection(state, refusal.reason, vote.id);
    return refusal;
  }
  if (vote.id !== null) state.seen.add(vote.id);

  const policy = state.poll.policy;
  // A plain-text vote has no voter to hold a ballot: it counts like a press.
  if (policy === 'every-press' || vote.voter === null || vote.id === null) {
    bump(state, vote.option, +1);
    state.total += 1;
    state.seq += 1;
    return { status: 'counted', changed: true };
  }
  const ballot = { id: vote.id, option: vote.option };
  const current = state.ballots.get(vote.voter);
  if (current === undefined) {
    state.ballots.set(vote.voter, ballot);
    bump(state, vote.option, +1);
    state.total += 1;
    state.seq += 1;
    return { status: 'counted', changed: true };
  }
  // last-wins: the vote that reached the hub last is the ballot (one-per-voter
  // refused it above). Every counted vote is thus the ballot when its receipt goes.
  state.ballots.set(vote.voter, ballot);
  if (current.option === ballot.option) return { status: 'counted', changed: false };
  bump(state, current.option, -1);
  bump(state, ballot.option, +1);
  state.seq += 1;
  return { status: 'counted', changed: true };
}

function refusalOf(state: TallyState, vote: Vote): Extract<Outcome, { status: 'rejected' }> | null {
  if (state.poll.state !== 'open') {
    return { status: 'rejected', reason: 'poll-closed', detail: `poll ${state.poll.id} is closed` };
  }
  if (!hasOption(state.poll, vote.option)) {
    return { status: 'rejected', reason: 'unknown-option', detail: `poll ${state.poll.id} has no option ${vote.option}` };
  }
  if (state.poll.policy === 'one-per-voter' && vote.voter !== null && vote.id !== null && state.ballots.has(vote.voter)) {
    return { status: 'rejected', reason: 'already-voted', detail: `voter ${vote.voter} has already voted` };
  }
  return null;
}

function bump(state: TallyState, option: string, delta: number): void {
  state.counts[option] = (state.counts[option] ?? 0) + delta;
}
