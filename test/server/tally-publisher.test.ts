import { describe, expect, it } from 'vitest';
import { decodeTally } from '../../shared/codecs/tally.js';
import { samplePoll } from '../../shared/poll.js';
import { snapshotOf } from '../../shared/codecs/tally.js';
import { applyVote, createTally } from '../../shared/tally.js';
import { createTopics } from '../../shared/topics.js';
import { TallyPublisher } from '../../server/publish/tally-publisher.js';
import { ManualScheduler } from '../harness/manual-scheduler.js';

describe('tally snapshots', () => {
  // The publisher runs on a ManualScheduler: the tests move time themselves.
  function setup(intervalMs = 50) {
    const scheduler = new ManualScheduler(1_000_000);
    const tally = createTally({ ...samplePoll(), state: 'open' });
    const sent: { topic: string; seq: number; total: number; at: number; retain: boolean }[] = [];
    let commits = 0;
    const publisher = new TallyPublisher({
      topics: createTopics(),
      scheduler,
      intervalMs,
      commit: () => (commits += 1),
      snapshot: () => snapshotOf(tally, scheduler.now()),
      link: {
        publish: (topic, payload, options) => {
          const decoded = decodeTally(payload);
          if (!decoded.ok) throw new Error('bad snapshot');
          sent.push({ topic, seq: decoded.value.seq, total: decoded.value.total, at: scheduler.now(), retain: options.retain });
        },
      },
    });
    const vote = (i: number) => {
      applyVote(tally, { id: `v${i}`, option: 'IFT1215', voter: 'box', source: 't', ts: i });
      publisher.changed('cours');
    };
    return { tally, sent, publisher, vote, scheduler, commits: () => commits };
  }

  it('coalesces a burst into at most one retained snapshot per interval, the last one complete', () => {
    const { sent, vote, scheduler, commits } = setup(50);
    // 10,000 votes per second for one second.
    for (let ms = 0; ms < 1000; ms += 1) {
      for (let k = 0; k < 10; k += 1) vote(ms * 10 + k);
      scheduler.advance(1);
    }
    scheduler.advance(100);
    expect(sent.length).toBeLessThanOrEqual(1000 / 50 + 1);
    expect(sent.length).toBeGreaterThan(10);
    for (let i = 1; i < sent.length; i += 1) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(50);
    expect(sent.at(-1)?.total).toBe(10_000);
    expect(sent.every((s) => s.topic === 'classroom/tally/cours' && s.retain)).toBe(true);
    // Each snapshot commits the queued votes first.
    expect(commits()).toBe(sent.length);
  });

  it('publishes the first change at once and skips a snapshot that did not change', () => {
    const { sent, vote, publisher, scheduler } = setup(50);
    vote(1);
    scheduler.advance(0);
    expect(sent.map((s) => s.total)).toEqual([1]);
    publisher.changed('cours');
    scheduler.advance(100);
    expect(sent).toHaveLength(1);
  });

  it('shows a vote that arrives after a quiet interval at once, in the same turn (leading edge)', () => {
    const { sent, vote, scheduler } = setup(50);
    vote(1);
    // No timer has run: the first change is on the wire already.
    expect(sent.map((s) => s.total)).toEqual([1]);
    scheduler.advance(200);
    vote(2);
    expect(sent.map((s) => s.total)).toEqual([1, 2]);
    expect(scheduler.pending).toBe(0);
  });

  it('holds changes inside the interval for one trailing snapshot at its end (flood protection)', () => {
    const { sent, vote, scheduler } = setup(50);
    vote(1);
    scheduler.advance(10);
    vote(2);
    scheduler.advance(10);
    vote(3);
    expect(sent.map((s) => s.total)).toEqual([1]);
    scheduler.advance(29);
    expect(sent).toHaveLength(1);
    scheduler.advance(1);
    expect(sent.map((s) => [s.total, s.at - sent[0]!.at])).toEqual([
      [1, 0],
      [3, 50],
    ]);
    // A vote just after the trailing snapshot waits for the next slot, not longer.
    scheduler.advance(10);
    vote(4);
    expect(sent).toHaveLength(2);
    scheduler.advance(40);
    expect(sent.map((s) => s.total)).toEqual([1, 3, 4]);
  });

  it('flushes a pending snapshot on shutdown instead of losing it', () => {
    const { sent, vote, publisher, scheduler } = setup(50);
    vote(1);
    scheduler.advance(0);
    vote(2);
    publisher.flush();
    expect(sent.map((s) => s.total)).toEqual([1, 2]);
  });
});
