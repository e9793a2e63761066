import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../runtime/logger.js';
import { systemScheduler } from '../../runtime/scheduler.js';
import { samplePoll } from '../../shared/poll.js';
import { type Db, openDatabase } from '../../server/store/database.js';
import { PollStore } from '../../server/store/poll-store.js';
import type { VoteRow } from '../../server/store/rows.js';
import { VoteLog } from '../../server/store/vote-log.js';
import { tempDataDir } from './helpers.js';

const vote = (i: number, pollId = 'cours'): VoteRow => ({
  pollId,
  round: 1,
  voteId: `v-${i}`,
  option: 'IFT1215',
  voter: 'box-1',
  source: 'test',
  ts: 1000 + i,
  receivedAt: 2000 + i,
  seq: i + 1,
});

describe('the vote log', () => {
  const data = tempDataDir();
  const open: Db[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
  });
  afterAll(() => data.remove());

  function setup(onCommitError: (error: unknown) => void = () => undefined) {
    const path = join(data.dir, `t-${Math.random().toString(16).slice(2)}.sqlite`);
    const db = openDatabase(path);
    open.push(db);
    new PollStore(db).insertPoll({ ...samplePoll(), state: 'open' }, 0);
    const log = new VoteLog({ db, logger: silentLogger, scheduler: systemScheduler, onCommitError });
    // A second connection sees only what is committed.
    const reader = new Database(path, { readonly: true });
    open.push(reader);
    const committed = () => (reader.prepare('SELECT COUNT(*) AS n FROM votes').get() as { n: number }).n;
    return { db, log, committed };
  }

  it('commits a burst in one transaction at the end of the turn, then runs what waited for it', async () => {
    const { log, committed } = setup();
    const seenAtCallback: number[] = [];
    for (let i = 0; i < 500; i += 1) {
      log.addVote(vote(i));
      log.afterCommit(() => seenAtCallback.push(committed()));
    }
    expect(committed()).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(committed()).toBe(500);
    expect(log.stats).toEqual({ commits: 1, rows: 500 });
    // Every receipt callback ran after the rows were visible to another reader.
    expect(seenAtCallback).toEqual(Array(500).fill(500));
  });

  it('commits at once when a batch is full', () => {
    const { db, committed } = setup();
    const small = new VoteLog({ db, logger: silentLogger, scheduler: systemScheduler, onCommitError: () => undefined, maxBatch: 10 });
    for (let i = 0; i < 25; i += 1) small.addVote(vote(i));
    expect(committed()).toBe(20);
    small.flush();
    expect(committed()).toBe(25);
  });

  it('drops the callbacks of a batch that cannot be committed, so no receipt claims it', () => {
    let failure: unknown = null;
    const { log, committed } = setup((error) => {
      failure = error;
    });
    log.addVote(vote(1));
    log.flush();
    const receipts: string[] = [];
    log.addVote(vote(1)); // the same vote id again breaks the unique index
    log.afterCommit(() => receipts.push('v-1'));
    log.flush();
    expect(failure).toBeInstanceOf(Error);
    expect(receipts).toEqual([]);
    expect(committed()).toBe(1);
  });
});

describe('the database', () => {
  it('refuses a database written by a newer version, with a message saying so', () => {
    const data = tempDataDir();
    try {
      const path = join(data.dir, 'future.sqlite');
      const db = new Database(path);
      db.pragma('user_version = 99');
      db.close();
      expect(() => openDatabase(path)).toThrow(/newer version of mqtt-classroom/);
    } finally {
      data.remove();
    }
  });
});
