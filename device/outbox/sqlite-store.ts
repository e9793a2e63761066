import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Component } from '../../runtime/lifecycle.js';
import type { Logger } from '../../runtime/logger.js';
import { OutboxIdTakenError } from '../../shared/outbox/errors.js';
import type { Scheduler, TimerHandle } from '../../shared/scheduler.js';
import type { OutboxStore } from '../../shared/outbox/store.js';
import { DamagedFileError } from '../../runtime/errors/damaged-file-error.js';
import { checkIntegrity, damaged } from '../../runtime/sqlite-check.js';
import { explainSqliteFailure } from '../../runtime/sqlite-failure.js';
import { OutboxError } from '../errors/outbox-error.js';
import { type OutboxRow as Row, type OutboxStatements, fromRow, prepareOutbox } from './outbox-sql.js';

/** Where a damaged outbox's recovery is explained. */
const OUTBOX_RECOVERY = 'docs/device.md, "Backup, restore and recovery"';

export interface OutboxEntry extends NewEntry {
  /** Order of the press; a replay goes in this order. */
  readonly seq: number;
}

/** A vote as the device stores it (the store numbers it). */
export interface NewEntry {
  /** The vote id, made on the device; the server deduplicates on it. */
  readonly id: string;
  readonly topic: string;
  readonly payload: string;
  /** The button that made it, for its LED when the receipt comes. */
  readonly button: string | null;
  readonly createdAt: number;
}

export interface SqliteOutboxStoreOptions {
  readonly path: string;
  /** Its group commit runs on `nextTurn`. */
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** After each group commit (one fsync): how many votes it added and removed (tests, benchmarks). */
  readonly onCommit?: (batch: { added: number; removed: number }) => void;
}

/**
 * The device's outbox store (shared/outbox/store.ts): votes waiting for the
 * server's receipt, on disk. The rules (what is due, the cap, "outbox FULL") are
 * the shared machine's; this keeps the votes, durably.
 *
 * SQLite in WAL mode with `synchronous=FULL`: a commit fsyncs the WAL, so a vote is
 * on disk before it is sent and survives a SIGKILL or a power cut; a crash mid-write
 * leaves the last complete transaction (removals alone skip the fsync: begin()).
 * Chosen over an append-only file: removal by id (receipts come in any order) and
 * "oldest first" are one indexed query each, with no compaction of our own.
 *
 * Group commit: the first write of an event-loop turn opens a transaction; every
 * press (and receipt) of the same turn joins it, committed with one fsync after that
 * turn (`Scheduler.nextTurn`: Node's `setImmediate`) or earlier by `flush()`.
 * `oldest()`, which the sender reads to publish, commits first, so no vote is ever
 * handed out before the fsync that holds it. That fsync (a few ms on an SD card) is
 * paid once per turn, and presses arriving while it runs join the next one. A crash
 * before the commit loses the presses of that turn, none of which were sent.
 */
export class SqliteOutboxStore implements Component, OutboxStore<NewEntry> {
  readonly name = 'outbox';
  private db: Database.Database | null = null;
  private statements: OutboxStatements | null = null;
  private count = 0;
  /** Writes of the open transaction, not yet on disk. */
  private batch = { added: 0, removed: 0 };
  /** The open transaction holds only removals and commits without an fsync (see begin()). */
  private lazy = false;
  private commitScheduled: TimerHandle | null = null;
  private commitCount = 0;
  /** Called once the open transaction is on disk (dropped if it is rolled back). */
  private afterCommit: (() => void)[] = [];

  constructor(private readonly options: SqliteOutboxStoreOptions) {}

  start(): void {
    const { path } = this.options;
    let db: Database.Database | null = null;
    try {
      mkdirSync(dirname(path), { recursive: true });
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      // A damaged outbox would fail every press, one by one: refuse to start instead.
      checkIntegrity(db, { file: path, recovery: OUTBOX_RECOVERY });
      db.exec(`
        CREATE TABLE IF NOT EXISTS outbox (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          id TEXT NOT NULL UNIQUE,
          topic TEXT NOT NULL,
          payload TEXT NOT NULL,
          button TEXT,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `);
      this.db = db;
      this.statements = prepareOutbox(db);
      this.count = (this.statements.count.get() as { n: number }).n;
    } catch (error) {
      db?.close();
      this.db = null;
      if (error instanceof DamagedFileError) throw error;
      const failure = explainSqliteFailure(error, { file: path, recovery: OUTBOX_RECOVERY });
      if (failure.damaged) throw damaged({ file: path, recovery: OUTBOX_RECOVERY }, failure.code, error);
      throw new OutboxError(path, `cannot be opened: ${failure.code === 'unknown' ? (error instanceof Error ? error.message : String(error)) : `${failure.cause} (${failure.code})`}`, { cause: error });
    }
    if (this.count > 0) this.options.logger.info(`outbox: ${this.count} vote${this.count === 1 ? '' : 's'} from before the restart will be sent again`);
  }

  stop(): void {
    if (this.db !== null) this.flush();
    this.db?.close();
    this.db = null;
    this.statements = null;
  }

  get size(): number {
    return this.count;
  }

  /** Transactions committed (each one fsync) since start(). */
  get commits(): number {
    return this.commitCount;
  }

  /** Writes made but not yet committed (they are not handed out by oldest()). */
  get uncommitted(): number {
    return this.batch.added + this.batch.removed;
  }

  /** Stores a vote, on disk (fsync'd) at the end of this turn or the next flush()/oldest(): before it can be sent. */
  add(entry: NewEntry): void {
    const s = this.ready();
    if (s.byId.get(entry.id) !== undefined) throw new OutboxIdTakenError(entry.id);
    try {
      this.begin(true);
      s.insert.run(entry.id, entry.topic, entry.payload, entry.button, entry.createdAt);
    } catch (error) {
      this.afterFailedWrite(error);
      const failure = explainSqliteFailure(error, { file: this.options.path, recovery: OUTBOX_RECOVERY });
      throw new OutboxError(this.options.path, `cannot be written: ${failure.code === 'unknown' ? (error instanceof Error ? error.message : String(error)) : `${failure.cause} (${failure.code})`}`, { cause: error });
    }
    this.batch.added += 1;
    this.count += 1;
  }

  /** Forgets a vote once its receipt arrived; returns it, or null if it was not there. */
  remove(id: string): OutboxEntry | null {
    const s = this.ready();
    const entry = (s.byId.get(id) as Row | undefined) ?? null;
    if (entry === null) return null;
    // A removal lost in a crash only means the vote is sent again, same id: the
    // server answers "duplicate". So it waits for the turn's commit like a press.
    this.begin(false);
    s.remove.run(id);
    this.batch.removed += 1;
    this.count -= 1;
    return fromRow(entry);
  }

  /** The oldest `limit` votes, oldest first; all on disk (what was pending is committed first). */
  oldest(limit: number): OutboxEntry[] {
    const s = this.ready();
    this.flush();
    return (s.head.all(limit) as Row[]).map(fromRow);
  }

  /**
   * Commits the open transaction (one fsync for every write since it opened).
   * A failed commit is logged with what was lost and not thrown: it runs from the
   * event loop, and the agent's other buttons and its bread probe keep running.
   * Returns false when it failed.
   */
  flush(): boolean {
    this.options.scheduler.clearTimer(this.commitScheduled);
    this.commitScheduled = null;
    const db = this.db;
    if (db === null || !db.inTransaction) return true;
    const batch = this.batch;
    this.batch = { added: 0, removed: 0 };
    const waiting = this.afterCommit;
    this.afterCommit = [];
    try {
      db.exec('COMMIT');
    } catch (error) {
      this.rollback(db);
      this.synced(db);
      this.options.logger.error(
        `outbox: ${batch.added} vote${batch.added === 1 ? '' : 's'} could not be written to ${this.options.path}, so ${batch.added === 1 ? 'it is' : 'they are'} not sent: ` +
          `${error instanceof Error ? error.message : String(error)}`,
      );
      return false;
    }
    this.synced(db);
    this.commitCount += 1;
    this.options.onCommit?.(batch);
    for (const fn of waiting) fn();
    return true;
  }

  /**
   * Runs `fn` once what was written so far is on disk (at once when nothing is
   * pending); never when that write is rolled back. "Vote recorded" is said here,
   * not when the row is inserted.
   */
  whenStored(fn: () => void): void {
    if (this.db === null || !this.db.inTransaction) fn();
    else this.afterCommit.push(fn);
  }

  getState(key: string): string | null {
    return ((this.ready().getState.get(key) as { value: string } | undefined) ?? null)?.value ?? null;
  }

  setState(key: string, value: string): void {
    const s = this.ready();
    this.begin(true);
    s.setState.run(key, value);
  }

  /**
   * Opens the turn's transaction if none is open, and schedules its commit. Receipts'
   * removals alone commit without an fsync (synchronous NORMAL, which SQLite only
   * changes outside a transaction; the next press's fsync takes them along): one lost
   * in a power cut only re-sends its vote, answered "duplicate". A press (`sync`)
   * joining such a transaction commits it first and opens a synced one. Half the
   * fsyncs that block the agent's thread under steady presses (docs/performance.md).
   */
  private begin(sync: boolean): void {
    const db = this.db;
    if (db === null) return;
    if (db.inTransaction) {
      if (!sync || !this.lazy) return;
      try {
        db.exec('COMMIT');
      } catch {
        this.rollback(db);
      }
      this.synced(db);
    } else if (!sync) {
      db.pragma('synchronous = NORMAL');
      this.lazy = true;
    }
    db.exec('BEGIN IMMEDIATE');
    this.commitScheduled ??= this.options.scheduler.nextTurn(() => {
      this.commitScheduled = null;
      this.flush();
    });
  }

  private synced(db: Database.Database): void {
    if (!this.lazy) return;
    this.lazy = false;
    db.pragma('synchronous = FULL');
  }

  /** SQLite may have rolled the whole transaction back (an I/O error, a full disk). */
  private afterFailedWrite(error: unknown): void {
    const db = this.db;
    if (db !== null && !db.inTransaction) this.synced(db);
    if (db === null || db.inTransaction || this.uncommitted === 0) return;
    const lost = this.batch.added;
    this.batch = { added: 0, removed: 0 };
    this.recount();
    if (lost > 0) {
      this.options.logger.error(
        `outbox: ${lost} earlier vote${lost === 1 ? '' : 's'} of this batch ${lost === 1 ? 'was' : 'were'} rolled back with it, not sent: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private rollback(db: Database.Database): void {
    try {
      if (db.inTransaction) db.exec('ROLLBACK');
    } catch {
      // Nothing more to undo: SQLite already rolled back.
    }
    this.recount();
  }

  private recount(): void {
    if (this.statements === null) return;
    this.count = (this.statements.count.get() as { n: number }).n;
  }

  private ready() {
    if (this.statements === null) throw new Error('outbox used before start() or after stop()');
    return this.statements;
  }
}
