import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Component } from '../../runtime/lifecycle.js';
import type { Logger } from '../../runtime/logger.js';
import { explainSqliteFailure } from '../../runtime/sqlite-failure.js';
import { type Scheduler, every } from '../../shared/scheduler.js';
import { StoreError } from '../errors/store-error.js';
import { type Db, SERVER_RECOVERY } from './database.js';

/** `DATA_DIR/backups`. */
export const BACKUP_DIR = 'backups';
const DAY_MS = 24 * 60 * 60 * 1000;
// classroom-20261201T220400123Z.sqlite (UTC, to the millisecond): sorts by name in time order.
const BACKUP_NAME = /^classroom-\d{8}T\d{9}Z\.sqlite$/;

export interface BackupsContext {
  db: Db;
  /** Where backups go (DATA_DIR/backups). */
  dir: string;
  /** The newest this many are kept; 0 also turns the daily backup off. */
  keep: number;
  scheduler: Scheduler;
  logger: Logger;
  /** Period of the automatic backup (default one day). */
  intervalMs?: number;
}

export interface BackupResult {
  readonly file: string;
  readonly bytes: number;
  readonly at: number;
}

/**
 * Online backups of the hub's database with SQLite's backup API (better-sqlite3's
 * `db.backup()`): it copies a consistent snapshot, WAL included, while votes keep
 * being stored, in steps that let the event loop run between them. Written to a
 * `.partial` name and renamed once whole, so a backup cut by a crash never looks
 * like one. Daily on the Scheduler, and on demand (`POST /api/backup`).
 */
export class Backups implements Component {
  readonly name = 'backups';
  private stopTimer: (() => void) | null = null;
  private running: Promise<BackupResult> | null = null;

  constructor(private readonly ctx: BackupsContext) {}

  start(): void {
    if (this.ctx.keep === 0) return;
    this.stopTimer = every(this.ctx.scheduler, this.ctx.intervalMs ?? DAY_MS, () => {
      this.backUp().catch((error: unknown) => {
        this.ctx.logger.error(error instanceof Error ? error.message : String(error));
      });
    });
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = null;
  }

  /** Writes one backup now (or joins the one being written) and prunes the oldest. */
  backUp(): Promise<BackupResult> {
    this.running ??= this.write().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** The backups kept, oldest first. */
  list(): string[] {
    try {
      return readdirSync(this.ctx.dir).filter((name) => BACKUP_NAME.test(name)).sort().map((name) => join(this.ctx.dir, name));
    } catch {
      return [];
    }
  }

  private async write(): Promise<BackupResult> {
    const { dir, db, scheduler, logger } = this.ctx;
    const at = scheduler.now();
    const file = this.freshName(at);
    const partial = `${file}.partial`;
    try {
      mkdirSync(dir, { recursive: true });
      await db.backup(partial);
      renameSync(partial, file);
    } catch (error) {
      rmSync(partial, { force: true });
      const failure = explainSqliteFailure(error, { file, recovery: SERVER_RECOVERY });
      throw new StoreError(`cannot back the database up to ${file}: ${failure.cause}. ${failure.fix}.`, { cause: error });
    }
    const bytes = statSync(file).size;
    logger.info('database backed up', { file, bytes });
    this.prune();
    return { file, bytes, at };
  }

  private freshName(at: number): string {
    const taken = new Set(this.list());
    // Two backups in the same millisecond: the second takes the next one, so names
    // stay unique and still sort in time order.
    for (let t = at; ; t += 1) {
      const file = join(this.ctx.dir, `classroom-${new Date(t).toISOString().replace(/[-:.]/g, '')}.sqlite`);
      if (!taken.has(file)) return file;
    }
  }

  private prune(): void {
    const keep = Math.max(1, this.ctx.keep);
    const all = this.list();
    for (const old of all.slice(0, Math.max(0, all.length - keep))) rmSync(old, { force: true });
  }
}
