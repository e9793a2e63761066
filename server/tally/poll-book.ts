import type { Logger } from '../../runtime/logger.js';
import { type PollOpening, currentPoll, currentPollAt } from '../../shared/current-poll.js';
import type { RefusedIds, TallyState } from '../../shared/tally.js';
import type { PollStore } from '../store/poll-store.js';
import { replayRound } from './replay.js';

/** One poll in memory: its definition lives in `tally.poll`. */
export interface PollEntry {
  tally: TallyState;
  round: number;
  readonly createdAt: number;
  /** Every vote id this poll has handled, in any round (the tally's IdSet). */
  readonly seen: Set<string>;
  /** Why each refused id of `seen` was refused (the tally's RefusedIds), in any round. */
  readonly refused: RefusedIds;
  /**
   * The correct option's id, or null: the answer key, which only the teacher sees
   * until the reveal puts it in the published poll (`tally.poll.correct`).
   */
  answer: string | null;
}

/**
 * The live tallies, one per poll, rebuilt from the store at start-up (and after
 * a failed commit) so that a restarted server shows exactly the counts it had.
 */
export class PollBook {
  private readonly entries = new Map<string, PollEntry>();
  /** Every opening, for the presses resolved by when they were made. */
  private openings: PollOpening[] = [];

  constructor(
    private readonly store: PollStore,
    private readonly logger: Logger,
  ) {}

  /** Replaces everything in memory with what the store holds. */
  load(): void {
    this.entries.clear();
    this.openings = this.store.openings();
    for (const row of this.store.listPolls()) {
      const seen = new Set(this.store.idsOutsideRound(row.poll.id, row.round));
      const refused: RefusedIds = new Map(this.store.refusedOutsideRound(row.poll.id, row.round).map((r) => [r.id, r.reason]));
      const { tally, inconsistent } = replayRound(
        row.poll,
        this.store.roundVotes(row.poll.id, row.round),
        this.store.roundRejections(row.poll.id, row.round),
        seen,
        refused,
      );
      if (inconsistent.length > 0) {
        this.logger.error('stored votes that no longer count on replay (please report this)', {
          poll: row.poll.id,
          votes: inconsistent.length,
        });
      }
      // Snapshots published before the restart may have had a higher seq (poll
      // changes bump it too): continue above it so readers never see seq go back.
      tally.seq = Math.max(tally.seq, this.store.maxSeq(row.poll.id)) + 1;
      this.entries.set(row.poll.id, { tally, round: row.round, createdAt: row.createdAt, seen, refused, answer: row.answer });
    }
  }

  get(pollId: string): PollEntry | undefined {
    return this.entries.get(pollId);
  }

  set(pollId: string, entry: PollEntry): void {
    this.entries.set(pollId, entry);
  }

  list(): PollEntry[] {
    return [...this.entries.values()];
  }

  /** A poll was opened or closed at `at` (already stored: PollStore.savePollState). */
  noteState(pollId: string, state: 'open' | 'closed', at: number): void {
    if (state === 'open') {
      this.openings.push({ pollId, openedAt: at, closedAt: null });
      return;
    }
    this.openings = this.openings.map((o) => (o.pollId === pollId && o.closedAt === null ? { ...o, closedAt: at } : o));
  }

  /** The poll that was current at `at` (hub time), null when none was open. */
  currentAt(at: number): PollEntry | null {
    const pollId = currentPollAt(this.openings, at);
    return pollId === null ? null : (this.entries.get(pollId) ?? null);
  }

  /** The poll whose tally has already handled vote id `id`, if any (a press resolved before). */
  handled(id: string): PollEntry | null {
    for (const entry of this.entries.values()) if (entry.seen.has(id)) return entry;
    return null;
  }

  /** The poll that plain votes on the legacy topic count for: the current one (shared/current-poll.ts). */
  latestOpen(): PollEntry | undefined {
    const poll = currentPoll(this.list().map((entry) => entry.tally.poll));
    return poll === null ? undefined : this.entries.get(poll.id);
  }
}
