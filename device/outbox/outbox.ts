import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Component } from '../../runtime/lifecycle.js';
import type { Logger } from '../../runtime/logger.js';
import { OutboxError } from '../errors/outbox-error.js';

export interface OutboxEntry {
  /** Order of the press; a replay goes in this order. */
  readonly seq: number;
  /** The vote id, made on the device; the server deduplicates on it. */
  readonly id: string;
  readonly topic: string;
  readonly payload: string;
  /** The button that made it, for its LED when the receipt comes. */
  readonly button: string | null;
  readonly createdAt: number;
}

export type NewEntry = Omit<OutboxEntry, 'seq'>;

export interface OutboxOptions {
  readonly path: string;
  readonly maxEntries: number;
  readonly logger: Logger;
}

/**
 * Votes waiting for the server's receipt, on disk.
 *
 * SQLite in WAL mode with `synchronous=FULL`: each insert is one transaction whose
 * commit fsyncs the WAL, so a vote is on disk before it is sent and survives a
 * SIGKILL or a power cut; a crash mid-write leaves the last complete transaction.
 * We chose it over an append-only file because removal by id (receipts come in
 * any order) and "oldest first" are one indexed query each, with no compaction of
 * our own. Cost: one fsync per press, a few ms on an SD card, invisible next to a
 * human pressing a button.
 */
export class Outbox implements Component {
  readonly name = 'outbox';
  private db: Database.Database | null = null;
  private statements: ReturnType<Outbox['prepare']> | null = null;
  private count = 0;
  private warnedNearlyFull = false;
  private refused = 0;

  constructor(private readonly options: OutboxOptions) {}

  start(): void {
    const { path } = this.options;
    try {
      mkdirSync(dirname(path), { recursive: true });
      const db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
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
      this.statements = this.prepare(db);
      this.count = (this.statements.count.get() as { n: number }).n;
    } catch (error) {
      this.db?.close();
      this.db = null;
      throw new OutboxError(path, `cannot be opened: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (this.count > 0) this.options.logger.info(`outbox: ${this.count} vote${this.count === 1 ? '' : 's'} from before the restart will be sent again`);
  }

  stop(): void {
    this.db?.close();
    this.db = null;
    this.statements = null;
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.options.maxEntries;
  }

  /** Stores a vote (fsync'd) before it is sent; false when the outbox is full. */
  add(entry: NewEntry): boolean {
    const s = this.ready();
    const { maxEntries, logger } = this.options;
    if (this.count >= maxEntries) {
      if (this.refused === 0) {
        logger.warn(
          `outbox FULL: ${this.count} votes are waiting for the server's receipts, new presses are NOT recorded. ` +
            'Check that the broker (MQTT_URL) and the tally server are running and reachable.',
        );
      }
      this.refused += 1;
      return false;
    }
    try {
      s.insert.run(entry.id, entry.topic, entry.payload, entry.button, entry.createdAt);
    } catch (error) {
      throw new OutboxError(this.options.path, `cannot be written: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    this.count += 1;
    if (!this.warnedNearlyFull && this.count >= maxEntries * 0.8) {
      this.warnedNearlyFull = true;
      logger.warn(`outbox is 80% full (${this.count} of ${maxEntries} votes without a receipt): is the tally server running?`);
    }
    return true;
  }

  /** Forgets a vote once its receipt arrived; returns it, or null if it was not there. */
  remove(id: string): OutboxEntry | null {
    const s = this.ready();
    const entry = (s.byId.get(id) as Row | undefined) ?? null;
    if (entry === null) return null;
    s.remove.run(id);
    this.count -= 1;
    if (this.refused > 0 && this.count < this.options.maxEntries) {
      this.options.logger.info(`outbox has room again (${this.refused} press${this.refused === 1 ? ' was' : 'es were'} not recorded while it was full)`);
      this.refused = 0;
    }
    if (this.count < this.options.maxEntries * 0.5) this.warnedNearlyFull = false;
    return fromRow(entry);
  }

  /** The oldest `limit` votes, oldest first. */
  head(limit: number): OutboxEntry[] {
    return (this.ready().head.all(limit) as Row[]).map(fromRow);
  }

  getState(key: string): string | null {
    return ((this.ready().getState.get(key) as { value: string } | undefined) ?? null)?.value ?? null;
  }

  setState(key: string, value: string): void {
    this.ready().setState.run(key, value);
  }

  private ready() {
    if (this.statements === null) throw new Error('outbox used before start() or after stop()');
    return this.statements;
  }

  private prepare(db: Database.Database) {
    return {
      count: db.prepare('SELECT COUNT(*) AS n FROM outbox'),
      insert: db.prepare('INSERT INTO outbox (id, topic, payload, button, created_at) VALUES (?, ?, ?, ?, ?)'),
      byId: db.prepare('SELECT seq, id, topic, payload, button, created_at FROM outbox WHERE id = ?'),
      remove: db.prepare('DELETE FROM outbox WHERE id = ?'),
      head: db.prepare('SELECT seq, id, topic, payload, button, created_at FROM outbox ORDER BY seq LIMIT ?'),
      getState: db.prepare('SELECT value FROM state WHERE key = ?'),
      setState: db.prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    };
  }
}

interface Row {
  seq: number;
  id: string;
  topic: string;
  payload: string;
  button: string | null;
  created_at: number;
}

function fromRow(row: Row): OutboxEntry {
  return { seq: row.seq, id: row.id, topic: row.topic, payload: row.payload, button: row.button, createdAt: row.created_at };
}
