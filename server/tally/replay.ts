import { type IdSet, type RefusedIds, type TallyState, applyVote, createTally, recordRejection, updatePoll } from '../../shared/tally.js';
import type { Poll } from '../../shared/poll.js';
import type { RejectionRow, VoteRow } from '../store/rows.js';

/**
 * Rebuilds one round's tally by running its stored votes and refusals through
 * the shared reducer again: the server never counts any other way. The poll is
 * replayed as open (the votes were accepted while it was), then set to its real
 * state. Returns the stored votes that no longer count, which means the store
 * and the reducer disagree: the caller reports them.
 */
export function replayRound(
  poll: Poll,
  votes: readonly VoteRow[],
  rejections: readonly RejectionRow[],
  seen: IdSet = new Set<string>(),
  refused: RefusedIds = new Map(),
): { tally: TallyState; inconsistent: VoteRow[] } {
  const tally = createTally({ ...poll, state: 'open' }, seen, refused);
  const inconsistent: VoteRow[] = [];
  for (const row of votes) {
    const outcome = applyVote(tally, { id: row.voteId, option: row.option, voter: row.voter, source: row.source, ts: row.ts });
    if (outcome.status !== 'counted') inconsistent.push(row);
  }
  // Refusals only add to `rejected` and remember their ids: their order relative
  // to the votes does not change the result.
  for (const row of rejections) recordRejection(tally, row.reason, row.voteId);
  updatePoll(tally, poll);
  return { tally, inconsistent };
}
