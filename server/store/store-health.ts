import type { Logger } from '../../runtime/logger.js';
import { type SqliteFailure, explainSqliteFailure } from '../../runtime/sqlite-failure.js';
import type { Scheduler } from '../../shared/scheduler.js';
import { ThrottledLog } from '../logging/throttled-log.js';
import { SERVER_RECOVERY } from './database.js';

export interface StoreHealthContext {
  /** The database file, named in every message. */
  file: string;
  logger: Logger;
  scheduler: Scheduler;
  /** At most one "N more failed commits" line per this many milliseconds. */
  logSummaryMs: number;
  /** Storing stopped (false) or came back (true): tell the room (the status topic). */
  onChange: (storing: boolean) => void;
}

/** What `/api/status` says about the store. */
export interface StoreHealthStatus {
  /** False while commits fail: votes then get no receipt and are re-sent later. */
  readonly storing: boolean;
  /** Batches that could not be committed since the start. */
  readonly failedCommits: number;
  /** The last failure, explained; null when none happened since the start. */
  readonly lastFailure: (SqliteFailure & { readonly at: number }) | null;
}

/**
 * Whether the hub is storing votes. A full disk or a damaged index makes every
 * commit fail, and each failure is one more line: this says so once, in words (the
 * cause and the fix), then counts at most once per interval, and flips the status
 * that `/api/status` and the server's status topic carry, both ways.
 */
export class StoreHealth {
  private storing = true;
  private failedCommits = 0;
  private failuresInARow = 0;
  private lastFailure: StoreHealthStatus['lastFailure'] = null;
  private readonly failures: ThrottledLog;

  constructor(private readonly ctx: StoreHealthContext) {
    this.failures = new ThrottledLog({
      logger: ctx.logger,
      scheduler: ctx.scheduler,
      what: 'failed vote commits (their votes got no receipt and will be re-sent)',
      intervalMs: ctx.logSummaryMs,
      level: 'error',
    });
  }

  get status(): StoreHealthStatus {
    return { storing: this.storing, failedCommits: this.failedCommits, lastFailure: this.lastFailure };
  }

  /** A batch could not be committed. */
  failed(error: unknown, batch: { votes: number; rejections: number }): void {
    const failure = explainSqliteFailure(error, { file: this.ctx.file, recovery: SERVER_RECOVERY });
    this.failedCommits += 1;
    this.failuresInARow += 1;
    this.lastFailure = { ...failure, at: this.ctx.scheduler.now() };
    this.failures.note(
      failure.code,
      `cannot store votes: ${failure.cause} (${failure.code}). Fix: ${failure.fix}. ` +
        'Until then votes get no receipt; their senders keep them and send them again.',
      batch,
    );
    if (this.storing) {
      this.storing = false;
      this.ctx.onChange(false);
    }
  }

  /** A batch was committed. */
  committed(): void {
    if (this.storing) return;
    this.storing = true;
    this.failures.reset();
    this.ctx.logger.info('storing votes again', { failedCommits: this.failuresInARow });
    this.failuresInARow = 0;
    this.ctx.onChange(true);
  }

  /** Writes the last summary (on shutdown) and clears its timer. */
  stop(): void {
    this.failures.stop();
  }
}
