import type { RejectReason } from '../../shared/codecs/rejection.js';
import type { PollOpening } from '../../shared/current-poll.js';
import type { Poll, PollOption } from '../../shared/poll.js';
import type { Db } from './database.js';
import type { PollRow, RejectionRow, RoundRow, VoteRow } from './rows.js';

interface PollRecord {
  id: string;
  question: string;
  options: string;
  policy: Poll['policy'];
  state: Poll['state'];
  opened_at: number | null;
  created_at: number;
  round: number;
  seq: number;
  hidden: number;
  deadline: number | null;
  answer: string | null;
  revealed: number;
}

/**
 * Polls, rounds and the queries over stored votes. Poll changes are rare and
 * written at once (each is its own transaction); votes go through `VoteLog`.
 */
export class PollStore {
  constructor(private readonly db: Db) {}

  listPolls(): PollRow[] {
    const records = this.db.prepare('SELECT * FROM polls ORDER BY created_at, id').all() as PollRecord[];
    return records.map(toPollRow);
  }

  insertPoll(poll: Poll, createdAt: number): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO polls (id, question, options, policy, state, opened_at, created_at, round, seq)
           VALUES (?, ?, ?, ?, ?, ?, ?, 1, 0)`,
        )
        .run(poll.id, poll.question, JSON.stringify(poll.options), poll.policy, poll.state, poll.openedAt, createdAt);
      this.db.prepare('INSERT INTO rounds (poll_id, round, started_at) VALUES (?, 1, ?)').run(poll.id, createdAt);
    })();
  }

  /** Saves the answer key and whether it is revealed (the poll's `correct`). */
  saveAnswer(pollId: string, answer: string | null, revealed: boolean): void {
    this.db.prepare('UPDATE polls SET answer = ?, revealed = ? WHERE id = ?').run(answer, revealed ? 1 : 0, pollId);
  }

  /** A never-asked poll's new text, options and policy (a lesson edited before it ran). */
  redefinePoll(poll: Poll): void {
    this.db.prepare('UPDATE polls SET question = ?, options = ?, policy = ? WHERE id = ?').run(poll.question, JSON.stringify(poll.options), poll.policy, poll.id);
  }

  /** Saves a state change (open, close, hide, countdown) with the tally's seq at that moment, and the opening it starts or ends. */
  savePollState(poll: Poll, seq: number, at: number): void {
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE polls SET state = ?, opened_at = ?, seq = ?, hidden = ?, deadline = ? WHERE id = ?')
        .run(poll.state, poll.openedAt, seq, poll.hidden === true ? 1 : 0, poll.deadline ?? null, poll.id);
      const open = this.db.prepare('SELECT 1 FROM openings WHERE poll_id = ? AND closed_at IS NULL').get(poll.id) !== undefined;
      if (poll.state === 'open' && !open) this.db.prepare('INSERT INTO openings (poll_id, opened_at) VALUES (?, ?)').run(poll.id, at);
      else if (poll.state !== 'open' && open) this.db.prepare('UPDATE openings SET closed_at = ? WHERE poll_id = ? AND closed_at IS NULL').run(at, poll.id);
    })();
  }

  /** Every recorded opening of every poll, oldest first. */
  openings(): PollOpening[] {
    return this.db
      .prepare('SELECT poll_id AS pollId, opened_at AS openedAt, closed_at AS closedAt FROM openings ORDER BY opened_at, rowid')
      .all() as PollOpening[];
  }

  /** Archives the current round and starts the next one; returns its number. */
  startRound(pollId: string, at: number, seq: number): number {
    return this.db.transaction(() => {
      const { round } = this.db.prepare('SELECT round FROM polls WHERE id = ?').get(pollId) as { round: number };
      this.db.prepare('UPDATE rounds SET archived_at = ? WHERE poll_id = ? AND round = ?').run(at, pollId, round);
      this.db.prepare('INSERT INTO rounds (poll_id, round, started_at) VALUES (?, ?, ?)').run(pollId, round + 1, at);
      this.db.prepare('UPDATE polls SET round = ?, seq = ? WHERE id = ?').run(round + 1, seq, pollId);
      return round + 1;
    })();
  }

  rounds(pollId: string): RoundRow[] {
    const rows = this.db
      .prepare('SELECT poll_id, round, started_at, archived_at FROM rounds WHERE poll_id = ? ORDER BY round')
      .all(pollId) as { poll_id: string; round: number; started_at: number; archived_at: number | null }[];
    return rows.map((r) => ({ pollId: r.poll_id, round: r.round, startedAt: r.started_at, archivedAt: r.archived_at }));
  }

  /** The counted votes of one round, in arrival order. */
  roundVotes(pollId: string, round: number): VoteRow[] {
    return this.db
      .prepare(
        `SELECT poll_id AS pollId, round, vote_id AS voteId, option, voter, source, ts, received_at AS receivedAt, seq
         FROM votes WHERE poll_id = ? AND round = ? ORDER BY n`,
      )
      .all(pollId, round) as VoteRow[];
  }

  /** The refused votes of one round, in arrival order. */
  roundRejections(pollId: string, round: number): RejectionRow[] {
    return this.db
      .prepare(
        `SELECT poll_id AS pollId, round, vote_id AS voteId, voter, reason, detail, topic, received_at AS receivedAt, seq
         FROM rejections WHERE poll_id = ? AND round = ? ORDER BY n`,
      )
      .all(pollId, round) as RejectionRow[];
  }

  /** Vote ids handled in the other rounds: a late redelivery of one is a duplicate. */
  idsOutsideRound(pollId: string, round: number): string[] {
    const rows = this.db
      .prepare(
        `SELECT vote_id AS id FROM votes WHERE poll_id = @pollId AND round <> @round AND vote_id IS NOT NULL
         UNION SELECT vote_id FROM rejections WHERE poll_id = @pollId AND round <> @round AND vote_id IS NOT NULL`,
      )
      .all({ pollId, round }) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** The refused vote ids of the other rounds, with their first reason (a redelivery is answered with it). */
  refusedOutsideRound(pollId: string, round: number): { id: string; reason: RejectReason }[] {
    return this.db
      .prepare('SELECT vote_id AS id, reason FROM rejections WHERE poll_id = ? AND round <> ? AND vote_id IS NOT NULL ORDER BY n')
      .all(pollId, round) as { id: string; reason: RejectReason }[];
  }

  /** The highest seq this poll's snapshots may have reached before a restart. */
  maxSeq(pollId: string): number {
    const row = this.db
      .prepare(
        `SELECT MAX(
           (SELECT seq FROM polls WHERE id = @pollId),
           COALESCE((SELECT MAX(seq) FROM votes WHERE poll_id = @pollId), 0),
           COALESCE((SELECT MAX(seq) FROM rejections WHERE poll_id = @pollId), 0)
         ) AS seq`,
      )
      .get({ pollId }) as { seq: number | null };
    return row.seq ?? 0;
  }

  /** Every refusal ever stored, by reason, including those no poll could take. */
  rejectionCounts(): Partial<Record<RejectReason, number>> {
    const rows = this.db.prepare('SELECT reason, COUNT(*) AS n FROM rejections GROUP BY reason').all() as {
      reason: RejectReason;
      n: number;
    }[];
    const counts: Partial<Record<RejectReason, number>> = {};
    for (const row of rows) counts[row.reason] = row.n;
    return counts;
  }
}

function toPollRow(record: PollRecord): PollRow {
  return {
    poll: {
      id: record.id,
      question: record.question,
      options: JSON.parse(record.options) as PollOption[],
      policy: record.policy,
      state: record.state,
      openedAt: record.opened_at,
      ...(record.hidden === 1 ? { hidden: true } : {}),
      ...(record.deadline === null ? {} : { deadline: record.deadline }),
      ...(record.revealed === 1 && record.answer !== null ? { correct: record.answer } : {}),
    },
    round: record.round,
    createdAt: record.created_at,
    seq: record.seq,
    answer: record.answer,
  };
}
