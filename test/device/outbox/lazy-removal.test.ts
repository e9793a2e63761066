import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteOutboxStore } from '../../../device/outbox/sqlite-store.js';
import { silentLogger } from '../../../runtime/logger.js';
import { ManualScheduler } from '../../harness/manual-scheduler.js';

/**
 * Issue 17 round 3 (press to screen): a commit that holds only receipts' removals
 * does not fsync (SQLite's `synchronous` is NORMAL at its COMMIT, in WAL mode no
 * sync), so under steady presses the agent's thread blocks on one fsync per press
 * instead of two; a commit that holds a press (or the remembered poll) still fsyncs
 * (FULL). Seen at each COMMIT through the connection itself.
 */
const SYNC = { 1: 'NORMAL', 2: 'FULL' } as Record<number, string>;

describe('outbox commits and fsync', () => {
  let dir: string;
  let store: SqliteOutboxStore;
  let scheduler: ManualScheduler;
  let commits: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lazy-removal-'));
    scheduler = new ManualScheduler();
    store = new SqliteOutboxStore({ path: join(dir, 'outbox.sqlite'), scheduler, logger: silentLogger });
    store.start();
    commits = [];
    const exec = Database.prototype.exec;
    vi.spyOn(Database.prototype, 'exec').mockImplementation(function (this: Database.Database, sql: string) {
      if (sql === 'COMMIT') commits.push(SYNC[this.pragma('synchronous', { simple: true }) as number] ?? 'other');
      return exec.call(this, sql);
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
    store.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const vote = (id: string) => ({ id, topic: 'classroom/votes/p1', payload: `{"id":"${id}"}`, button: 'A', createdAt: 1 });

  it('fsyncs a press, not a receipt alone; a turn with both commits the removal, then fsyncs the press', () => {
    store.add(vote('v1'));
    scheduler.runNextTurns();
    store.remove('v1');
    scheduler.runNextTurns();
    store.add(vote('v2'));
    store.add(vote('v3'));
    scheduler.runNextTurns();
    store.remove('v2');
    store.add(vote('v4'));
    scheduler.runNextTurns();
    store.setState('poll', '{}');
    scheduler.runNextTurns();
    store.add(vote('v5'));
    store.remove('v3');
    scheduler.runNextTurns();
    expect(commits).toEqual(['FULL', 'NORMAL', 'FULL', 'NORMAL', 'FULL', 'FULL', 'FULL']);
  });

  it('keeps a removal made without an fsync once the next press is committed', () => {
    store.add(vote('v1'));
    store.add(vote('v2'));
    scheduler.runNextTurns();
    store.remove('v1');
    scheduler.runNextTurns();
    store.add(vote('v3'));
    scheduler.runNextTurns();
    expect(store.oldest(10).map((e) => e.id)).toEqual(['v2', 'v3']);
  });
});
