import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../runtime/logger.js';
import { createTopics } from '../../shared/topics.js';
import { serverStatusTopic } from '../../server/mqtt/server-link.js';
import { DATABASE_FILE } from '../../server/store/database.js';
import { type VoteCore, createVoteCore } from '../../server/wiring/vote-core.js';
import { ManualScheduler } from '../harness/manual-scheduler.js';
import { tempDataDir, testConfig } from './helpers.js';

/**
 * A full disk, injected at the store: SQLite's max_page_count makes every write
 * past it fail with SQLITE_FULL, exactly as a full file system does, without one.
 * Issue 14 item 4: /api/status counted 55,310 votes while 1,130 were stored, and
 * the error line repeated 218 times in 40 s.
 */
describe('a full disk (issue 14, item 4)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup() {
    const data = tempDataDir();
    const scheduler = new ManualScheduler();
    const lines: string[] = [];
    const published: { topic: string; payload: string; retain: boolean }[] = [];
    const config = testConfig(data.dir);
    const topics = createTopics({ prefix: config.topicPrefix });
    const databasePath = join(data.dir, DATABASE_FILE);
    const core: VoteCore = createVoteCore({
      config,
      topics,
      link: { publish: (topic, payload, options) => published.push({ topic, payload, retain: options.retain }) },
      scheduler,
      logger: createLogger({ level: 'info', write: (line) => lines.push(line) }),
      databasePath,
      logSummaryMs: 30_000,
    });
    await core.database.start();
    core.polls.create({ id: 'cours', question: 'Q?', options: ['a', 'b'] });
    core.polls.open('cours');
    const reader = new Database(databasePath, { readonly: true });
    cleanups.push(async () => {
      reader.close();
      await core.database.stop();
      data.remove();
    });
    const stored = () => (reader.prepare('SELECT COUNT(*) AS n FROM votes').get() as { n: number }).n;
    const send = (from: number, to: number) => {
      for (let i = from; i < to; i += 1) {
        const vote = { id: `vote-${i}-0123456789abcdef0123456789`, option: i % 2 === 0 ? 'a' : 'b', voter: `box-${i % 7}`, source: 'test', ts: i };
        core.ingest.handle(topics.votes('cours'), Buffer.from(JSON.stringify(vote)), false);
        if (i % 50 === 49) core.log.flush(); // one batch per 50, as MQTT delivers a burst
      }
      core.log.flush();
    };
    const receipts = () => new Set(published.filter((p) => p.topic.includes('/receipts/')).map((p) => (JSON.parse(p.payload) as { id: string }).id));
    const statusTopic = serverStatusTopic(topics);
    const lastStatus = () => published.filter((p) => p.topic === statusTopic).at(-1);
    return { core, scheduler, lines, stored, send, receipts, lastStatus };
  }

  it('counts what is stored, gives no receipt for the rest, says so once and why, and heals when space is back', async () => {
    const { core, scheduler, lines, stored, send, receipts, lastStatus } = await setup();
    const pages = core.db.pragma('page_count', { simple: true }) as number;
    core.db.pragma(`max_page_count = ${pages + 3}`);
    send(0, 2000);

    const kept = stored();
    expect(kept).toBeLessThan(2000); // the disk did fill
    // Counters count what is stored, not what arrived.
    expect(core.stats.counted).toBe(kept);
    expect(core.book.get('cours')?.tally.total).toBe(kept);
    expect(receipts().size).toBe(kept);
    // Loud, in words, and once: not one line per failed batch.
    const errors = lines.filter((l) => l.includes('ERROR'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/the disk is full/);
    expect(errors[0]).toMatch(/free space/);
    expect(core.health.status).toMatchObject({ storing: false, lastFailure: { code: 'SQLITE_FULL' } });
    expect(lastStatus()).toMatchObject({ payload: 'not-storing', retain: true });
    // Then one summary per interval, counting the failures meanwhile.
    scheduler.advance(30_000);
    expect(lines.filter((l) => l.includes('ERROR'))).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/more failed vote commits/);

    // Space is back; the senders re-send what got no receipt (same ids).
    core.db.pragma('max_page_count = 1073741823');
    send(0, 2000);
    expect(stored()).toBe(2000);
    expect(core.stats.counted).toBe(2000);
    expect(core.book.get('cours')?.tally.total).toBe(2000);
    expect(receipts().size).toBe(2000);
    expect(core.health.status.storing).toBe(true);
    expect(lastStatus()).toMatchObject({ payload: 'online', retain: true });
    expect(lines.some((l) => l.includes('storing votes again'))).toBe(true);
  });
});
