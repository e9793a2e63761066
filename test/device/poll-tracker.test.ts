import { describe, expect, it } from 'vitest';
import { PollTracker } from '../../device/poll-tracker.js';
import { silentLogger } from '../../runtime/logger.js';
import { encodePoll } from '../../shared/codecs/poll.js';
import { samplePoll } from '../../shared/poll.js';
import { createTopics } from '../../shared/topics.js';
import { FakeLink } from './helpers/fake-link.js';

const topics = createTopics();
const poll = (id: string, state: 'open' | 'closed', openedAt: number | null) => encodePoll({ ...samplePoll(id), state, openedAt });

function tracker(fixedPollId: string | null = null, memory = new Map<string, string>()) {
  const link = new FakeLink();
  const polls = new PollTracker({
    link,
    topics,
    fixedPollId,
    logger: silentLogger,
    memory: { getState: (k) => memory.get(k) ?? null, setState: (k, v) => void memory.set(k, v) },
  });
  polls.start();
  return { link, polls, memory };
}

describe('PollTracker', () => {
  it('knows the open poll only as the broker told it since the last connect (else the hub resolves presses)', () => {
    const memory = new Map<string, string>([['target-poll', poll('q1', 'open', 1_000)]]);
    const { link, polls } = tracker(null, memory);
    // Remembered from the last run, but not confirmed by this connection.
    expect(polls.current()?.id).toBe('q1');
    expect(polls.known()).toBeNull();
    link.deliver('classroom/polls/q1', poll('q1', 'open', 1_000));
    expect(polls.known()?.id).toBe('q1');
    link.connected = false;
    expect(polls.known()).toBeNull();
    // A reconnect: not known again until the retained poll arrives.
    link.connect();
    expect(polls.known()).toBeNull();
    link.deliver('classroom/polls/q1', poll('q1', 'open', 1_000));
    expect(polls.known()?.id).toBe('q1');
  });

  it('follows the most recently opened poll, and none once all are closed or removed', () => {
    const { link, polls } = tracker();
    expect(polls.current()).toBeNull();
    link.deliver('classroom/polls/q1', poll('q1', 'open', 1_000));
    link.deliver('classroom/polls/q2', poll('q2', 'open', 2_000));
    expect(polls.current()?.id).toBe('q2');
    link.deliver('classroom/polls/q2', poll('q2', 'closed', 2_000));
    expect(polls.current()?.id).toBe('q1');
    // An empty retained message removes the poll.
    link.deliver('classroom/polls/q1', '');
    expect(polls.current()).toBeNull();
  });

  it('ignores a malformed poll message', () => {
    const { link, polls } = tracker();
    link.deliver('classroom/polls/q1', '{"id":');
    expect(polls.current()).toBeNull();
  });

  it('remembers the target across a restart, before the broker is reachable', () => {
    const first = tracker();
    first.link.deliver('classroom/polls/cours', poll('cours', 'open', 1_000));
    const second = tracker(null, first.memory);
    expect(second.polls.current()).toEqual({ id: 'cours', options: samplePoll().options });
  });

  it('with a fixed poll id, votes on it whatever is open, and learns its options when they come', () => {
    const { link, polls } = tracker('cours');
    expect(polls.current()).toEqual({ id: 'cours', options: null });
    link.deliver('classroom/polls/autre', poll('autre', 'open', 5_000));
    link.deliver('classroom/polls/cours', poll('cours', 'closed', null));
    expect(polls.current()).toEqual({ id: 'cours', options: samplePoll().options });
  });
});
