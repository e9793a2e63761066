import type { Logger } from '../../runtime/logger.js';
import type { Scheduler, TimerHandle } from '../../shared/scheduler.js';
import type { Db } from './database.js';
import type { RejectionRow, VoteRow } from './rows.js';

export interface VoteLogContext {
  db: Db;
  logger: Logger;
  /** Its group commit runs on `nextTurn`. */
  scheduler: Scheduler;
  /** A batch this large is committed at once instead of waiting for the next turn. */
  maxBatch?: number;
  /**
   * Called when a batch could not be committed: its rows and callbacks are dropped
   * (no receipt, no counter, no snapshot), so its senders send its votes again.
   */
  onCommitError: (error: unknown, batch: { votes: number; rejections: number }) => void;
  /** Called after each batch that was committed. */
  onCommit?: () => void;
}

export interface VoteLogStats {
  /** Transactions committed (a burst of votes shares them). */
  readonly commits: number;
  readonly rows: number;
}

/**
 * The write-behind log of votes and rejections. Rows queue up while MQTT delivers
 * a burst and are committed together at the end of the event-loop turn (or when
 * `maxBatch` is reached), one transaction and one fsync per batch. Whatever must
 * only happen once a vote is durable — its receipt, the next tally snapshot — is
 * registered with `afterCommit` and runs right after that commit.
 */
export class VoteLog {
  private votes: VoteRow[] = [];
  private rejections: RejectionRow[] = [];
  private callbacks: (() => void)[] = [];
  private scheduled: TimerHandle | null = null;
  private commits = 0;
  private rows = 0;
  private readonly maxBatch: number;
  private readonly insertVote;
  private readonly insertRejection;
  private readonly commitBatch;

  constructor(private readonly ctx: VoteLogContext) {
    this.maxBatch = ctx.maxBatch ?? 2000;
    const db = ctx.db;
    this.insertVote = db.prepare(
      `INSERT INTO votes (poll_id, round, vote_id, option, voter, source, ts, received_at, seq, team)
       VALUES (@pollId, @round, @voteId, @option, @voter, @source, @ts, @receivedAt, @seq, @team)`,
    );
    this.insertRejection = db.prepare(
      `INSERT INTO rejections (poll_id, round, vote_id, voter, reason, detail, topic, received_at, seq)
       VALUES (@pollId, @round, @voteId, @voter, @reason, @detail, @topic, @receivedAt, @seq)`,
    );
    this.commitBatch = db.transaction((votes: readonly VoteRow[], rejections: readonly RejectionRow[]) => {
      for (const row of votes) this.insertVote.run({ ...row, team: row.team ?? null });
      for (const row of rejections) this.insertRejection.run(row);
    });
  }

  get pending(): number {
    return this.votes.length + this.rejections.length;
  }

  get stats(): VoteLogStats {
    return { commits: this.commits, rows: this.rows };
  }

  addVote(row: VoteRow): void {
    this.votes.push(row);
    this.schedule();
  }

  addRejection(row: RejectionRow): void {
    this.rejections.push(row);
    this.schedule();
  }

  /** Runs `callback` once everything queued so far is committed. */
  afterCommit(callback: () => void): void {
    this.callbacks.push(callback);
    this.schedule();
  }

  /** Commits what is queued now, then runs the callbacks waiting for it. */
  flush(): void {
    this.ctx.scheduler.clearTimer(this.scheduled);
    this.scheduled = null;
    const votes = this.votes;
    const rejections = this.rejections;
    const callbacks = this.callbacks;
    this.votes = [];
    this.rejections = [];
    this.callbacks = [];
    if (votes.length + rejections.length > 0) {
      try {
        this.commitBatch(votes, rejections);
      } catch (error) {
        // No receipt goes out for these votes, so their senders will re-send them.
        this.ctx.onCommitError(error, { votes: votes.length, rejections: rejections.length });
        return;
      }
      this.commits += 1;
      this.rows += votes.length + rejections.length;
      this.ctx.onCommit?.();
    }
    for (const callback of callbacks) {
      try {
        callback();
      } catch (error) {
        this.ctx.logger.error('after-commit step failed', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  private schedule(): void {
    if (this.pending >= this.maxBatch) {
      this.flush();
      return;
    }
    this.scheduled ??= this.ctx.scheduler.nextTurn(() => {
      this.scheduled = null;
      this.flush();
    });
  }
}
