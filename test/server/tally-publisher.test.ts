import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeTally } from '../../shared/codecs/tally.js';
import { samplePoll } from '../../shared/poll.js';
import { snapshotOf } from '../../shared/codecs/tally.js';
import { applyVote, createTally } from '../../shared/tally.js';
import { createTopics } from '../../shared/topics.js';
import { TallyPublisher } from '../../server/publish/tally-publisher.js';

describe('tally snapshots', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  function setup(intervalMs = 50) {
    const tally = createTally({ ...samplePoll(), state: 'open' });
    const sent: { topic: string; seq: number; total: number; at: number; retain: boolean }[] = [];
    let commits = 0;
    const publisher = new TallyPublisher({
      topics: createTopics(),
      clock: { now: () => Date.now() },
      intervalMs,
      commit: () => (commits += 1),
      snapshot: () => snapshotOf(tally, Date.now()),
      link: {
        publish: (topic, payload, options) => {
          const decoded = decodeTally(payload);
          if (!decoded.ok) throw new Error('bad snapshot');
          sent.push({ topic, seq: decoded.value.seq, total: decoded.value.total, at: Date.now(), retain: options.retain });
        },
      },
    });
    const vote = (i: number) => {
      applyVote(tally, { id: `v${i}`, option: 'IFT1215', voter: 'box', source: 't', ts: i });
      publisher.changed('cours');
    };
    return { tally, sent, publisher, vote, commits: () => commits };
  }

  it('coalesces a burst into at most one retained snapshot per interval, the last one complete', async () => {
    const { sent, vote, commits } = setup(50);
    // 10,000 votes per second for one second.
    for (let ms = 0; ms < 1000; ms += 1) {
      for (let k = 0; k < 10; k += 1) vote(ms * 10 + k);
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(100);
    expect(sent.length).toBeLessThanOrEqual(1000 / 50 + 1);
    expect(sent.length).toBeGreaterThan(10);
    for (let i = 1; i < sent.length; i += 1) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(50);
    expect(sent.at(-1)?.total).toBe(10_000);
    expect(sent.every((s) => s.topic === 'classroom/tally/cours' && s.retain)).toBe(true);
    // Each snapshot commits the queued votes first.
    expect(commits()).toBe(sent.length);
  });

  it('publishes the first change at once and skips a snapshot that did not change', async () => {
    const { sent, vote, publisher } = setup(50);
    vote(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((s) => s.total)).toEqual([1]);
    publisher.changed('cours');
    await vi.advanceTimersByTimeAsync(100);
    expect(sent).toHaveLength(1);
  });

  it('flushes a pending snapshot on shutdown instead of losing it', async () => {
    const { sent, vote, publisher } = setup(50);
    vote(1);
    await vi.advanceTimersByTimeAsync(0);
    vote(2);
    publisher.flush();
    expect(sent.map((s) => s.total)).toEqual([1, 2]);
  });
});
