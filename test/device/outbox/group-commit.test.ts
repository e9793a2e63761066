import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VoteSender } from '../../../device/outbox/sender.js';
import { SqliteOutboxStore } from '../../../device/outbox/sqlite-store.js';
import { VoteMaker } from '../../../device/votes.js';
import { systemClock } from '../../../runtime/clock.js';
import { silentLogger } from '../../../runtime/logger.js';
import { systemScheduler } from '../../../runtime/scheduler.js';
import { until } from '../../harness/wait.js';
import { createTopics } from '../../../shared/topics.js';

/**
 * Group commit: presses of one event-loop turn share one transaction (one fsync),
 * and no vote is published before the commit that holds it. The proof of the
 * second: the fake broker looks each vote up through a SECOND SQLite connection on
 * the same file, which sees only committed transactions.
 */
describe('outbox group commit', () => {
  let dir: string;
  let path: string;
  let outbox: SqliteOutboxStore;
  let reader: Database.Database;
  let sender: VoteSender;
  let commits: { added: number; removed: number }[];
  let published: string[];
  let notYetOnDisk: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
    path = join(dir, 'outbox.sqlite');
    commits = [];
    published = [];
    notYetOnDisk = [];
    // Node's scheduler: the point is the order of real event-loop turns.
    outbox = new SqliteOutboxStore({ path, scheduler: systemScheduler, logger: silentLogger, onCommit: (batch) => commits.push(batch) });
    outbox.start();
    reader = new Database(path, { readonly: true });
    const onDisk = reader.prepare('SELECT 1 FROM outbox WHERE id = ?');
    const link = {
      connected: true,
      publish(_topic: string, payload: string) {
        const id = (JSON.parse(payload) as { id: string }).id;
        if (onDisk.get(id) === undefined) notYetOnDisk.push(id);
        published.push(id);
        return true;
      },
    };
    sender = new VoteSender({ store: outbox, link, scheduler: systemScheduler, logger: silentLogger, maxEntries: 10_000, receiptTimeoutMs: 60_000, maxInFlight: 1_000 });
    sender.start();
  });
  afterEach(() => {
    sender.stop();
    outbox.stop();
    reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const settle = (check: () => boolean) => until(check, 'the outbox to settle', { interval: 5 });

  it('200 presses in one turn: one commit, then all 200 sent in press order, none before it is on disk', async () => {
    let n = 0;
    const votes = new VoteMaker({
      voter: 'dev-secret-1',
      reply: 'mqtt-classroom-device-box-1',
      topics: createTopics({ prefix: 'salle' }),
      outbox: sender.outbox,
      fixedPollId: null,
      polls: { known: () => ({ id: 'cours', options: [{ id: 'A', label: 'A' }, { id: 'B', label: 'B' }] }) },
      clock: systemClock,
      logger: silentLogger,
      onQueued: () => sender.kick(),
      newId: () => `press-${String((n += 1)).padStart(3, '0')}`,
    });
    // A send already scheduled for this turn (say a receipt came earlier in it): it
    // runs before the outbox's own end-of-turn commit, and still may not publish a
    // vote that is not on disk.
    sender.kick();
    for (let i = 0; i < 200; i += 1) expect(votes.vote(`b${i % 2}`, { vote: (i % 2) + 1 }, 'simulation')).toBe('queued');
    // Nothing is sent, nor on disk, in the turn of the presses.
    expect(published).toEqual([]);
    expect(commits).toEqual([]);
    expect((reader.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n).toBe(0);

    await settle(() => published.length === 200);
    expect(published).toHaveLength(200);
    expect(notYetOnDisk).toEqual([]);
    expect(published).toEqual(Array.from({ length: 200 }, (_, i) => `press-${String(i + 1).padStart(3, '0')}`));
    expect(commits.reduce((sum, c) => sum + c.added, 0)).toBe(200);
    expect(commits.length).toBeLessThanOrEqual(2);
  });

  it('presses in separate turns are each on disk before they are sent; receipts of one turn share one commit', async () => {
    for (let turn = 0; turn < 20; turn += 1) {
      if (turn % 2 === 0) sender.kick(); // half the turns: a send scheduled before the presses
      for (let i = 0; i < 5; i += 1) {
        const id = `t${turn}-${i}`;
        sender.outbox.add({ id, topic: 'salle/votes/cours', payload: JSON.stringify({ id }), button: null, createdAt: turn });
      }
      sender.kick();
      await new Promise((r) => setImmediate(r));
    }
    await settle(() => published.length === 100);
    expect(published).toHaveLength(100);
    expect(notYetOnDisk).toEqual([]);
    expect(commits.filter((c) => c.added > 0).length).toBeLessThanOrEqual(20);

    const before = commits.length;
    for (const id of published) sender.receipt({ id, poll: 'cours', status: 'counted' });
    expect(outbox.size).toBe(0);
    await settle(() => commits.length > before);
    expect(commits.slice(before)).toEqual([{ added: 0, removed: 100 }]);
    expect((reader.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n).toBe(0);
  });

  it('says a vote is recorded only once it is on disk (the log line a teacher reads)', async () => {
    const said: string[] = [];
    const onDisk = reader.prepare('SELECT 1 FROM outbox WHERE id = ?');
    const notYet: string[] = [];
    let n = 0;
    const votes = new VoteMaker({
      voter: 'dev-secret-1',
      reply: 'mqtt-classroom-device-box-1',
      topics: createTopics(),
      outbox: sender.outbox,
      fixedPollId: null,
      polls: { known: () => ({ id: 'cours', options: [{ id: 'A', label: 'A' }] }) },
      clock: systemClock,
      logger: {
        ...silentLogger,
        info: (_message: string, fields?: Record<string, unknown>) => {
          const id = String(fields?.id);
          if (onDisk.get(id) === undefined) notYet.push(id);
          said.push(id);
        },
      },
      onQueued: () => undefined,
      newId: () => `log-${(n += 1)}`,
    });
    for (let i = 0; i < 20; i += 1) votes.vote('1', { vote: 1 }, 'button');
    expect(said).toEqual([]);
    await settle(() => said.length === 20);
    expect(said).toHaveLength(20);
    expect(notYet).toEqual([]);
  });

  it('a full outbox still refuses presses of the same turn, before anything is committed', () => {
    const small = new SqliteOutboxStore({ path: join(dir, 'small.sqlite'), scheduler: systemScheduler, logger: silentLogger });
    small.start();
    const { outbox: machine } = new VoteSender({ store: small, link: { connected: false, publish: () => false }, scheduler: systemScheduler, logger: silentLogger, maxEntries: 3, receiptTimeoutMs: 1_000, maxInFlight: 10 });
    const add = (id: string) => machine.add({ id, topic: 't', payload: '{}', button: null, createdAt: 0 });
    expect([add('a'), add('b'), add('c'), add('d')]).toEqual([true, true, true, false]);
    expect(small.commits).toBe(0);
    expect(small.oldest(10).map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(small.commits).toBe(1);
    small.stop();
  });
});
