import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../runtime/logger.js';
import { systemScheduler } from '../../../runtime/scheduler.js';
import type { Scheduler } from '../../../shared/scheduler.js';
import { ManualScheduler } from '../../harness/manual-scheduler.js';
import { createTopics } from '../../../shared/topics.js';
import { ServerLink } from '../../../server/mqtt/server-link.js';
import { type TestEmbeddedBroker, startEmbedded } from '../../harness/embedded.js';
import { closeClient, connectClient } from '../../harness/mqtt.js';

describe('ServerLink', () => {
  const topics = createTopics();
  let broker: TestEmbeddedBroker | null = null;
  let link: ServerLink | null = null;
  afterEach(async () => {
    await link?.stop();
    await broker?.stop();
    link = null;
    broker = null;
  });

  const makeLink = (url: () => string, onVote: (topic: string) => void = () => undefined, scheduler: Scheduler = systemScheduler) =>
    new ServerLink({
      url: () => [url()],
      scheduler,
      username: null,
      password: null,
      topics,
      voteTopic: null,
      logger: silentLogger,
      onVote: (topic) => onVote(topic),
      onReady: () => undefined,
      waitMs: 10_000,
      persistentSession: false,
    });

  it('can be made before its broker exists: it stores, publishes nothing and asks for no URL until started', () => {
    const url = vi.fn(() => 'mqtt://127.0.0.1:1');
    link = makeLink(url);
    expect(link.connected).toBe(false);
    expect(() => link?.publish(topics.tally('p'), '{}', { qos: 1, retain: true })).not.toThrow();
    expect(() => link?.url).toThrow(/not started/);
    expect(url).not.toHaveBeenCalled();
  });

  it('asks for the URL once, at start, connects there and hands over the votes', async () => {
    const votes: string[] = [];
    let started: TestEmbeddedBroker | null = null;
    const url = vi.fn(() => (started as TestEmbeddedBroker).url);
    link = makeLink(url, (topic) => votes.push(topic));
    broker = started = await startEmbedded();
    await link.start();
    expect(link.connected).toBe(true);
    expect(link.url).toBe(started.url);
    expect(url).toHaveBeenCalledTimes(1);
    const voter = await connectClient(started.url);
    try {
      voter.publish(topics.votes('p1'), '{"option":"A"}', { qos: 1 });
      await vi.waitFor(() => expect(votes).toEqual([topics.votes('p1')]));
    } finally {
      await closeClient(voter);
    }
    expect(url).toHaveBeenCalledTimes(1);
  });

  it("waits for a missing broker on the server's scheduler, not on wall time, then goes on in the background", async () => {
    const scheduler = new ManualScheduler();
    // Nothing listens on port 1: the first attempt fails, and start() has to give up waiting.
    link = makeLink(() => 'mqtt://127.0.0.1:1', undefined, scheduler);
    let done = false;
    const started = link.start().then(() => {
      done = true;
    });
    await vi.waitFor(() => expect(scheduler.pending).toBeGreaterThan(0));
    expect(done).toBe(false);
    scheduler.advance(10_000);
    await started;
    expect(done).toBe(true);
    expect(link.connected).toBe(false);
  });
});
